"""The receipt a payer is handed: number, unit, amount, method, what it settled."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.charges.models import Charge
from fees.payments.models import Payment
from fees.pdf import method_label, render
from propops.timezones import local_date


async def receipt_pdf(session: AsyncSession, payment: Payment) -> bytes:
    account = await session.get_one(Account, payment.account_id)
    charges = {
        c.id: c
        for c in (
            await session.scalars(
                select(Charge).where(Charge.id.in_([a.charge_id for a in payment.allocations]))
            )
        ).all()
    }
    rows: list[list[object]] = [["項目 Charge", "到期日 Due", "本次繳付 Paid"]]
    for allocation in payment.allocations:
        charge = charges[allocation.charge_id]
        label = charge.description or charge.kind
        if charge.period:
            label = f"{label} ({charge.period})"
        rows.append([label, charge.due_date.isoformat(), f"{allocation.amount:,.2f}"])
    if payment.unallocated > 0:
        rows.append(["預繳餘額 Credit", "", f"{payment.unallocated:,.2f}"])
    return render(
        title="收據 Receipt",
        fields=[
            ("收據編號 Receipt no.", payment.receipt_number or "-"),
            ("單位 Unit", f"{account.property_code} {account.building} {account.unit_number}"),
            ("金額 Amount", f"{payment.amount:,.2f}"),
            ("付款方式 Method", method_label(payment.method)),
            ("付款日期 Paid on", local_date(payment.paid_at, account.time_zone).isoformat()),
            ("參考 Reference", payment.reference or "-"),
        ],
        table=rows if len(rows) > 1 else None,
        numeric_columns=(2,),
        note="本收據由 PropOps 管理處系統發出。 Issued by the management office (PropOps).",
    )

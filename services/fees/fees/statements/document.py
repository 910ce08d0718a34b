"""The statement a resident is handed, as a PDF."""

from __future__ import annotations

from fees.pdf import method_label, render
from fees.statements.schemas import LineKind, StatementOut


def _amount(value: object) -> str:
    return "" if value is None else f"{value:,.2f}"


def statement_pdf(s: StatementOut) -> bytes:
    rows: list[list[object]] = [
        ["日期 Date", "項目 Item", "參考 Ref.", "收費 Charged", "繳付 Paid", "結餘 Balance"]
    ]
    rows.append(
        [
            s.from_date.isoformat(),
            "承上結餘 Opening balance",
            "",
            "",
            "",
            _amount(s.opening_balance),
        ]
    )
    for line in s.lines:
        rows.append(
            [
                line.date.isoformat(),
                method_label(line.description)
                if line.kind == LineKind.payment
                else line.description,
                line.reference or "",
                _amount(line.debit),
                _amount(line.credit),
                _amount(line.balance),
            ]
        )
    rows.append(
        [s.to_date.isoformat(), "結欠 Closing balance", "", "", "", _amount(s.closing_balance)]
    )
    return render(
        title="管理費月結單 Statement of account",
        fields=[
            ("單位 Unit", f"{s.property_code} {s.building} {s.unit_number}"),
            ("期間 Period", f"{s.from_date.isoformat()} – {s.to_date.isoformat()}"),
            ("承上結餘 Opening", _amount(s.opening_balance)),
            ("本期收費 Charged", _amount(s.charges_total)),
            ("本期繳付 Paid", _amount(s.payments_total)),
            ("結欠 Closing", _amount(s.closing_balance)),
        ],
        table=rows,
        numeric_columns=(3, 4, 5),
        note=(
            "結餘為正數即尚欠款項，負數即預繳。 "
            "A positive balance is owed; a negative one is credit."
        ),
    )

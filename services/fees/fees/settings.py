"""Fees settings: the common ones plus the payment-status sweep, the billing runs and the PDFs'
font."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from propops.settings import ServiceSettings

# where `make sync` puts the font (services/fees/fetch_font.py): .tools/fonts/ of the checkout
DEFAULT_PDF_FONT = (
    Path(__file__).resolve().parents[3] / ".tools" / "fonts" / "NotoSansTC_400Regular.ttf"
)


class FeesSettings(ServiceSettings):
    service_name: str = "fees"
    status_sweep_seconds: float = Field(
        default=60.0,
        gt=0,
        description="seconds between looks for units whose charges have fallen overdue",
    )
    billing_run_chunk: int = Field(
        default=5000,
        ge=10,
        le=50000,
        description="unit accounts a billing run charges per transaction",
    )
    billing_run_resume_seconds: float = Field(
        default=30.0, gt=0, description="seconds between looks for billing runs to resume"
    )
    billing_run_stall_seconds: float = Field(
        default=60.0,
        gt=0,
        description="a running billing run untouched this long is resumed (after a restart)",
    )
    paid_service_due_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="days after the sign-off a paid service's charge is due",
    )
    pdf_font: Path = Field(
        default=DEFAULT_PDF_FONT,
        description="TrueType font embedded in receipts and statements (Chinese and English);"
        " missing: a warning, and reportlab's MSung-Light, which is not embedded",
    )

"""The receipts' and statements' Chinese is drawn by any reader: the PDFs embed Noto Sans TC
(fetched by ``make sync``), and poppler (``pdftoppm``, which cannot draw reportlab's MSung-Light)
renders their titles. The rendered pages are saved in var/screenshots/ (pdf-receipt.png,
pdf-statement.png); without the font file the documents still come out, in MSung-Light."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from pypdf import PdfReader
from test_charges_payments import charge, days, fees, open_unit, pay

from fees import pdf
from fees.settings import DEFAULT_PDF_FONT
from propops.testing.fixtures import RunningApp

__all__ = ["fees"]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
DPI = 100
DARK = 128  # a pixel darker than this (0 black .. 255 white) is ink
MM = 72 / 25.4


def px(points: float) -> int:
    return round(points * DPI / 72)


# Where the title's first two characters (收據, 管理) are drawn at 16 pt on its 22 pt line: the
# page's frame starts 18 mm + 6 pt from the left and 72 + 6 pt from the top (pdf.render).
TITLE_CJK_BOX = (px(18 * MM + 6), px(78), px(18 * MM + 6 + 2 * 16), px(78 + 22))
ABOVE_TITLE_BOX = (0, 0, px(400), px(70))  # the top margin: blank


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(
                "pdftoppm is missing (make test installs poppler-utils: .ci/install-browser)"
            )
        pytest.skip("pdftoppm is missing: apt-get install poppler-utils")
    return found


def require_font() -> None:
    if not DEFAULT_PDF_FONT.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{DEFAULT_PDF_FONT} is missing (make sync fetches it)")
        pytest.skip(f"{DEFAULT_PDF_FONT} is missing (offline at make sync?): run make sync")


def assert_font_embedded(content: bytes) -> None:
    """Every font the page uses, but the standard Helvetica reportlab always declares, is a
    TrueType font file inside the PDF; none is MSung-Light."""
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        name = str(font["/BaseFont"])
        names.append(name)
        assert "MSung" not in name, name
        if name != "/Helvetica":
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), name
    assert any(n.endswith("+NotoSansTC-Regular") for n in names), names


def rendered_page(content: bytes, tmp_path: Path, name: str) -> Image.Image:
    """The first page as poppler draws it, saved as var/screenshots/<name>.png."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(content)
    subprocess.run(
        [pdftoppm(), "-r", str(DPI), "-png", "-singlefile", "-f", "1", "-l", "1", source, source],
        check=True,
        capture_output=True,
        timeout=60,
    )
    png = source.with_suffix(".pdf.png")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SCREENSHOTS / f"{name}.png")
    return Image.open(png).convert("L")


def ink(page: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(page.crop(box).histogram()[:DARK])


def assert_title_drawn(page: Image.Image) -> None:
    assert ink(page, ABOVE_TITLE_BOX) == 0
    # two 22-pixel characters: a few hundred dark pixels; MSung-Light under poppler: none
    assert ink(page, TITLE_CJK_BOX) > 80, "the title's Chinese is not drawn"


async def test_receipt_and_statement_embed_their_font_and_poppler_draws_the_chinese(
    fees: RunningApp, tmp_path: Path
) -> None:
    require_font()
    unit = await open_unit(fees, f"p-{uuid.uuid4().hex[:8]}")
    await charge(fees, unit, "250.00", -3, description="管理費")
    payment = await pay(fees, unit, "250.00")

    r = await fees.client.get(f"/v1/payments/{payment['id']}/receipt.pdf")
    assert r.status_code == 200, r.text
    assert_font_embedded(r.content)
    assert_title_drawn(rendered_page(r.content, tmp_path, "pdf-receipt"))

    r = await fees.client.get(
        f"/v1/accounts/{unit}/statement.pdf", params={"from": days(-30), "to": days(0)}
    )
    assert r.status_code == 200, r.text
    assert_font_embedded(r.content)
    assert_title_drawn(rendered_page(r.content, tmp_path, "pdf-statement"))


def test_without_the_font_file_a_warning_once_and_the_documents_fall_back_to_msung(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warnings: list[dict[str, object]] = []
    monkeypatch.setattr(
        pdf, "log", SimpleNamespace(warning=lambda event, **kw: warnings.append(kw | {"e": event}))
    )
    missing = tmp_path / "missing.ttf"
    monkeypatch.setattr(pdf, "_font_file", missing)
    content = pdf.render(title="收據 Receipt", fields=[("金額 Amount", "30.00")])
    pdf.render(title="收據 Receipt", fields=[("金額 Amount", "30.00")])

    assert [(w["e"], w["path"]) for w in warnings] == [("pdf_font_missing", str(missing))]
    assert "收據" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    assert "/MSung-Light" in {str(f.get_object()["/BaseFont"]) for f in fonts.values()}

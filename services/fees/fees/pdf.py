"""PDF documents a resident is handed (receipts, statements), with reportlab.

reportlab is the long-kept PDF library of Python. The text (Chinese and English) is drawn in
Noto Sans TC, a TrueType font that ``make sync`` fetches into ``.tools/fonts/``
(``services/fees/fetch_font.py``; the setting ``PROPOPS_PDF_FONT`` names another file):
reportlab embeds the glyphs a document uses (a subset), so any reader, poppler included, draws
them. Without that file (a machine that was offline at ``make sync``) a warning is logged once and
the documents fall back to reportlab's built-in CID font ``MSung-Light``: referenced by name, not
embedded, so a reader without Adobe's font shows no Chinese. Every document is a title, a few
label/value rows, an optional table and a footnote.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import structlog
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FALLBACK_FONT = "MSung-Light"

# how a payment's method is printed on a receipt and on a statement (``method_label``)
PAYMENT_METHOD_LABELS = {
    "cash": "現金 Cash",
    "bank_transfer": "銀行轉賬 Bank transfer",
    "card": "信用卡 Card",
    "cheque": "支票 Cheque",
    "autopay": "自動轉賬 Autopay",
    "other": "其他 Other",
}
log = structlog.get_logger("fees.pdf")
_font_file: Path | None = None


def method_label(method: str) -> str:
    """A payment method (``PaymentMethod``) as the documents print it: "cash" is "現金 Cash";
    one unknown here is printed as it is."""
    return PAYMENT_METHOD_LABELS.get(method, method)


def use_font_file(path: Path) -> str:
    """Draw this process's documents with the TrueType file ``path`` (the fees app calls this
    with ``settings.pdf_font`` at its start); the name of the font they will use."""
    global _font_file
    _font_file = path
    return font_for(path)


@functools.cache
def font_for(path: Path) -> str:
    """The registered reportlab font for ``path``: the TrueType file, embedded when used, or,
    when it is missing or unreadable, ``MSung-Light`` (a warning, once per path)."""
    try:
        name = f"PropOps-{path.stem}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        return name
    except (OSError, TTFError) as exc:
        log.warning(
            "pdf_font_missing",
            path=str(path),
            error=str(exc),
            fallback=FALLBACK_FONT,
            hint="`make sync` fetches it; without it readers such as poppler show no Chinese",
        )
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
        return FALLBACK_FONT


def current_font() -> str:
    """The font documents are drawn with now (``PROPOPS_PDF_FONT`` when no app has said)."""
    if _font_file is None:
        from fees.settings import FeesSettings

        return use_font_file(FeesSettings().pdf_font)
    return font_for(_font_file)


@functools.cache
def _styles(font: str) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Title, body and note styles in ``font``."""
    return (
        ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6),
        ParagraphStyle("body", fontName=font, fontSize=10, leading=14),
        ParagraphStyle("note", fontName=font, fontSize=8, leading=11, textColor=colors.grey),
    )


def _cell(value: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_escape(str(value)), style)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(
    *,
    title: str,
    fields: Sequence[tuple[str, object]],
    table: Sequence[Sequence[object]] | None = None,
    numeric_columns: Sequence[int] = (),
    note: str | None = None,
) -> bytes:
    """A one-document PDF: ``title``, ``fields`` (label, value), an optional ``table`` whose
    first row is its header, and a ``note`` at the end."""
    font = current_font()
    title_style, body, note_style = _styles(font)
    out = BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=title, author="PropOps"
    )
    story: list[Flowable] = [Paragraph(_escape(title), title_style)]
    info = Table(
        [[_cell(label, body), _cell(value, body)] for label, value in fields],
        colWidths=[45 * mm, None],
    )
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [info, Spacer(1, 6 * mm)]
    if table:
        grid = Table([[_cell(v, body) for v in row] for row in table], repeatRows=1)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric_columns]
        grid.setStyle(TableStyle(style))
        story += [grid, Spacer(1, 6 * mm)]
    if note:
        story.append(Paragraph(_escape(note), note_style))
    doc.build(story)
    return out.getvalue()

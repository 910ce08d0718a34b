"""PDF documents a resident is handed (receipts, statements), with reportlab.

reportlab is the long-kept PDF library of Python; its built-in CID font ``MSung-Light`` (Adobe's
Traditional Chinese font, referenced by name, not embedded) renders 中文 with no font file to
ship. Every document is a title, a few label/value rows, an optional table and a footnote.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "MSung-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=6)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
NOTE = ParagraphStyle("note", fontName=FONT, fontSize=8, leading=11, textColor=colors.grey)


def _cell(value: object) -> Paragraph:
    return Paragraph(_escape(str(value)), BODY)


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
    out = BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=title, author="PropOps"
    )
    story: list[Flowable] = [Paragraph(_escape(title), TITLE)]
    info = Table(
        [[_cell(label), _cell(value)] for label, value in fields], colWidths=[45 * mm, None]
    )
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [info, Spacer(1, 6 * mm)]
    if table:
        grid = Table([[_cell(v) for v in row] for row in table], repeatRows=1)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric_columns]
        grid.setStyle(TableStyle(style))
        story += [grid, Spacer(1, 6 * mm)]
    if note:
        story.append(Paragraph(_escape(note), NOTE))
    doc.build(story)
    return out.getvalue()

"""Printable A4 sheets: eight cards or slips a page, with dashed cut lines.

Drawn with ReportLab; QR codes come from segno and are drawn as vector
squares, so they stay sharp on any printer and cost no image encoding.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 4
PAGE_W, PAGE_H = A4
CARD_W, CARD_H = PAGE_W / COLUMNS, PAGE_H / ROWS
PAD = 5 * mm
QR_SIZE = 27 * mm

_FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


@cache
def _fonts(language: str) -> tuple[str, str]:
    """(regular, bold) font names able to show this language's labels."""
    if language.startswith("zh"):
        # A standard Adobe font that PDF readers supply: no embedding needed.
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light", "STSong-Light"
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts"
    for regular, bold in [*_FONT_CANDIDATES, (vera / "Vera.ttf", vera / "VeraBd.ttf")]:
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("Mims", str(regular)))
            pdfmetrics.registerFont(TTFont("Mims-Bold", str(bold)))
            return "Mims", "Mims-Bold"
    return "Helvetica", "Helvetica-Bold"


class Sheet:
    """Places boxes eight to an A4 page and draws the cut lines."""

    def __init__(self, target: Any, title: str) -> None:
        self.canvas = Canvas(target, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(_("Student MIMS"))
        self.font, self.bold = _fonts(get_language() or settings.LANGUAGE_CODE)
        self.index = 0

    def next_box(self) -> tuple[float, float]:
        """Bottom-left corner of the next box, starting a page when needed."""
        slot = self.index % (COLUMNS * ROWS)
        if slot == 0:
            if self.index:
                self.canvas.showPage()
            self._cut_lines()
        self.index += 1
        col, row = slot % COLUMNS, slot // COLUMNS
        return col * CARD_W, PAGE_H - (row + 1) * CARD_H

    def _cut_lines(self) -> None:
        c = self.canvas
        c.saveState()
        c.setStrokeGray(0.6)
        c.setLineWidth(0.5)
        c.setDash(4, 3)
        for col in range(1, COLUMNS):
            c.line(col * CARD_W, 0, col * CARD_W, PAGE_H)
        for row in range(1, ROWS):
            c.line(0, row * CARD_H, PAGE_W, row * CARD_H)
        c.restoreState()

    def text(self, x: float, y: float, text: str, size: float, width: float, *, bold: bool = False) -> None:
        """Draw one line, shrinking it (down to 6 pt) and then cutting it to fit."""
        font = self.bold if bold else self.font
        while size > 6 and pdfmetrics.stringWidth(text, font, size) > width:
            size -= 0.5
        while len(text) > 1 and pdfmetrics.stringWidth(text, font, size) > width:
            text = text[:-2] + "…"
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, y, text)

    def qr(self, x: float, y: float, url: str, size: float = QR_SIZE) -> None:
        """Draw a QR code with its quiet zone as vector squares.

        The modules are written as literal PDF operators in a scaled frame
        (one unit per module, dark runs per row merged), which is many times
        faster than a ReportLab path for a thousand codes. A fixed mask skips
        segno's search for the best of eight: any mask is valid, and the
        search was most of the time spent.
        """
        matrix = list(segno.make(url, error="m", micro=False, mask=0).matrix)
        n = len(matrix)
        border = 2
        cell = size / (n + 2 * border)
        ops = []
        for r, row in enumerate(matrix):
            top = n - 1 - r
            start = None
            for col, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    ops.append(f"{start} {top} {col - start} 1 re")
                    start = None
        c = self.canvas
        c.saveState()
        c.translate(x + border * cell, y + border * cell)
        c.scale(cell, cell)
        c.setFillGray(0)
        c.addLiteral("\n".join(ops) + "\nf")
        c.restoreState()

    def save(self) -> None:
        if self.index == 0:
            self._cut_lines()
        self.canvas.save()


def _header(sheet: Sheet, x: float, top: float, item: dict[str, Any]) -> None:
    """School and class, the child's name and login ID across the top, and
    the QR code on the right below them."""
    full_w = CARD_W - 2 * PAD
    place = item["school"] + (f" · {item['school_class']}" if item["school_class"] else "")
    sheet.text(x + PAD, top - 9, place, 8.5, full_w)
    sheet.text(x + PAD, top - 24, item["name"], 12, full_w, bold=True)
    sheet.text(x + PAD, top - 37, _("Login ID"), 8, full_w)
    sheet.text(x + PAD, top - 49, item["login_id"], 10, full_w, bold=True)
    sheet.qr(x + CARD_W - PAD - QR_SIZE, top - 56 - QR_SIZE, item["url"])


def draw_card(sheet: Sheet, item: dict[str, Any]) -> None:
    x, y = sheet.next_box()
    top = y + CARD_H - PAD
    _header(sheet, x, top, item)
    left_w = CARD_W - 2 * PAD - QR_SIZE - 2 * mm
    sheet.text(x + PAD, top - 67, _("Your secret words"), 9, left_w, bold=True)
    line_y = top - 67
    for question, answer in zip(item["questions"], item["answers"], strict=True):
        sheet.text(x + PAD, line_y - 13, question, 8, left_w)
        sheet.text(x + PAD + 3 * mm, line_y - 26, answer, 12, left_w - 3 * mm, bold=True)
        line_y -= 26
    address = _("Sign in at %(address)s") % {"address": settings.SITE_ROOT}
    sheet.text(x + PAD, y + PAD + 10, address, 7.5, CARD_W - 2 * PAD)
    sheet.text(x + PAD, y + PAD, _("Keep this card safe at home. Do not show it to friends."), 7.5, CARD_W - 2 * PAD)


def draw_slip(sheet: Sheet, item: dict[str, Any]) -> None:
    from .slips import STEPS

    x, y = sheet.next_box()
    top = y + CARD_H - PAD
    _header(sheet, x, top, item)
    left_w = CARD_W - 2 * PAD - QR_SIZE - 2 * mm
    sheet.text(x + PAD, top - 67, _("Password for your first sign-in"), 8, left_w)
    sheet.text(x + PAD + 3 * mm, top - 86, item["password"], 15, left_w - 3 * mm, bold=True)
    for number, step in enumerate(STEPS, start=1):
        sheet.text(x + PAD, top - 132 - 11 * number, f"{number}. {step}", 7.5, CARD_W - 2 * PAD)
    sheet.text(x + PAD, y + PAD, settings.SITE_ROOT + "/login/", 8, CARD_W - 2 * PAD, bold=True)


def render(
    target: Any, items: Iterable[dict[str, Any]], draw: Callable[[Sheet, dict[str, Any]], None], title: str
) -> int:
    """Write the sheet to ``target`` (a path or file object); returns the count."""
    sheet = Sheet(target, title)
    count = 0
    for item in items:
        draw(sheet, item)
        count += 1
    sheet.save()
    return count


def render_cards(target: Any, items: Iterable[dict[str, Any]]) -> int:
    return render(target, items, draw_card, _("Challenge cards"))


def render_slips(target: Any, items: Iterable[dict[str, Any]]) -> int:
    return render(target, items, draw_slip, _("Sign-in slips"))

"""Printable A4 sheets: eight cards or slips a page, with dashed cut lines.

Drawn with fpdf2, which embeds (a subset of) the Noto fonts found by
``batches.fonts`` and shapes every line with HarfBuzz: a name prints in any
script the fonts cover (Latin with diacritics, Chinese, Tamil, Devanagari,
Arabic), each character from the first face that has it. QR codes come from
segno and are drawn as vector squares, so they stay sharp on any printer and
cost no image encoding.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

from accounts.site import site_url

from . import fonts

# fontTools logs every subset it makes at INFO: a screenful per PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)

MM = 72 / 25.4  # points in a millimetre
PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
COLUMNS, ROWS = 2, 4
CARD_W, CARD_H = PAGE_W / COLUMNS, PAGE_H / ROWS
PAD = 5 * MM
QR_SIZE = 27 * MM
MIN_SIZE = 6
# Scripts whose letters change shape or order with their neighbours: from
# Hebrew and Arabic through the Indic scripts, Thai, Lao, Tibetan, Myanmar,
# Khmer; and Arabic's presentation forms. Other lines (Latin, Chinese) skip
# HarfBuzz and the bidi pass, which is most of the time a line costs.
_COMPLEX = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _document(title: str) -> FPDF:
    doc = FPDF(unit="pt", format="A4")
    doc.set_margin(0)
    doc.c_margin = 0
    doc.set_auto_page_break(False)
    doc.set_title(title)
    doc.set_author(_("Student MIMS"))
    doc.set_creator("Student MIMS")
    for script, (regular, bold) in fonts.faces().items():
        doc.add_font(script, "", regular.path, collection_font_number=regular.index)
        doc.add_font(script, "B", bold.path, collection_font_number=bold.index)
    doc.set_fallback_fonts([script for script in fonts.FACES if script != "latin"])
    return doc


class Sheet:
    """Places boxes eight to an A4 page and draws the cut lines. Positions are
    in points from the top-left corner of the page."""

    def __init__(self, title: str) -> None:
        self.doc = _document(title)
        self.index = 0
        self._widths: dict[tuple[str, bool, float], float] = {}

    def next_box(self) -> tuple[float, float]:
        """Top-left corner of the next box, starting a page when needed."""
        slot = self.index % (COLUMNS * ROWS)
        if slot == 0:
            self.doc.add_page()
            self._cut_lines()
        self.index += 1
        col, row = slot % COLUMNS, slot // COLUMNS
        return col * CARD_W, row * CARD_H

    def _cut_lines(self) -> None:
        doc = self.doc
        doc.set_draw_color(153)
        doc.set_line_width(0.5)
        doc.set_dash_pattern(dash=4, gap=3)
        for col in range(1, COLUMNS):
            doc.line(col * CARD_W, 0, col * CARD_W, PAGE_H)
        for row in range(1, ROWS):
            doc.line(0, row * CARD_H, PAGE_W, row * CARD_H)
        doc.set_dash_pattern()

    def _width(self, text: str, bold: bool, size: float) -> float:
        """The printed width, remembered: questions and labels repeat on every card."""
        key = (text, bold, size)
        if key not in self._widths:
            self._widths[key] = self.doc.get_string_width(text)
        return self._widths[key]

    def text(self, x: float, baseline: float, text: str, size: float, width: float, *, bold: bool = False) -> None:
        """Draw one line, shrinking it (down to 6 pt) and then cutting it to fit."""
        doc = self.doc
        text = unicodedata.normalize("NFC", text)
        shaped = bool(_COMPLEX.search(text))
        doc.set_text_shaping(shaped)
        doc.set_font("latin", "B" if bold else "", size)
        natural = self._width(text, bold, size)
        if natural > width:
            size = max(MIN_SIZE, size * width / natural)
            doc.set_font_size(size)
            while len(text) > 1 and doc.get_string_width(text) > width:
                text = text[: max(1, int(len(text) * width / doc.get_string_width(text)) - 1)].rstrip() + "…"
        if not shaped and all(ord(ch) in doc.current_font.cmap for ch in text):
            # Noto Sans alone draws it: the plain call, many times faster
            # than a cell (no bidi pass, no per-character font choice).
            doc.text(x, baseline, text)
            return
        # A cell as high as the font puts the baseline about 0.8 of it down.
        doc.set_xy(x, baseline - 0.8 * size)
        doc.cell(w=width, h=size, text=text)

    def _wrap(self, text: str, bold: bool, size: float, widths: Callable[[int], float]) -> list[str]:
        """Words to lines, line ``n`` at most ``widths(n)`` wide (a word too
        long for any line gets a line of its own and is cut when drawn)."""
        lines: list[str] = []
        for word in text.split():
            if lines and self._width(f"{lines[-1]} {word}", bold, size) <= widths(len(lines) - 1):
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines

    def paragraphs(
        self, x: float, first: float, last: float, texts: list[str], size: float, width: Callable[[float], float]
    ) -> None:
        """Draw these paragraphs wrapped, with baselines from ``first`` to at
        most ``last``: at ``size`` if they fit, else smaller (down to 6 pt),
        then cut. ``width(baseline)`` is the room on that line (narrower
        beside the QR code)."""
        doc = self.doc
        while True:
            leading = size * 1.25
            doc.set_font("latin", "", size)
            baselines = [first + n * leading for n in range(int((last - first) / leading) + 1)]
            lines: list[str] = []
            for text in texts:
                text = unicodedata.normalize("NFC", text)
                doc.set_text_shaping(bool(_COMPLEX.search(text)))
                start = len(lines)
                lines += self._wrap(
                    text, False, size, lambda n, start=start, at=baselines: width(at[min(start + n, len(at) - 1)])
                )
            if len(lines) <= len(baselines) or size <= MIN_SIZE:
                break
            size = max(MIN_SIZE, size - 0.5)
        for baseline, line in zip(baselines, lines, strict=False):
            self.text(x, baseline, line, size, width(baseline))

    def qr(self, x: float, y: float, url: str, size: float = QR_SIZE) -> None:
        """Draw a QR code with its quiet zone as vector squares, (x, y) its top-left.

        The modules are written as literal PDF operators in a scaled frame
        (one unit per module, dark runs per row merged, saved and restored
        around it), which is many times faster than a rectangle call per run
        for a thousand codes. A fixed mask skips segno's search for the best
        of eight: any mask is valid, and the search was most of the time spent.
        """
        matrix = list(segno.make(url, error="m", micro=False, mask=0).matrix)
        n = len(matrix)
        border = 2
        cell = size / (n + 2 * border)
        left, bottom = x + border * cell, PAGE_H - (y + size) + border * cell
        ops = [f"q 0 g {cell:.4f} 0 0 {cell:.4f} {left:.2f} {bottom:.2f} cm"]
        for r, row in enumerate(matrix):
            top = n - 1 - r
            start = None
            for col, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    ops.append(f"{start} {top} {col - start} 1 re")
                    start = None
        ops.append("f Q")
        self.doc._out("\n".join(ops))  # fpdf2 has no public call for raw content

    def save(self, target: Any) -> None:
        if self.index == 0:
            self.doc.add_page()
            self._cut_lines()
        data = self.doc.output()
        if hasattr(target, "write"):
            target.write(data)
        else:
            with open(target, "wb") as out:
                out.write(data)


def _header(sheet: Sheet, x: float, top: float, item: dict[str, Any]) -> None:
    """School and class, the child's name (and the end of their reference, to
    tell two children of the same name apart), the login ID across the top,
    and the QR code on the right below them."""
    full_w = CARD_W - 2 * PAD
    place = item["school"] + (f" · {item['school_class']}" if item["school_class"] else "")
    sheet.text(x + PAD, top + 9, place, 8.5, full_w)
    sheet.text(x + PAD, top + 24, item["name"], 12, full_w, bold=True)
    label = _("Login ID")
    if item.get("ref"):
        label += "   ·   " + _("Reference ending %(ref)s") % {"ref": item["ref"]}
    sheet.text(x + PAD, top + 37, label, 8, full_w)
    sheet.text(x + PAD, top + 49, item["login_id"], 10, full_w, bold=True)
    sheet.qr(x + CARD_W - PAD - QR_SIZE, top + 56, item["url"])


def draw_card(sheet: Sheet, item: dict[str, Any]) -> None:
    x, y = sheet.next_box()
    top = y + PAD
    _header(sheet, x, top, item)
    left_w = CARD_W - 2 * PAD - QR_SIZE - 2 * MM
    sheet.text(x + PAD, top + 67, _("Your secret words"), 9, left_w, bold=True)
    line_y = top + 67
    pairs = list(zip(item["questions"], item["answers"], strict=True))
    if len(pairs) <= 3:
        for question, answer in pairs:
            sheet.text(x + PAD, line_y + 13, question, 8, left_w)
            sheet.text(x + PAD + 3 * MM, line_y + 26, answer, 12, left_w - 3 * MM, bold=True)
            line_y += 26
    else:  # a card of one-time words: one line each, the word on the right
        word_w = 20 * MM
        for question, answer in pairs:
            sheet.text(x + PAD, line_y + 12, question, 7, left_w - word_w)
            sheet.text(x + PAD + left_w - word_w + 1 * MM, line_y + 12, answer, 10, word_w - 1 * MM, bold=True)
            line_y += 13
    bottom = y + CARD_H - PAD
    address = _("Sign in at %(address)s") % {"address": site_url()}
    sheet.text(x + PAD, bottom - 10, address, 7.5, CARD_W - 2 * PAD)
    sheet.text(x + PAD, bottom, _("Keep this card safe at home. Do not show it to friends."), 7.5, CARD_W - 2 * PAD)


def draw_slip(sheet: Sheet, item: dict[str, Any]) -> None:
    from .slips import STEPS

    x, y = sheet.next_box()
    top = y + PAD
    _header(sheet, x, top, item)
    left_w = CARD_W - 2 * PAD - QR_SIZE - 2 * MM
    sheet.text(x + PAD, top + 67, _("Password for your first sign-in"), 8, left_w)
    sheet.text(x + PAD + 3 * MM, top + 86, item["password"], 15, left_w - 3 * MM, bold=True)
    # The steps wrap beside the QR code, then across the slip, above the address.
    qr_bottom = top + 56 + QR_SIZE
    steps = [f"{number}. {step}" for number, step in enumerate(STEPS, start=1)]
    sheet.paragraphs(
        x + PAD, top + 104, y + CARD_H - PAD - 13, steps, 7.5,
        lambda baseline: left_w if baseline - 7.5 < qr_bottom else CARD_W - 2 * PAD,
    )
    sheet.text(x + PAD, y + CARD_H - PAD, site_url("/login/"), 8, CARD_W - 2 * PAD, bold=True)


def render(
    target: Any, items: Iterable[dict[str, Any]], draw: Callable[[Sheet, dict[str, Any]], None], title: str
) -> int:
    """Write the sheet to ``target`` (a path or file object); returns the count."""
    sheet = Sheet(title)
    count = 0
    for item in items:
        draw(sheet, item)
        count += 1
    sheet.save(target)
    return count


def render_cards(target: Any, items: Iterable[dict[str, Any]]) -> int:
    return render(target, items, draw_card, _("Challenge cards"))


def render_slips(target: Any, items: Iterable[dict[str, Any]]) -> int:
    return render(target, items, draw_slip, _("Sign-in slips"))

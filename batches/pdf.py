"""Printable A4 sheets: eight cards or slips a page, with dashed cut lines.

Drawn with fpdf2, which embeds (a subset of) the Noto fonts found by
``batches.fonts`` and shapes every line with HarfBuzz: a name prints in any
script the fonts cover (Latin with diacritics, Chinese, Tamil, Devanagari,
Arabic), each character from the first face that has it. QR codes come from
segno and are drawn as vector squares, so they stay sharp on any printer and
cost no image encoding.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

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
MIN_SIZE = 6  # the smallest print for any real name, school or label
TINY = 4.5  # only for texts longer than any real one (see Sheet.box)
LEADING = 1.25  # baseline to baseline, in font sizes
# Scripts whose letters change shape or order with their neighbours: from
# Hebrew and Arabic through the Indic scripts, Thai, Lao, Tibetan, Myanmar,
# Khmer; and Arabic's presentation forms. Other lines (Latin, Chinese) skip
# HarfBuzz and the bidi pass, which is most of the time a line costs.
_COMPLEX = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]")


# Where a line may end, best first: between words (and before or after a
# Chinese or Japanese character, which need no spaces); inside a long word
# before "@", else after "_ . / -" and the like (login IDs, addresses); and,
# when nothing else fits, between any two letters.
_BREAK_KINDS = ("words", "at", "punctuation", "letters")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
_NO_LINE_START = set("、。，．：；！？）」』】〕〉》〗〙〛｝］〟’”・ー…‥,.:;!?)]}%")
_NO_LINE_END = set("（「『【〔〈《〖〘〚｛［〝‘“([{")
_BREAK_AFTER = set("_./-?&=,;:")
_JOINERS = "\u200c\u200d"


@lru_cache(maxsize=2048)
def _breaks(text: str) -> tuple[tuple[int, int, int], ...]:
    """Every place a line of ``text`` may end: (kind, end of the line, start of the next)."""
    out = []
    for i in range(1, len(text)):
        before, char = text[i - 1], text[i]
        if char == " ":
            out.append((0, i, i + 1))
        elif before == " " or unicodedata.category(char)[0] == "M" or char in _JOINERS or before in _JOINERS:
            continue  # never inside a letter with its marks (Tamil vowel signs)
        elif (_CJK.match(char) or _CJK.match(before)) and char not in _NO_LINE_START and before not in _NO_LINE_END:
            out.append((0, i, i))
        elif char == "@":
            out.append((1, i, i))
        elif before in _BREAK_AFTER and char != before:
            out.append((2, i, i))
        else:
            out.append((3, i, i))
    return tuple(out)


@dataclass
class Cell:
    """A text and how it is printed; ``indent`` from the left of the room."""

    text: str
    size: float
    bold: bool = False
    indent: float = 0.0


@dataclass
class Row:
    """Lines below the ones before, ``gap`` points more apart than the
    leading (at full size); ``aside`` sits in a column at most ``aside_width`` wide at
    the right (a card's one-time words beside their questions)."""

    cell: Cell
    gap: float = 0.0
    aside: Cell | None = None
    aside_width: float = 0.0

    def cells(self) -> list[Cell]:
        return [self.cell] if self.aside is None else [self.cell, self.aside]


class Line(NamedTuple):
    """One line as drawn."""

    x: float
    baseline: float
    text: str
    size: float
    width: float
    bold: bool


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
            doc = self.doc
            doc.set_text_shaping(bool(_COMPLEX.search(text)))
            doc.set_font("latin", "B" if bold else "", size)
            self._widths[key] = doc.get_string_width(text)
        return self._widths[key]

    def text(self, x: float, baseline: float, text: str, size: float, width: float, *, bold: bool = False) -> None:
        """Draw one line (made to fit by ``wrap``: nothing here shortens it)."""
        doc = self.doc
        shaped = bool(_COMPLEX.search(text))
        doc.set_text_shaping(shaped)
        doc.set_font("latin", "B" if bold else "", size)
        if not shaped and all(ord(ch) in doc.current_font.cmap for ch in text):
            # Noto Sans alone draws it: the plain call, many times faster
            # than a cell (no bidi pass, no per-character font choice).
            doc.text(x, baseline, text)
            return
        # A cell as high as the font puts the baseline about 0.8 of it down.
        doc.set_xy(x, baseline - 0.8 * size)
        doc.cell(w=width, h=size, text=text)
        # The cell may leave a fallback face (Chinese, Tamil) selected on the
        # page while fpdf2 thinks Noto Sans still is: the next plain line
        # would print Latin glyph numbers in that face. Select it again.
        doc.current_font_is_set_on_page = False

    def wrap(self, text: str, size: float, widths: Callable[[int], float], *, bold: bool = False) -> list[str]:
        """The whole text in lines, line ``n`` at most ``widths(n)`` wide: broken
        between words (and between Chinese characters), a word too long for a
        line after ``_ . / - @`` and the like, and only failing those between
        two letters. Nothing is left out."""
        text = " ".join(unicodedata.normalize("NFC", text).split())
        lines: list[str] = []
        start = 0
        while start < len(text):
            room = widths(len(lines))
            if self._width(text[start:], bold, size) <= room:
                lines.append(text[start:])
                break
            end, following = self._longest(text, start, room, bold, size)
            lines.append(text[start:end])
            start = following
        return lines

    def _longest(self, text: str, start: int, room: float, bold: bool, size: float) -> tuple[int, int]:
        """Where the line from ``start`` ends and the next one starts: at the
        last break that fits, trying the better kinds of break first."""
        breaks = _breaks(text)
        for kind in range(len(_BREAK_KINDS)):
            ends = [(end, following) for k, end, following in breaks if k <= kind and end > start]
            low, high, best = 0, len(ends) - 1, None
            while low <= high:  # widths grow with the end: the last that fits
                middle = (low + high) // 2
                if self._width(text[start : ends[middle][0]], bold, size) <= room:
                    best, low = ends[middle], middle + 1
                else:
                    high = middle - 1
            if best:
                return best
        # Not even one letter fits (a box narrower than a letter): one a line.
        end = next((end for _k, end, _f in breaks if end > start), len(text))
        return end, end

    def box(self, head: list[Row], body: list[Row], foot: list[Row], url: str) -> None:
        """Lay out the next card or slip: ``head`` across the top, the QR code on
        the right below it, ``body`` beside and under the code, ``foot`` at the
        bottom. Every text is wrapped in full; when the lines do not fit the
        box, the QR code moves up beside the head (the body then has the whole
        width below it), and then every size shrinks by the same scale, none
        below MIN_SIZE. Only a text longer than any real one (a 300-character
        name) goes smaller, down to TINY: small print beats lines over each
        other or under the scissors."""
        x, y = self.next_box()
        largest = max(cell.size for row in head + body + foot for cell in row.cells())
        tries = [(scale / 20, MIN_SIZE) for scale in range(20, int(20 * MIN_SIZE / largest) - 1, -1)]
        tries += [(smallest / largest, smallest) for smallest in (5.5, 5, TINY)]
        for (scale, smallest), qr_first in itertools.product(tries, (False, True)):
            lines, qr_top, fits = self._place(x, y, head, body, foot, scale, smallest, qr_first)
            if fits:
                break
        for line in lines:
            self.text(line.x, line.baseline, line.text, line.size, line.width, bold=line.bold)
        self.qr(x + CARD_W - PAD - QR_SIZE, qr_top, url)

    def _place(
        self, x: float, y: float, head: list[Row], body: list[Row], foot: list[Row], scale: float, smallest: float,
        qr_first: bool = False,
    ) -> tuple[list[Line], float, bool]:
        """Every line at this scale (none below ``smallest``), the top of the
        QR code (below the head, or at the top with ``qr_first``), and whether
        it all fits in the box."""
        left, top, bottom = x + PAD, y + PAD, y + CARD_H - PAD
        full, beside = CARD_W - 2 * PAD, CARD_W - 2 * PAD - QR_SIZE - 2 * MM
        # No line is beside the code until it is placed.
        qr_top, qr_bottom = (top, top + QR_SIZE) if qr_first else (0.0, -math.inf)
        aside_right: list[float] = []  # where the aside column ends: set by its first row, kept for the others

        column = max(
            (
                min(row.aside_width, self._width(row.aside.text, row.aside.bold, max(smallest, row.aside.size * scale)))
                for row in body
                if row.aside is not None
            ),
            default=0.0,
        )

        def room(baseline: float, size: float) -> float:
            return beside if baseline - size < qr_bottom else full

        def place(row: Row, first: float) -> list[Line]:
            """A row's lines, from its first baseline."""
            size = max(smallest, row.cell.size * scale)
            lines, aside = [], 0.0
            if row.aside is not None:  # one column at the right, as wide as its widest text
                aside = column + 1 * MM
                aside_right[:] = aside_right or [room(first, size)]
                aside_size = max(smallest, row.aside.size * scale)
                texts = self.wrap(row.aside.text, aside_size, lambda _n: column, bold=row.aside.bold)
                lines += [
                    Line(left + aside_right[0] - column, first + n * LEADING * aside_size, text, aside_size, column,
                         row.aside.bold)
                    for n, text in enumerate(texts)
                ]

            def width(n: int) -> float:
                if aside:
                    return aside_right[0] - row.cell.indent - aside
                return room(first + n * LEADING * size, size) - row.cell.indent

            texts = self.wrap(row.cell.text, size, width, bold=row.cell.bold)
            lines += [
                Line(left + row.cell.indent, first + n * LEADING * size, text, size, width(n), row.cell.bold)
                for n, text in enumerate(texts)
            ]
            return lines

        lines: list[Line] = []
        last = Line(left, top, "", 0.0, full, False)  # the line above the next row
        for n, row in enumerate(head + body):
            row_size = max(smallest, max(cell.size for cell in row.cells()) * scale)
            first = top + row_size if n == 0 else last.baseline + LEADING * row_size + row.gap * scale
            placed = place(row, first)
            lines += placed
            last = max(placed, key=lambda line: line.baseline)
            if n == len(head) - 1 and not qr_first:
                qr_top = last.baseline + 0.7 * last.size
                qr_bottom = qr_top + QR_SIZE
        # The foot goes across under the QR code, its last line on the bottom edge.
        below_qr, qr_bottom = qr_bottom, -math.inf
        rows = [place(row, 0.0) for row in foot]
        baseline = bottom - rows[-1][-1].baseline
        for index in range(len(rows) - 2, -1, -1):
            size = rows[index + 1][0].size
            baseline -= rows[index][-1].baseline + LEADING * size + foot[index + 1].gap * scale
        fits = (
            baseline >= last.baseline + LEADING * rows[0][0].size + foot[0].gap * scale
            and baseline - rows[0][0].size >= below_qr + 1 * MM
        )
        for index, placed in enumerate(rows):
            if index:
                baseline += LEADING * placed[0].size + foot[index].gap * scale
            lines += [line._replace(baseline=baseline + line.baseline) for line in placed]
            baseline += placed[-1].baseline
        return lines, qr_top, fits

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


def _head(item: dict[str, Any]) -> list[Row]:
    """School and class, the child's name (and the end of their reference, to
    tell two children of the same name apart) and the login ID across the top."""
    place = item["school"] + (f" · {item['school_class']}" if item["school_class"] else "")
    label = _("Login ID")
    if item.get("ref"):
        label += "   ·   " + _("Reference ending %(ref)s") % {"ref": item["ref"]}
    return [
        Row(Cell(place, 8.5)),
        Row(Cell(item["name"], 12, bold=True)),
        Row(Cell(label, 8), gap=3),
        Row(Cell(item["login_id"], 10, bold=True)),
    ]


def draw_card(sheet: Sheet, item: dict[str, Any]) -> float:
    body = [Row(Cell(_("Your secret words"), 9, bold=True), gap=6.75)]
    pairs = list(zip(item["questions"], item["answers"], strict=True))
    if len(pairs) <= 3:
        for question, answer in pairs:
            body += [Row(Cell(question, 8), gap=3), Row(Cell(answer, 12, bold=True, indent=3 * MM), gap=-2)]
    else:  # a card of one-time words: the word on the right of its question
        body += [
            Row(Cell(question, 7), gap=0.5, aside=Cell(answer, 10, bold=True), aside_width=19 * MM)
            for question, answer in pairs
        ]
    foot = [
        Row(Cell(_("Sign in at %(address)s") % {"address": site_url()}, 7.5), gap=4),
        Row(Cell(_("Keep this card safe at home. Do not show it to friends."), 7.5), gap=0.625),
    ]
    return sheet.box(_head(item), body, foot, item["url"])


def draw_slip(sheet: Sheet, item: dict[str, Any]) -> float:
    from .slips import STEPS

    body = [
        Row(Cell(_("Password for your first sign-in"), 8), gap=8),
        Row(Cell(item["password"], 15, bold=True, indent=3 * MM), gap=0.25),
    ]
    # The steps wrap beside the QR code, then across the slip, above the address.
    body += [
        Row(Cell(f"{number}. {step}", 7.5), gap=8.6 if number == 1 else 0)
        for number, step in enumerate(STEPS, start=1)
    ]
    foot = [Row(Cell(site_url("/login/"), 8, bold=True), gap=4)]
    return sheet.box(_head(item), body, foot, item["url"])


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

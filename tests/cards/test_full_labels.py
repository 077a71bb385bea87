"""Cards and slips print every name and label in full, in every language.

A text too wide for its line wraps onto more lines (Chinese between any two
characters, Tamil, Malay and English between words, a login ID before "@"),
and the whole card shrinks only as far as ``pdf.MIN_SIZE``; nothing is cut
with "…". Read back from the PDF with PDFium: the text inside each card's
box holds every text in full, and every piece of text lies inside its box,
off the QR code and off every other line. The smallest size printed per
language is written to var/test-results/cards/smallest-sizes.txt.
"""

from __future__ import annotations

import ctypes
import io
import re
import unicodedata
from itertools import combinations
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from accounts.site import site_url
from batches import pdf
from batches.slips import STEPS
from sspr.questions import CARD_QUESTIONS

RESULTS = Path(settings.BASE_DIR) / "var" / "test-results" / "cards"
LANGUAGES = ("en", "zh-hans", "ms", "ta")
# Long but real: names as registered, with every given name and both parents' names.
LONG_NAMES = {
    "en": "Alexandria Charlotte Isabella Montgomery-Fitzwilliam Wong Mei Ling Christabel",
    "zh-hans": "欧阳诸葛司马上官慕容皇甫端木公孙长孙宇文 (Ouyang Zhuge Sima Shangguan Murong)",
    "ms": "Nur Aisyah Humaira Binte Muhammad Abdul Rahman Syed Ibrahim Al-Haddad Mohamed Yusof",
    "ta": "முத்துக்குமாரசுவாமி சுப்பிரமணியம் வெங்கடேஸ்வரன் ராஜலட்சுமி கிருஷ்ணமூர்த்தி",
}
LONG_SCHOOL = "Singapore Chinese Girls' Primary School (Bukit Timah Campus)"
LONG_LOGIN_ID = "nur_aisyah_humaira_binte_muhammad_abdul_rahman_syed@students.edu.sg"
TAMIL = re.compile("[\u0b80-\u0bff]+")
WORDS = ["butterfly", "elephant", "pineapple", "otter", "kite", "sunshine"]


def _item(language: str, words: int, *, longest: bool = False) -> dict:
    with translation.override(language):
        questions = [gettext(question) for question in CARD_QUESTIONS[:words]]
    item = {
        "school": LONG_SCHOOL, "school_class": "5 Perseverance", "name": LONG_NAMES[language], "ref": "4801",
        "login_id": LONG_LOGIN_ID, "url": "https://mims.example.edu.sg/login/?id=nur_aisyah",
        "questions": questions, "answers": WORDS[:words], "password": "bamo-tize-47",
    }
    if longest:  # every field as long as the database allows (a mistake, not a real name)
        item["school"] = ("North Vista Primary School " * 8)[:200]
        item["school_class"] = ("5 Perseverance " * 4)[:50]
        item["name"] = " ".join([LONG_NAMES[language]] * 4)[:300].strip()
        item["login_id"] = "a" * 64 + "@students.edu.sg"
    return item


def _printed(item: dict, kind: str) -> list[str]:
    """Every text the card or slip must show in full, in the active language
    (but a card's words: see ``_check_box``)."""
    texts = [item["school"], item["school_class"], item["name"], gettext("Login ID"), item["login_id"]]
    texts.append(gettext("Reference ending %(ref)s") % {"ref": item["ref"]})
    if kind == "cards":
        texts += [gettext("Your secret words"), *item["questions"]]
        texts += [gettext("Sign in at %(address)s") % {"address": site_url()}]
        texts += [gettext("Keep this card safe at home. Do not show it to friends.")]
    else:
        texts += [gettext("Password for your first sign-in"), item["password"], site_url("/login/")]
        texts += [f"{number}. {step}" for number, step in enumerate(STEPS, start=1)]
    return texts


def _squashed(text: str) -> str:
    """Without spaces and line ends (wrapping adds them)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("Z", "C")))


def _shown(wanted: str, printed: str) -> bool:
    """Is ``wanted`` in ``printed``, whole? PDFium reads some of a shaped Tamil
    run's joined glyphs back as a stray character (a digit, a bracket), so
    for Tamil: its letters in order, and each piece between them as it is."""
    wanted, printed = _squashed(wanted), _squashed(printed)
    if not TAMIL.search(wanted):
        return wanted in printed
    letters = "".join(TAMIL.findall(wanted))
    return letters in "".join(TAMIL.findall(printed)) and all(part in printed for part in TAMIL.split(wanted))


def _font_size(obj) -> float:
    size = ctypes.c_float()
    assert pdfium_c.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size))
    a, b, _c, _d, _e, _f = obj.get_matrix().get()
    return size.value * (a * a + b * b) ** 0.5


def _boxes(data: bytes, count: int) -> list[dict]:
    """Per box in order: its text, and each text object's bounds and size,
    and the QR code's bounds (page coordinates, from the bottom left)."""
    doc = pdfium.PdfDocument(data)
    boxes = []
    for index in range(count):
        page = doc[index // (pdf.COLUMNS * pdf.ROWS)]
        slot = index % (pdf.COLUMNS * pdf.ROWS)
        left, top = slot % pdf.COLUMNS * pdf.CARD_W, pdf.PAGE_H - slot // pdf.COLUMNS * pdf.CARD_H
        box = {"left": left, "top": top, "right": left + pdf.CARD_W, "bottom": top - pdf.CARD_H, "objects": []}
        box["text"] = page.get_textpage().get_text_bounded(left, box["bottom"], box["right"], top)
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH]):
            x0, y0, x1, y1 = bounds = obj.get_bounds()
            if not (left <= (x0 + x1) / 2 < box["right"] and box["bottom"] <= (y0 + y1) / 2 < top):
                continue
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                if x1 - x0 < pdf.CARD_W / 2 and y1 - y0 < pdf.CARD_H / 2:  # not a cut line: the QR code
                    box["qr"] = bounds
            else:
                box["objects"].append((bounds, _font_size(obj), obj))
        boxes.append(box)
    return boxes


def _overlap(one: tuple, other: tuple) -> float:
    """How far two boxes overlap, in points: the smaller of the two directions."""
    width = min(one[2], other[2]) - max(one[0], other[0])
    height = min(one[3], other[3]) - max(one[1], other[1])
    return min(width, height)


def _check_box(box: dict, item: dict, kind: str, label: str) -> float:
    """Assert the box shows every text of ``item`` in full, inside the box,
    nothing over anything else; returns the smallest size printed. A card's
    words are read first and then taken out: PDFium reads a word into the
    middle of the two-line question it stands beside."""
    text = box["text"]
    for wanted in item["answers"] if kind == "cards" else []:
        assert _shown(wanted, text), f"{label}: {wanted!r} is not printed in full"
        text = text.replace(wanted, " ", 1)
    for wanted in _printed(item, kind):
        assert _shown(wanted, text), f"{label}: {wanted!r} is not printed in full"
    assert "…" not in box["text"], f"{label}: a text was cut"
    assert "qr" in box, f"{label}: no QR code"
    objects = box["objects"]
    for bounds, _size, _obj in objects:
        x0, y0, x1, y1 = bounds
        assert x0 >= box["left"] + pdf.PAD - 1 and x1 <= box["right"] - pdf.PAD + 1, f"{label}: a line runs out"
        assert y1 <= box["top"] - pdf.PAD + 3 and y0 >= box["bottom"] + 2, f"{label}: a line runs off the box"
        assert _overlap(bounds, box["qr"]) <= 0, f"{label}: a line runs over the QR code"
    for (one, _s, _o), (other, _s2, _o2) in combinations(objects, 2):
        assert _overlap(one, other) < 1, f"{label}: two lines overlap"
    return min(size for _bounds, size, _obj in objects)


def _render(kind: str, items: list[dict]) -> bytes:
    out = io.BytesIO()
    (pdf.render_cards if kind == "cards" else pdf.render_slips)(out, items)
    return out.getvalue()


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_prints_long_names_and_labels_in_full_inside_each_box(language):
    RESULTS.mkdir(parents=True, exist_ok=True)
    cases = {
        "cards": {"three words": _item(language, 3), "six words": _item(language, 6),
                  "every field at its longest": _item(language, 6, longest=True)},
        "slips": {"long": _item(language, 3), "every field at its longest": _item(language, 3, longest=True)},
    }
    smallest = {}
    with translation.override(language):
        for kind, items in cases.items():
            data = _render(kind, list(items.values()))
            (RESULTS / f"full-labels-{kind}-{language}.pdf").write_bytes(data)
            for (case, item), box in zip(items.items(), _boxes(data, len(items)), strict=True):
                label = f"{language} {kind}, {case}"
                smallest[label] = _check_box(box, item, kind, label)
    for label, size in smallest.items():
        floor = pdf.TINY if "longest" in label else pdf.MIN_SIZE
        assert size >= floor - 0.01, f"{label}: printed at {size:.2f} pt"
    with open(RESULTS / "smallest-sizes.txt", "a", encoding="utf-8") as report:
        report.writelines(f"{label}: {size:.2f} pt\n" for label, size in smallest.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_ordinary_names_print_at_full_size(language):
    """Shrinking is for the long ones: an ordinary child's cards and slip keep
    their sizes (the name at 12 pt, the password at 15) in English, Chinese
    and Malay. Tamil's longer questions and notes take more lines: its cards
    and slips print a little smaller (0.95 of the size; a six-word card with
    its QR code moved up beside the head), never below MIN_SIZE."""
    ordinary = {"name": "Tan Wei Ming", "school": "North Primary School", "login_id": "tan_wei_ming@students.edu.sg"}
    cases = [("cards", {**_item(language, 3), **ordinary}, 12), ("cards", {**_item(language, 6), **ordinary}, 12),
             ("slips", {**_item(language, 3), **ordinary}, 15)]
    smallest = {}
    with translation.override(language):
        for kind, item, largest in cases:
            box = _boxes(_render(kind, [item]), 1)[0]
            label = f"{language} {kind}, {len(item['answers'])} words, ordinary name"
            smallest[label] = _check_box(box, item, kind, label)
            printed = max(size for _bounds, size, _obj in box["objects"])
            if language == "ta":
                assert printed >= 0.95 * largest - 0.01 and smallest[label] >= pdf.MIN_SIZE - 0.01, (label, printed)
            else:
                assert printed == pytest.approx(largest), (label, printed)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "smallest-sizes.txt", "a", encoding="utf-8") as report:
        report.writelines(f"{label}: {size:.2f} pt\n" for label, size in smallest.items())


class TestWrap:
    """``Sheet.wrap`` on its own: where lines break, and that nothing is lost."""

    @pytest.fixture
    def sheet(self):
        return pdf.Sheet("test")

    def _widths(self, sheet, lines: list[str], size: float, bold: bool = False) -> list[float]:
        doc = sheet.doc
        doc.set_font("latin", "B" if bold else "", size)
        widths = []
        for line in lines:
            doc.set_text_shaping(bool(pdf._COMPLEX.search(line)))
            widths.append(doc.get_string_width(line))
        return widths

    def test_chinese_breaks_between_characters(self, sheet):
        text = "把这张卡片好好放在家里。不要给朋友看。"
        lines = sheet.wrap(text, 10, lambda _n: 60)
        assert len(lines) > 2 and "".join(lines) == text
        assert not any(line[0] in "。，" for line in lines)  # no line starts with a full stop
        assert max(self._widths(sheet, lines, 10)) <= 60

    @pytest.mark.parametrize("text", [
        "இந்த அட்டையை வீட்டில் பத்திரமாக வையுங்கள். நண்பர்களிடம் காட்டாதீர்கள்.",
        "Simpan kad ini dengan selamat di rumah. Jangan tunjukkan kepada kawan.",
        "Keep this card safe at home. Do not show it to friends.",
    ])
    def test_tamil_malay_and_english_break_between_words(self, sheet, text):
        lines = sheet.wrap(text, 9, lambda _n: 90)
        assert len(lines) > 1 and " ".join(lines) == text
        assert max(self._widths(sheet, lines, 9)) <= 90

    def test_a_login_id_breaks_before_the_at_sign(self, sheet):
        local_part = LONG_LOGIN_ID.split("@")[0]
        room = self._widths(sheet, [local_part + "@stu"], 10, bold=True)[0]
        lines = sheet.wrap(LONG_LOGIN_ID, 10, lambda _n: room, bold=True)
        assert lines == [local_part, "@students.edu.sg"]

    def test_a_word_longer_than_the_line_breaks_between_letters_not_inside_one(self, sheet):
        word = "முத்துக்குமாரசுவாமிசுப்பிரமணியம்"
        lines = sheet.wrap(word, 12, lambda _n: 40)
        assert len(lines) > 2 and "".join(lines) == word
        assert not any(unicodedata.category(line[0]).startswith("M") for line in lines)  # no vowel sign alone
        assert max(self._widths(sheet, lines, 12)) <= 40

    def test_each_line_gets_its_own_width(self, sheet):
        text = "Go to the address below, or scan the square code with a phone or tablet."
        lines = sheet.wrap(text, 8, lambda n: 80 if n == 0 else 250)
        widths = self._widths(sheet, lines, 8)
        assert len(lines) == 2 and widths[0] <= 80 < widths[1] <= 250

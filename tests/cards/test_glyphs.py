"""Cards and slips print every name: the glyphs are really drawn, not boxes.

Each sheet is rendered to PNG with PDFium (saved under var/test-results/cards/).
For every piece of text PDFium finds on the page: its font is embedded, the
Noto face it was cut from has a glyph for each of its characters (a font
without one draws the empty "tofu" box), and ink appears where the text is.
Tamil must be shaped: the embedded Tamil font holds glyphs that no single
character maps to (vowel signs placed and joined by HarfBuzz); text drawn
character by character would only use the font's own character map.
"""

from __future__ import annotations

import ctypes
import io
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from django.conf import settings
from django.utils import translation
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

from batches import pdf

RESULTS = Path(settings.BASE_DIR) / "var" / "test-results" / "cards"
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "card-zh-ta.png"

NAMES = {
    "han": "Chua Kai Xuan (蔡凯轩)",
    "tamil": "முத்துக்குமார் செல்வி",
    "latin": "Zoë Ñúñez-Đặng",
    "malay": "Nur 'Aisyah Binte Ahmad",
    "devanagari": "अनन्या शर्मा",
    "arabic": "محمد علي",
}
HAN = re.compile("[\u4e00-\u9fff]")
TAMIL = re.compile("[\u0b80-\u0bff]")
LANGUAGES = ("en", "zh-hans", "ms", "ta")


def _item(name: str, n: int) -> dict:
    return {
        "school": "North Primary School", "school_class": "2 Joy", "name": name, "ref": f"48{n:02d}",
        "login_id": f"child_{n}@students.edu.sg", "url": f"https://mims.example.edu.sg/login/?id=child_{n}",
        "questions": ["What is your favourite fruit?", "What is your pet's name?", "Where were you born?"],
        "answers": ["otter", "mango", "kite"], "password": "bamo-tize-47",
    }


@cache
def _source_cmap(postscript_name: str) -> dict[int, str] | None:
    """The character map of the installed font a subset was cut from (fontconfig
    finds it by its PostScript name, which the subset keeps)."""
    out = subprocess.run(
        [shutil.which("fc-match") or "fc-match", "-f", "%{file}\n%{index}\n%{postscriptname}",
         f":postscriptname={postscript_name}"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")
    if out[-1] != postscript_name:
        return None
    return TTFont(out[0], fontNumber=int(out[1]), lazy=True).getBestCmap()


def _text(obj, textpage) -> str:
    n = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buf = (ctypes.c_ushort * (n // 2))()
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buf, n)
    return bytes(buf).decode("utf-16-le").rstrip("\x00")


def _font_data(obj) -> bytes:
    font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
    size = ctypes.c_size_t()
    pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))
    data = (ctypes.c_uint8 * size.value)()
    pdfium_c.FPDFFont_GetFontData(font, data, size.value, ctypes.byref(size))
    return bytes(data)


def _embedded(data: bytes) -> tuple[str, TTFont | None]:
    """(PostScript name without the subset tag, the font when it is TrueType)."""
    if data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        font = TTFont(io.BytesIO(data))
        return str(font["name"].getDebugName(6)).split("+")[-1], font
    cff = CFFFontSet()  # bare CFF (CIDFontType0C): the Chinese face
    cff.decompile(io.BytesIO(data), None)
    return cff.fontNames[0].split("+")[-1], None


def _check_sheet(data: bytes, png: Path) -> dict[str, list]:
    """Assert every drawn character has its glyph and ink; returns what was seen per script."""
    doc = pdfium.PdfDocument(data)
    seen: dict[str, list] = {"han": [], "tamil_fonts": []}
    for number, page in enumerate(doc):
        bitmap = page.render(scale=2).to_pil().convert("L")
        bitmap.save(png.with_name(f"{png.stem}-{number + 1}.png"))
        textpage = page.get_textpage()
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            text = "".join(ch for ch in _text(obj, textpage) if not unicodedata.category(ch).startswith(("C", "Z")))
            if not text:
                continue
            font_data = _font_data(obj)
            assert font_data, f"{text!r}: the font is not embedded"
            name, embedded = _embedded(font_data)
            cmap = _source_cmap(name)
            assert cmap is not None, f"{text!r} is drawn in {name}, which is not installed"
            # Letters, marks and digits. PDFium reads some of a shaped run's
            # joined glyphs back as a stray ASCII character (their glyph number):
            # ASCII only counts in the Latin face (the others only get what it lacks).
            letters = [
                ch for ch in unicodedata.normalize("NFC", text)
                if unicodedata.category(ch)[0] in "LMN" and (ch > "\x7f" or name.startswith("NotoSans-"))
            ]
            missing = [ch for ch in letters if ord(ch) not in cmap]
            assert not missing, f"{text!r}: {name} has no glyph for {missing} (prints as boxes)"
            left, bottom, right, top = obj.get_bounds()
            box = bitmap.crop((int(left * 2), int((page.get_height() - top) * 2),
                               int(right * 2) + 1, int((page.get_height() - bottom) * 2) + 1))
            dark = sum(box.histogram()[:128])
            assert dark > 0.02 * box.width * box.height, f"{text!r}: no ink where the text is"
            if HAN.search(text):
                seen["han"].append(text)
            if TAMIL.search(text) and embedded is not None:
                seen["tamil_fonts"].append(embedded)
    return seen


def _shaped_glyphs(font: TTFont) -> list[str]:
    """Glyphs no character maps to: only shaping puts them on the page (the
    first four are the ones every subset keeps)."""
    mapped = set(font.getBestCmap().values())
    return [g for g in font.getGlyphOrder()[4:] if g not in mapped]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["cards", "slips"])
def test_it_prints_every_name_in_every_language_with_real_glyphs(kind, language):
    RESULTS.mkdir(parents=True, exist_ok=True)
    render = pdf.render_cards if kind == "cards" else pdf.render_slips
    out = io.BytesIO()
    with translation.override(language):
        assert render(out, [_item(name, n) for n, name in enumerate(NAMES.values())]) == len(NAMES)
    seen = _check_sheet(out.getvalue(), RESULTS / f"{kind}-{language}.png")

    assert any("蔡凯轩" in text for text in seen["han"]), f"no Chinese text was drawn: {seen['han']}"
    assert seen["tamil_fonts"], "no Tamil text was drawn"
    assert all(_shaped_glyphs(font) for font in seen["tamil_fonts"]), "Tamil was drawn letter by letter, unshaped"
    text = pdfium.PdfDocument(out.getvalue())[0].get_textpage().get_text_range()
    for name in (NAMES["han"], NAMES["latin"], NAMES["malay"]):
        assert name in unicodedata.normalize("NFC", text), name


def test_it_keeps_a_sample_card_for_the_docs():
    """docs/screenshots/card-zh-ta.png: a Chinese and a Tamil name on cards in Chinese."""
    out = io.BytesIO()
    with translation.override("zh-hans"):
        pdf.render_cards(out, [_item(NAMES["han"], 1), _item(NAMES["tamil"], 2)])
    page = pdfium.PdfDocument(out.getvalue())[0]
    image = page.render(scale=2).to_pil()
    card = image.crop((0, 0, image.width, int(image.height / pdf.ROWS)))
    _check_sheet(out.getvalue(), RESULTS / "sample.png")
    card.save(SCREENSHOT)
    assert SCREENSHOT.stat().st_size > 10_000

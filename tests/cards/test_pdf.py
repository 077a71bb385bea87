from __future__ import annotations

import io
import re
import zlib

import pypdfium2 as pdfium
import segno
from django.utils import translation

from batches import pdf

CARD = {
    "school": "North Primary School", "school_class": "2 Joy", "name": "Nur 'Aisyah Binte Ahmad 陈小明 தமிழ்",
    "login_id": "nur_aisyah_ahmad@students.edu.sg", "questions": ["Q1?", "Q2?", "Q3?"],
    "answers": ["otter", "mango", "kite"], "url": "https://mims.example.edu.sg/login/?id=nur_aisyah_ahmad%40students.edu.sg",
}


def _streams(data: bytes) -> list[bytes]:
    """Every Flate stream of the file, decompressed (page content among them)."""
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            out.append(zlib.decompressobj().decompress(raw.strip()))
        except zlib.error:  # not compressed (metadata)
            out.append(raw)
    return out


def _text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


def _dark_modules(content: bytes) -> set[tuple[int, int]]:
    dark = set()
    for x, y, w in re.findall(rb"(\d+) (\d+) (\d+) 1 re", content):
        dark |= {(int(x) + i, int(y)) for i in range(int(w))}
    return dark


class TestCardSheet:
    def test_it_draws_a_qr_code_that_opens_the_sign_in_page_for_the_child(self):
        out = io.BytesIO()
        pdf.render_cards(out, [CARD])
        content = b"".join(_streams(out.getvalue()))
        matrix = segno.make(CARD["url"], error="m", micro=False, mask=0).matrix
        n = len(matrix)
        expected = {(c, n - 1 - r) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}
        assert _dark_modules(content) == expected
        text = _text(out.getvalue())
        for expected in [CARD["login_id"], *CARD["answers"], "Sign in at http"]:
            assert expected in text, expected

    def test_it_puts_eight_on_a_page_with_cut_lines(self):
        out = io.BytesIO()
        pdf.render_cards(out, [CARD] * 17)
        data = out.getvalue()
        assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 3
        dashed = re.compile(rb"\[4(\.0+)? 3(\.0+)?\] 0(\.0+)? d")  # the cut lines
        pages = [s for s in _streams(data) if dashed.search(s)]
        assert len(pages) == 3

    def test_it_draws_slips_in_any_language_and_script(self):
        slip = {k: CARD[k] for k in ("school", "school_class", "name", "login_id", "url")}
        slip["password"] = "bamo-tize-47"
        for language in ("en", "zh-hans", "ms", "ta"):
            out = io.BytesIO()
            with translation.override(language):
                assert pdf.render_slips(out, [slip, slip]) == 2
            assert out.getvalue().startswith(b"%PDF")

    def test_it_makes_an_empty_sheet_for_nobody(self):
        out = io.BytesIO()
        assert pdf.render_cards(out, []) == 0
        assert out.getvalue().startswith(b"%PDF")


def test_slip_steps_wrap_instead_of_being_cut():
    """Tamil's steps are two or three lines each: none ends in "…"."""
    slip = {k: CARD[k] for k in ("school", "school_class", "name", "login_id", "url")}
    slip["password"] = "bamo-tize-47"
    for language in ("en", "ms", "ta"):
        out = io.BytesIO()
        with translation.override(language):
            pdf.render_slips(out, [slip])
        steps = _text(out.getvalue()).split("bamo-tize-47", 1)[1]
        assert "1." in steps and "3." in steps
        assert "…" not in steps, language

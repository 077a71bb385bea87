"""Two children of the same name in one class get cards and slips a teacher
can tell apart: the end of each one's school reference is printed."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from django.utils import translation

from batches import pdf, slips
from sspr import cards
from tests import factories


def _cards_text(render, items) -> list[str]:
    out = io.BytesIO()
    with translation.override("en"):
        render(out, items)
    return pdfium.PdfDocument(out.getvalue())[0].get_textpage().get_text_range()


def _twins(p2_class):
    return [factories.make_student(p2_class, "Tan Wei Ming") for _ in range(2)]


def test_same_name_children_get_cards_with_different_references(questions, p2_class):
    twins = _twins(p2_class)
    prepared = cards.prepare(twins, lambda words: ["!"] * len(words))
    refs = [card.ref for card in prepared.cards]
    assert refs == [twins[0].student_ref[-4:], twins[1].student_ref[-4:]] and refs[0] != refs[1]
    text = _cards_text(pdf.render_cards, prepared.printable())
    for ref in refs:
        assert f"Reference ending {ref}" in text


def test_same_name_children_get_slips_with_different_references(p2_class):
    twins = _twins(p2_class)
    prepared = slips.prepare(twins, lambda passwords: ["!"] * len(passwords))
    text = _cards_text(pdf.render_slips, prepared.printable())
    for twin in twins:
        assert f"Reference ending {twin.student_ref[-4:]}" in text
    assert twins[0].student_ref not in text  # only the end is printed

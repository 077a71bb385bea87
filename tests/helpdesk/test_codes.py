from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpdesk.models import CODE_ALPHABET, format_code, make_code, normalise_code


class TestReferenceCodes:
    def test_it_makes_codes_from_the_unambiguous_alphabet(self):
        codes = {make_code() for _ in range(200)}
        assert len(codes) == 200
        assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
        assert not set("01ILO") & set(CODE_ALPHABET)

    @given(st.text(alphabet=CODE_ALPHABET, min_size=8, max_size=8))
    def test_it_reads_back_a_code_however_it_is_typed(self, code):
        shown = format_code(code)
        fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code)  # a phone's wide keyboard
        for typed in (shown, shown.lower(), f"  {shown} ", code, shown.replace("-", " "), fullwidth):
            assert normalise_code(typed) == code

    @given(st.text(max_size=100))
    def test_it_turns_anything_else_into_no_code(self, typed):
        result = normalise_code(typed)
        assert result == "" or (len(result) == 8 and set(result) <= set(CODE_ALPHABET))


class TestFoldedMigration:
    def test_it_marks_every_code_but_the_first_of_its_request_as_folded(self, student, p2_student):
        import importlib
        from datetime import timedelta

        from django.apps import apps

        from helpdesk.models import ReferenceCode

        from .conftest import open_request

        migration = importlib.import_module("helpdesk.migrations.0003_reference_code_folded")
        first, other = open_request(student), open_request(p2_student)
        later = ReferenceCode.objects.create(
            code=make_code(), request=first, created=first.codes.get().created + timedelta(minutes=5)
        )
        ReferenceCode.objects.update(folded=False)  # as before the field existed
        migration.mark_folded(apps, None)
        assert set(ReferenceCode.objects.filter(folded=True).values_list("pk", flat=True)) == {later.pk}
        assert other.codes.get().folded is False

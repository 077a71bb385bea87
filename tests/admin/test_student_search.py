"""The student list's search: by login ID, name or class, within the school."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

CHANGELIST = "admin:accounts_student_changelist"


@pytest.fixture
def found(client, school_ict_admin, student, p2_student, other):
    client.force_login(school_ict_admin.user)

    def search(term: str) -> set[str]:
        response = client.get(reverse(CHANGELIST), {"q": term})
        assert response.status_code == 200
        return {s.full_name for s in response.context["cl"].result_list}

    return search


@pytest.mark.django_db
class TestStudentSearch:
    def test_it_finds_by_login_id_typed_any_way(self, found, student):
        for term in ("muhammad_ali", "MUHAMMAD_ALI_MUHAMMAD_RAIHAN", " muhammad_ali_muhammad_raihan@students.edu.sg "):
            assert found(term) == {student.full_name}, term

    def test_it_finds_by_every_word_of_the_name(self, found, student, p2_student):
        assert found("raihan ali") == {student.full_name}
        assert found("Xiao") == {p2_student.full_name}
        assert found("raihan xiao") == set()

    def test_it_finds_by_class(self, found, student, p2_student):
        assert found("5 Courage") == {student.full_name}
        assert found('"2 joy"') == {p2_student.full_name}

    def test_it_never_finds_another_schools_student(self, found, other):
        terms = ("zebrafinch", "zebrafinch_lee_kah_wee", "Lee Kah Wee", "5 Zebrafinch", "Zebrafinch@students.edu.sg")
        for term in terms:
            assert found(term) == set(), term

    def test_it_survives_odd_input(self, found, student, client):
        for term in ("%", "_", "'", '"', "\\", "a" * 5000, "名字", "   ", "@"):
            found(term)  # no error, whatever it finds
        assert student.full_name in found("")
        # A NUL in any URL gets the 400 page (mims_portal/bad_input.py).
        assert client.get(reverse(CHANGELIST), {"q": "\u0000"}).status_code == 400

    def test_it_lets_moe_it_search_every_school(self, client, moe_it, other, student):
        client.force_login(moe_it)
        response = client.get(reverse(CHANGELIST), {"q": "zebrafinch_lee"})
        assert [s.pk for s in response.context["cl"].result_list] == [other["student"].pk]

    def test_it_searches_a_page_with_a_fixed_number_of_queries(
        self, client, school_ict_admin, p5_class, django_assert_max_num_queries
    ):
        client.force_login(school_ict_admin.user)
        factories.make_student(p5_class, "Tan Wei Ming")
        with django_assert_max_num_queries(15) as few:
            client.get(reverse(CHANGELIST), {"q": "tan"})
        for n in range(20):
            factories.make_student(p5_class, f"Tan Wei Ming {n}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse(CHANGELIST), {"q": "tan"})
        assert len(response.context["cl"].result_list) == 21

    @pytest.mark.parametrize("param", ["class", "level", "school__id__exact"])
    @pytest.mark.parametrize("typed", ["²", "٣"])
    def test_it_ignores_a_filter_value_that_is_not_a_number(self, client, moe_it, student, param, typed):
        client.force_login(moe_it)
        response = client.get(reverse(CHANGELIST), {param: typed})
        # The list, or Django's "?e=1" redirect for a value it cannot use: never an error page.
        assert response.status_code in (200, 302)

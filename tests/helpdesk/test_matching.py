from __future__ import annotations

import pytest

from helpdesk.matching import match_request, normalise_class_name

from .. import factories

pytestmark = pytest.mark.django_db


class TestMatching:
    @pytest.mark.parametrize(
        "typed",
        [
            "muhammad_ali_muhammad_raihan",
            "Muhammad_Ali_Muhammad_Raihan@students.edu.sg",
            "  MUHAMMAD_ALI_MUHAMMAD_RAIHAN ",
        ],
    )
    def test_it_matches_by_login_id_however_typed(self, school, student, typed):
        found = match_request(school, "Wrong Name", "6 Nowhere", typed)
        assert found.student == student and found.candidates == 1

    def test_it_ignores_a_login_id_from_another_school(self, school, other_school, student):
        found = match_request(other_school, "Muhammad Ali", "5 Courage", "muhammad_ali_muhammad_raihan")
        assert found.student is None

    def test_it_falls_back_to_the_name_when_the_login_id_is_unknown(self, school, student):
        found = match_request(school, "Muhammad Ali Bin Muhammad Raihan", "5 Courage", "no_such_id")
        assert found.student == student

    @pytest.mark.parametrize(
        "name",
        [
            "Muhammad Ali Bin Muhammad Raihan",
            "muhammad ali bin muhammad raihan",
            "  MUHAMMAD   ALI BIN  MUHAMMAD RAIHAN ",
            "Muhammad Ali Muhammad Raihan",  # without the connector word
            "Muhammad Ali, Muhammad Raihan",
        ],
    )
    def test_it_matches_name_variants(self, school, student, name):
        assert match_request(school, name, "5 Courage").student == student

    @pytest.mark.parametrize("class_name", ["5 Courage", "5courage", "5-COURAGE", " 5  courage ", "５ Ｃｏｕｒａｇｅ"])
    def test_it_matches_class_name_variants(self, school, student, class_name):
        assert match_request(school, "Muhammad Ali Bin Muhammad Raihan", class_name).student == student

    def test_it_needs_the_right_class_and_school(self, school, other_school, student):
        assert match_request(school, "Muhammad Ali Bin Muhammad Raihan", "5 Hope").student is None
        assert match_request(other_school, "Muhammad Ali Bin Muhammad Raihan", "5 Courage").student is None

    def test_it_does_not_match_a_different_name(self, school, student):
        found = match_request(school, "Muhammad Ali", "5 Courage")
        assert found.student is None and found.candidates == 0

    def test_it_leaves_two_children_with_the_same_name_to_the_ict_admin(self, school, p5_class, student):
        factories.make_student(p5_class, "MUHAMMAD ALI BIN MUHAMMAD RAIHAN", username="muhammad_ali_muhammad_raihan_2")
        found = match_request(school, "Muhammad Ali Bin Muhammad Raihan", "5 Courage")
        assert found.student is None and found.candidates == 2

    def test_it_skips_last_years_classes(self, school, student, p5_class):
        p5_class.is_active = False
        p5_class.save()
        assert match_request(school, "Muhammad Ali Bin Muhammad Raihan", "5 Courage").student is None

    def test_it_gives_unmatched_requests_a_key_that_ignores_case_and_spacing(self, school):
        a = match_request(school, "Lim  Ah Kow", "3 Joy")
        b = match_request(school, "lim ah kow", "3-joy")
        assert a.key == b.key and a.student is None

    def test_it_copes_with_names_no_login_id_can_be_made_from(self, school, student):
        a = match_request(school, "陈 小明", "5 Courage")
        b = match_request(school, "陈小明", "5 courage")
        assert a.student is None and a.key == b.key

    def test_it_normalises_class_names(self):
        assert normalise_class_name(" 4 - Courage ") == "4courage"
        assert normalise_class_name("") == ""

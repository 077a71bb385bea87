from __future__ import annotations

import pytest

from helpdesk.matching import class_key, match_request, normalise_class_name

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


class TestNamesInAnyOrder:
    """Parents write the family name last, first, with hyphens or in capitals:
    still one exact child, or nobody."""

    @pytest.fixture
    def wei_ming(self, p5_class):
        return factories.make_student(p5_class, "Tan Wei Ming", username="tan_wei_ming")

    @pytest.mark.parametrize(
        "name",
        [
            "Tan Wei Ming",
            "Wei Ming Tan",
            "wei ming TAN",
            "Ming Wei Tan",
            "Tan Wei-Ming",
            "Wei-Ming Tan",
            "  TAN,  Wei   Ming. ",
            "Tán Wéi Mìng",
            "Ｔａｎ Ｗｅｉ Ｍｉｎｇ",
        ],
    )
    def test_it_matches_the_name_words_in_any_order(self, school, wei_ming, name):
        found = match_request(school, name, "5 Courage")
        assert found.student == wei_ming and found.candidates == 1

    @pytest.mark.parametrize(
        "name", ["Tan Wei", "Wei Ming", "Tan", "Tan Wei Ming Jun", "Tan Wei Wei Ming", "Tan Wai Ming"]
    )
    def test_it_does_not_match_part_of_a_name_or_a_name_with_more(self, school, wei_ming, name):
        found = match_request(school, name, "5 Courage")
        assert found.student is None and found.candidates == 0

    def test_it_matches_nobody_when_two_children_have_the_same_words(self, school, p5_class, wei_ming):
        factories.make_student(p5_class, "Ming Wei Tan", username="ming_wei_tan")
        found = match_request(school, "Wei Ming Tan", "5 Courage")
        assert found.student is None and found.candidates == 2

    def test_it_matches_all_words_of_a_long_name_not_only_the_first_four(self, school, p5_class):
        factories.make_student(p5_class, "Siti Nur Aishah Binte Abdul Rahman", username="siti_nur_aishah_abdul")
        assert match_request(school, "Siti Nur Aishah Abdul", "5 Courage").student is None
        assert match_request(school, "Abdul Rahman Siti Nur Aishah", "5 Courage").student is not None

    def test_it_folds_requests_for_the_same_words_in_another_order(self, school):
        assert match_request(school, "Lim Ah Kow", "P3 Joy").key == match_request(school, "ah kow LIM", "3 joy").key


class TestClassSpellings:
    @pytest.fixture
    def wei_ming(self, p5_class):
        return factories.make_student(p5_class, "Tan Wei Ming", username="tan_wei_ming")

    @pytest.mark.parametrize(
        "class_name",
        ["P5 Courage", "p5courage", "Pr 5 Courage", "Pri 5 Courage", "Primary 5 Courage", "Courage 5", "5C", "P5 C",
         "p5-c", "Class 5 Courage"],
    )  # fmt: skip
    def test_it_matches_common_spellings_of_the_class(self, school, wei_ming, class_name):
        assert match_request(school, "Tan Wei Ming", class_name).student == wei_ming

    @pytest.mark.parametrize("class_name", ["4 Courage", "6C", "Courage", "5", "P5", "5 Courag", "5 Co", ""])
    def test_it_does_not_match_another_or_half_a_class(self, school, wei_ming, class_name):
        assert match_request(school, "Tan Wei Ming", class_name).student is None

    def test_an_initial_two_classes_share_matches_neither(self, school, wei_ming):
        factories.make_class(school, level=5, name="5 Charity")
        assert match_request(school, "Tan Wei Ming", "5C").student is None
        assert match_request(school, "Tan Wei Ming", "P5 Courage").student == wei_ming

    def test_class_keys(self):
        assert str(class_key("Pri 5 Integrity")) == "5integrity"
        assert class_key("Integrity 5") == class_key("5-INTEGRITY") == class_key("P5 Integrity")
        assert class_key("") == class_key("  ")

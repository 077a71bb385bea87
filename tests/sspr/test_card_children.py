"""Primary 2–3 children: their answers come on a card. The account page talks
about the card, and they pick answers of their own only where the school allows it."""

import pytest
from django.test import Client

from accounts.models import AuditEvent
from sspr.answers import may_set_own_answers
from sspr.models import ChallengeAnswer
from tests import factories

from .helpers import give_answers, post_setup


def setup_form(qids, **extra):
    data = {"current_password": factories.PASSWORD}
    for i, (q, a) in enumerate(zip(qids, ("blue bunny", "ah ma", "fried rice"), strict=True), 1):
        data |= {f"question_{i}": q, f"answer_{i}": a}
    return data | extra


@pytest.fixture
def qids(db):
    from sspr.models import ChallengeQuestion

    return list(ChallengeQuestion.objects.filter(for_cards=False, is_active=True).values_list("pk", flat=True)[:3])


@pytest.mark.django_db
class TestCardChildren:
    def test_before_cards_the_account_page_talks_about_the_card(self, client, p2_student):
        client.force_login(p2_student.user)
        page = client.get("/account/").content.decode()
        assert "Your teacher will give you a card with your answers." in page
        assert "/sspr/setup/" not in page and "You have not set up" not in page

    def test_before_cards_the_set_up_page_sends_the_child_back(self, client, p2_student, qids):
        client.force_login(p2_student.user)
        assert client.get("/sspr/setup/")["Location"] == "/account/"
        assert post_setup(client, setup_form(qids))["Location"] == "/account/"
        assert not ChallengeAnswer.objects.filter(user=p2_student.user).exists()

    def test_after_a_teacher_clears_the_card_answers_the_child_cannot_replace_them(
        self, client, p2_student, form_teacher, qids
    ):
        give_answers(p2_student.user, school_set=True)
        teacher = Client()
        teacher.force_login(form_teacher.user)
        teacher.post(f"/teacher/child/{p2_student.pk}/clear-answers/", {"confirm": "yes"})
        assert not ChallengeAnswer.objects.filter(user=p2_student.user).exists()
        client.force_login(p2_student.user)
        post_setup(client, setup_form(qids))
        assert not ChallengeAnswer.objects.filter(user=p2_student.user).exists()
        assert "Your teacher will give you a card" in client.get("/account/").content.decode()

    def test_with_card_answers_the_page_offers_no_change(self, client, p2_student):
        give_answers(p2_student.user, school_set=True)
        client.force_login(p2_student.user)
        page = client.get("/account/").content.decode()
        assert "card in your student handbook" in page and "Change my questions" not in page

    def test_where_the_school_allows_it_the_child_may_pick_their_own(self, client, p2_student, qids):
        p2_student.school.card_children_choose_answers = True
        p2_student.school.save()
        client.force_login(p2_student.user)
        page = client.get("/account/").content.decode()
        assert "Your teacher will give you a card" in page and "/sspr/setup/" in page
        assert post_setup(client, setup_form(qids))["Location"] == "/account/"
        assert p2_student.user.challenge_answers.status() == "own"

    def test_primary_4_to_6_always_may(self, student, p2_student):
        assert may_set_own_answers(student.user) and not may_set_own_answers(p2_student.user)


@pytest.fixture
def school_ict_admin(ict_admin):
    from django.contrib.auth.models import Group

    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return ict_admin


@pytest.mark.django_db
class TestSchoolSetting:
    def test_it_is_off_by_default(self, school):
        assert school.card_children_choose_answers is False

    def test_an_ict_admin_changes_it_in_the_admin_and_it_is_audited(self, client, school, school_ict_admin):
        client.force_login(school_ict_admin.user)
        url = f"/admin/accounts/school/{school.pk}/change/"
        page = client.get(url).content.decode()
        assert 'name="card_children_choose_answers"' in page
        r = client.post(url, {"name": school.name, "card_children_choose_answers": "on"})
        assert r.status_code == 302, r.content.decode()[:3000]
        school.refresh_from_db()
        assert school.card_children_choose_answers is True
        event = AuditEvent.objects.get(action="school.card_children_choose_answers")
        assert event.details == {"allowed": True} and event.actor == school_ict_admin.user and event.school == school

    def test_saving_without_changing_it_writes_no_audit(self, client, school, school_ict_admin):
        client.force_login(school_ict_admin.user)
        client.post(f"/admin/accounts/school/{school.pk}/change/", {"name": "North Primary"})
        assert not AuditEvent.objects.filter(action="school.card_children_choose_answers").exists()

"""Switching a challenge question off in the admin: IT is told whom it touches,
and every page then agrees that those children are no longer set up."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Student
from sspr.answers import set_answers
from sspr.models import AnswerStatus, ChallengeQuestion
from staff import reports
from tests import factories
from tests.sspr.helpers import ANSWERS, answers_for, give_answers

QUESTIONS = "admin:sspr_challengequestion_changelist"
STUDENTS = "admin:accounts_student_changelist"


def _switch_off_in_change_form(client: Client, question: ChallengeQuestion):  # the box unticked, nothing else
    data = {"text": question.text, "for_cards": "on" if question.for_cards else "", "order": question.order}
    return client.post(reverse("admin:sspr_challengequestion_change", args=[question.pk]), data, follow=True)


def _switch_off_action(client: Client, *questions: ChallengeQuestion, confirm: bool):
    data = {"action": "switch_off", "_selected_action": [q.pk for q in questions]}
    data.update({"confirm": "yes"} if confirm else {"index": 0})
    return client.post(reverse(QUESTIONS), data, follow=confirm)


@pytest.fixture
def moe(client, moe_it):
    client.force_login(moe_it)
    return client


@pytest.fixture
def children(p5_class, p2_class, student, p2_student):
    """A P5 child with own answers to the first three questions, one whose own
    answers avoid them, and a P2 child with a card."""
    give_answers(student.user)
    other = factories.make_student(p5_class, "Lee Wei Ling")
    later = list(ChallengeQuestion.objects.filter(for_cards=False)[3:6])
    set_answers(other.user, zip(later, ANSWERS, strict=True), school_set=False)
    give_answers(p2_student.user, school_set=True)
    return {"p5": student, "p5_untouched": other, "p2": p2_student}


def _first(for_cards: bool) -> ChallengeQuestion:
    return ChallengeQuestion.objects.filter(for_cards=for_cards).first()


@pytest.mark.django_db
class TestTheChangeForm:
    def test_it_says_whom_the_question_touches_before_and_after(self, moe, children):
        question = _first(for_cards=False)
        form = moe.get(reverse("admin:sspr_challengequestion_change", args=[question.pk])).content.decode()
        assert "1 child who is set up uses it." in form
        page = _switch_off_in_change_form(moe, question).content.decode()
        assert "Switched off 1 question. 1 child who is set up uses it." in page
        assert "1 in Primary 4–6 will be asked to set up new questions at the next sign-in." in page
        question.refresh_from_db()
        assert not question.is_active
        event = AuditEvent.objects.get(action="question.switched_off")
        assert event.target == question.text and event.details == {"children": 1}

    def test_the_child_is_asked_to_set_up_again_at_the_next_sign_in(self, moe, children):
        _switch_off_in_change_form(moe, _first(for_cards=False))
        child = Client()
        signed_in = child.post("/login/", {"username": children["p5"].user.username, "password": factories.PASSWORD})
        assert child.get(signed_in["Location"])["Location"] == "/sspr/setup/"
        untouched = Client()
        signed_in = untouched.post(
            "/login/", {"username": children["p5_untouched"].user.username, "password": factories.PASSWORD}
        )
        assert untouched.get(signed_in["Location"]).status_code == 200

    def test_an_edit_that_keeps_the_question_on_says_nothing_of_children(self, moe, children):
        question = _first(for_cards=False)
        data = {"text": question.text, "is_active": "on", "order": 7}
        page = moe.post(reverse("admin:sspr_challengequestion_change", args=[question.pk]), data, follow=True)
        assert "set up" not in page.content.decode().split('class="messagelist"')[1].split("</ul>")[0]
        assert not AuditEvent.objects.filter(action="question.switched_off").exists()


@pytest.mark.django_db
class TestTheAction:
    def test_it_asks_first_with_the_numbers_and_changes_nothing_yet(self, moe, children):
        page = _switch_off_action(moe, _first(for_cards=True), confirm=False).content.decode()
        assert "1 child who is set up uses it." in page and "1 in Primary 2–3 needs a new challenge card." in page
        assert "Primary 4–6" not in page  # no one there: not mentioned
        assert ChallengeQuestion.objects.filter(is_active=False).count() == 0

    def test_the_card_children_are_listed_for_their_ict_admin(self, moe, children, school_ict_admin):
        page = _switch_off_action(moe, _first(for_cards=True), confirm=True).content.decode()
        needs_card = reverse(STUDENTS) + "?answers=needs_card"
        assert "Switched off 1 question." in page and f'href="{needs_card}"' in page
        admin = Client()
        admin.force_login(school_ict_admin.user)
        assert f'href="{needs_card}"' in admin.get(reverse("admin:index")).content.decode()
        listed = admin.get(needs_card).content.decode()
        assert children["p2"].full_name in listed and children["p5"].full_name not in listed
        assert ">none<" in listed.split(f">{children['p2'].full_name}</a>")[1].split("</tr>")[0]

    def test_school_ict_admins_cannot_switch_questions_off(self, children, school_ict_admin):
        admin = Client()
        admin.force_login(school_ict_admin.user)
        _switch_off_action(admin, _first(for_cards=True), confirm=True)
        assert ChallengeQuestion.objects.filter(is_active=False).count() == 0


@pytest.mark.django_db
class TestEveryPageAgrees:
    def test_the_roster_account_page_admin_and_report_say_not_set_up(self, moe, children, form_teacher, school):
        _switch_off_action(moe, _first(for_cards=False), _first(for_cards=True), confirm=True)
        teacher = Client()
        teacher.force_login(form_teacher.user)
        p5_class, p2_class = children["p5"].school_class, children["p2"].school_class
        roster = teacher.get(f"/teacher/class/{p5_class.pk}/").content.decode()
        row = roster[roster.index(children["p5"].full_name):].split("</tr>")[0]
        assert "Not set up" in row and "Asked to set up at the next sign-in" in row
        assert "Set up by the child" in roster[roster.index("Lee Wei Ling"):].split("</tr>")[0]
        roster = teacher.get(f"/teacher/class/{p2_class.pk}/").content.decode()
        assert "Needs a new challenge card" in roster[roster.index(children["p2"].full_name):].split("</tr>")[0]

        for child in (children["p5"], children["p2"]):
            assert child.user.challenge_answers.status() == AnswerStatus.NONE
            row = moe.get(reverse(STUDENTS) + f"?q={child.user.username}").content.decode()
            assert ">none<" in row
        upper, lower = reports.answer_shares(Student.objects.filter(school=school))
        assert (upper.part, upper.total, lower.part) == (1, 2, 0)

        children["p2"].user.must_change_password = False
        children["p2"].user.save()
        child = Client()
        child.force_login(children["p2"].user)  # Primary 2–3 are not sent to set up; the page says what is missing
        assert "Your teacher will give you a card with your answers." in child.get("/account/").content.decode()

    def test_a_switched_off_question_is_never_asked_in_a_reset(self, moe, student):
        answers = give_answers(student.user)
        _switch_off_action(moe, ChallengeQuestion.objects.get(pk=next(iter(answers))), confirm=True)
        client = Client()
        client.post("/sspr/", {"login_id": student.user.username})
        dealt = client.session["sspr_flow"]["question_ids"]
        assert ChallengeQuestion.objects.filter(pk__in=dealt, is_active=False).count() == 0
        # With only two usable answers left the child cannot reset by questions.
        client.post("/sspr/questions/", answers_for(client, {**answers, **dict.fromkeys(dealt, "x")}))
        assert client.get("/sspr/password/")["Location"] == "/sspr/"

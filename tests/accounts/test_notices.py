"""Notices that reach someone: the child at their login ID's mailbox, staff at
their address, each in their own language, through the task queue; what
reaches no one shows up for the school's ICT admin."""

from __future__ import annotations

import signal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from accounts.models import UndeliveredNotice
from sspr.models import ChallengeQuestion
from tests import factories
from tests.sspr.helpers import give_answers, post_setup

CHANGELIST = "admin:accounts_student_changelist"


def subject_in(code, text):
    with translation.override(code):
        return gettext(text)


def sign_in(client, username, language=None):
    if language:
        client.post("/i18n/setlang/", {"language": language})
    return client.post("/login/", {"username": username, "password": factories.PASSWORD})


@pytest.fixture
def it_client(client, ict_admin):
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    client.force_login(ict_admin.user)
    return client


def run_action(client, action, *students):
    data = {"action": action, "_selected_action": [s.pk for s in students], "confirm": "yes"}
    return client.post(reverse(CHANGELIST), data)


@pytest.mark.django_db
class TestTheChildIsTold:
    def test_a_temporary_password_in_the_childs_language(self, it_client, student):
        sign_in(Client(), student.user.username, language="ms")
        mail.outbox.clear()
        response = run_action(it_client, "issue_temporary_passwords", student)
        password = response.context["issued"][0]["password"]
        [message] = mail.outbox
        assert message.to == ["muhammad_ali_muhammad_raihan@students.edu.sg"]
        assert message.subject == subject_in("ms", "A new temporary MIMS password was made for you")
        assert password not in message.body and password not in message.alternatives[0].content

    def test_answers_set_by_the_child(self, client, student):
        sign_in(client, student.user.username)
        questions = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
        post_setup(client, {
            "current_password": factories.PASSWORD,
            "question_1": questions[0].pk, "answer_1": "blue bunny", "question_2": questions[1].pk,
            "answer_2": "ah ma", "question_3": questions[2].pk, "answer_3": "fried rice",
        })  # fmt: skip
        [message] = mail.outbox
        assert message.to == [student.login_id] and "were just changed" in message.body
        assert "blue bunny" not in message.body

    def test_answers_cleared_by_the_ict_admin(self, it_client, student):
        give_answers(student.user)
        run_action(it_client, "clear_challenge_answers", student)
        [message] = mail.outbox
        assert message.to == [student.login_id] and "cleared the answers" in message.body
        assert message.subject == subject_in("en", "Your MIMS challenge questions were changed")

    def test_answers_cleared_by_the_form_teacher(self, client, student, form_teacher):
        give_answers(student.user)
        client.force_login(form_teacher.user)
        client.post(reverse("teacher:clear_answers", args=[student.pk]), {"confirm": "yes"})
        assert [m.to for m in mail.outbox] == [[student.login_id]]

    def test_a_child_who_left_is_not_written_to(self, it_client, student):
        run_action(it_client, "mark_as_left", student)
        from accounts import notices

        notices.temporary_password(student.user)
        assert mail.outbox == [] and not UndeliveredNotice.objects.exists()


@pytest.mark.django_db
class TestStaffNotices:
    def _lock(self, student):
        from sspr import flows

        client = Client()
        for _ in range(5):
            client.post("/sspr/", {"login_id": student.user.username})
            client.post("/sspr/questions/", {"answer_1": "xxx", "answer_2": "yyy"})
        assert flows._reset_user(student.user.username) is not None

    def test_a_teacher_reads_in_their_language(self, student, form_teacher):
        give_answers(student.user)
        form_teacher.user.email = "ms.tan@school.edu.sg"
        form_teacher.user.save()
        sign_in(Client(), form_teacher.user.username, language="zh-hans")
        self._lock(student)
        [message] = mail.outbox
        assert message.to == ["ms.tan@school.edu.sg"]
        with translation.override("zh-hans"):
            expected = gettext("Self-service reset locked for %(name)s") % {"name": student.full_name}
        assert message.subject == expected
        assert expected != f"Self-service reset locked for {student.full_name}"  # really another language

    def test_a_teacher_without_an_address_is_shown_to_the_ict_admin(self, it_client, student, form_teacher, school):
        give_answers(student.user)
        self._lock(student)
        assert mail.outbox == []
        notice = UndeliveredNotice.objects.get()
        assert notice.recipient == form_teacher.user and notice.reason == UndeliveredNotice.Reason.NO_ADDRESS
        assert notice.school == school and notice.about == student.login_id and notice.notice == "sspr-locked"
        page = it_client.get(reverse("admin:accounts_undeliverednotice_changelist")).content.decode()
        assert "self-service reset locked" in page and student.login_id in page and "no e-mail address" in page

    def test_a_class_without_a_form_teacher_is_shown_too(self, student):
        give_answers(student.user)
        self._lock(student)
        notice = UndeliveredNotice.objects.get()
        assert notice.recipient is None and notice.reason == UndeliveredNotice.Reason.NO_RECIPIENT

    def test_another_schools_notices_are_not_shown(self, it_client, other_school):
        outsider = factories.make_student(factories.make_class(other_school), username="outsider_child")
        give_answers(outsider.user)
        self._lock(outsider)
        page = it_client.get(reverse("admin:accounts_undeliverednotice_changelist")).content.decode()
        assert "outsider_child" not in page


@pytest.mark.django_db
class TestMissingAddressFlags:
    def test_the_teacher_list_flags_teachers_without_an_address(self, it_client, form_teacher, other_teacher):
        other_teacher.user.email = "mr.lim@school.edu.sg"
        other_teacher.user.save()
        page = it_client.get(reverse("admin:accounts_teacher_changelist")).content.decode()
        assert page.count("No e-mail address: gets no notices") == 2  # ms_tan and the ICT admin
        assert "mr.lim@school.edu.sg" in page

    def test_the_teachers_own_page_says_so(self, client, form_teacher):
        client.force_login(form_teacher.user)
        assert "We have no e-mail address for you" in client.get("/teacher/").content.decode()
        form_teacher.user.email = "ms.tan@school.edu.sg"
        form_teacher.user.save()
        assert "We have no e-mail address for you" not in client.get("/teacher/").content.decode()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
class TestThroughTheQueue:
    def test_the_request_only_queues_and_the_worker_sends(self, database_queue, school, p5_class, ict_admin):
        student = factories.make_student(p5_class, username="tan_wei")
        client = Client()
        client.force_login(ict_admin.user)
        ict_admin.user.is_superuser = True  # a transactional test has no seeded groups
        ict_admin.user.save()
        client.force_login(ict_admin.user)
        response = run_action(client, "issue_temporary_passwords", student)
        assert response.status_code == 200 and mail.outbox == []
        task = DBTaskResult.objects.get(task_path="accounts.tasks.deliver_notice")
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        task.refresh_from_db()
        assert task.status == "SUCCESSFUL"
        assert [m.to for m in mail.outbox] == [["tan_wei@students.edu.sg"]]


@pytest.mark.django_db
class TestTheIctAdminsOwnPage:
    def test_the_admin_home_links_the_list_and_flags_a_missing_address(self, it_client, ict_admin):
        page = it_client.get(reverse("admin:index")).content.decode()
        assert reverse("admin:accounts_undeliverednotice_changelist") in page
        assert "We have no e-mail address for you" in page
        ict_admin.user.email = "ict@school.edu.sg"
        ict_admin.user.save()
        assert "We have no e-mail address for you" not in it_client.get(reverse("admin:index")).content.decode()

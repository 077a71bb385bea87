from __future__ import annotations

import re

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AuditEvent, SchoolClass, Student, User
from batches.admin import ClassBatchActions, StudentBatchActions
from batches.models import Batch
from second_factor import rules
from sspr.models import ChallengeAnswer
from tests import factories


def _login(client, who):
    client.force_login(who.user if hasattr(who, "user") else who)
    return client


class TestAccess:
    def test_it_shows_a_form_teacher_their_classes_only(self, client, form_teacher, other_teacher, p2_class):
        r = _login(client, form_teacher).get(reverse("batches:index"))
        assert r.status_code == 200
        assert "2 Joy" in r.text and "5 Hope" not in r.text
        assert client.get(reverse("batches:class", args=[p2_class.pk])).status_code == 200
        other_class = other_teacher.form_classes.get()
        assert client.get(reverse("batches:class", args=[other_class.pk])).status_code == 404
        # A form teacher has no school-wide pages.
        assert client.get(reverse("batches:school", args=[p2_class.school_id])).status_code == 404
        assert client.get(reverse("batches:promote", args=[p2_class.school_id])).status_code == 404

    def test_it_shows_nothing_to_children(self, client, p2_student, p2_class):
        _login(client, p2_student)
        assert client.get(reverse("batches:index")).status_code == 404
        assert client.get(reverse("batches:class", args=[p2_class.pk])).status_code == 404

    def test_it_sends_strangers_to_sign_in(self, client, p2_class):
        r = client.get(reverse("batches:class", args=[p2_class.pk]))
        assert r.status_code == 302 and "/login/" in r["Location"]

    def test_it_keeps_an_ict_admin_to_their_school(self, client, ict_admin, school, other_school):
        _login(client, ict_admin)
        assert client.get(reverse("batches:school", args=[school.pk])).status_code == 200
        assert client.get(reverse("batches:school", args=[other_school.pk])).status_code == 404
        foreign = factories.make_class(other_school, 2, "2 Far")
        assert client.get(reverse("batches:class", args=[foreign.pk])).status_code == 404


class TestClassPage:
    def test_it_makes_cards_for_the_class_and_hands_over_the_pdf_once(
        self, client, questions, form_teacher, p2_class, p2_children, run_tasks
    ):
        _login(client, form_teacher)
        r = run_tasks(client.post, reverse("batches:class", args=[p2_class.pk]), {"kind": "cards", "confirm": "on"})
        batch = Batch.objects.get()
        assert r.status_code == 302 and r["Location"] == reverse("batches:detail", args=[batch.pk])
        page = client.get(r["Location"])
        assert "<progress" in page.text and 'src="/static/js/batch-progress.js"' in page.text
        assert not re.search(r"<script>", page.text) and "style=" not in page.text
        assert "Download the PDF" in page.text
        assert client.get(reverse("batches:status", args=[batch.pk])).json() == {
            "status": "done", "done": 3, "total": 3, "finished": True
        }
        # Downloading needs a POST: a link preview cannot use up the one download.
        assert client.get(reverse("batches:download", args=[batch.pk])).status_code == 405
        pdf = client.post(reverse("batches:download", args=[batch.pk]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and "attachment" in pdf["Content-Disposition"]
        assert pdf["Cache-Control"] == "no-store"
        again = client.post(reverse("batches:download", args=[batch.pk]), follow=True)
        assert "already been downloaded" in again.text and "was downloaded" in again.text
        assert again.redirect_chain == [(reverse("batches:detail", args=[batch.pk]), 302)]

    def test_it_reissues_one_lost_card_only(self, client, questions, form_teacher, p2_class, p2_children, run_tasks):
        _login(client, form_teacher)
        run_tasks(client.post, reverse("batches:class", args=[p2_class.pk]), {"kind": "cards", "confirm": "on"})
        before = {s.pk: set(ChallengeAnswer.objects.filter(user=s.user).values_list("answer_hash", flat=True))
                  for s in p2_children}
        lost = p2_children[1]
        run_tasks(client.post, reverse("batches:class", args=[p2_class.pk]),
                  {"kind": "cards", "students": [lost.pk], "confirm": "on"})
        for s in p2_children:
            after = set(ChallengeAnswer.objects.filter(user=s.user).values_list("answer_hash", flat=True))
            assert (after == before[s.pk]) == (s != lost)
        assert AuditEvent.objects.filter(action="answers.card_reissued").get().target == lost.user.login_id

    def test_it_refuses_cards_for_a_primary_5_class(self, client, questions, form_teacher, p5_class, student):
        _login(client, form_teacher)
        r = client.post(reverse("batches:class", args=[p5_class.pk]), {"kind": "cards", "confirm": "on"})
        assert r.status_code == 200 and "only for Primary 2 and Primary 3" in r.text
        assert not Batch.objects.exists()

    def test_it_asks_for_the_confirmation(self, client, questions, form_teacher, p2_class, p2_children):
        _login(client, form_teacher)
        r = client.post(reverse("batches:class", args=[p2_class.pk]), {"kind": "cards"})
        assert r.status_code == 200 and "Tick the box to say you understand." in r.text
        assert not Batch.objects.exists()

    def test_it_refuses_children_of_another_class(self, client, questions, form_teacher, p2_class, p2_children,
                                                   other_teacher):
        other_child = factories.make_student(other_teacher.form_classes.get())
        _login(client, form_teacher)
        r = client.post(reverse("batches:class", args=[p2_class.pk]),
                        {"kind": "slips", "students": [other_child.pk], "confirm": "on"})
        assert r.status_code == 200 and not Batch.objects.exists()

    def test_it_shows_a_batch_only_to_its_requester(self, client, questions, form_teacher, ict_admin, p2_class,
                                                     p2_children, run_tasks):
        _login(client, form_teacher)
        run_tasks(client.post, reverse("batches:class", args=[p2_class.pk]), {"kind": "slips", "confirm": "on"})
        batch = Batch.objects.get()
        _login(client, ict_admin)
        for name in ("detail", "status"):
            assert client.get(reverse(f"batches:{name}", args=[batch.pk])).status_code == 404
        for name in ("download", "resume"):
            assert client.post(reverse(f"batches:{name}", args=[batch.pk])).status_code == 404


class TestYearlyReset:
    def test_it_gives_the_chosen_levels_new_passwords_and_ends_their_sessions(
        self, client, questions, ict_admin, school, student, p2_student, run_tasks
    ):
        child_client = client.__class__()
        child_client.force_login(student.user)
        assert child_client.get(reverse("account")).wsgi_request.user == student.user
        _login(client, ict_admin)
        r = run_tasks(client.post, reverse("batches:school", args=[school.pk]),
                      {"kind": "slips", "levels": ["5", "6"], "confirm": "on"})
        batch = Batch.objects.get()
        assert r.status_code == 302 and batch.params["channel"] == "yearly_reset" and batch.total == 1
        user = User.objects.get(pk=student.user.pk)
        assert user.must_change_password and not user.check_password(factories.PASSWORD)
        assert not User.objects.get(pk=p2_student.user.pk).must_change_password
        # The child's open session has ended.
        assert not child_client.get(reverse("account")).wsgi_request.user.is_authenticated
        event = AuditEvent.objects.get(action="password.temporary")
        assert event.details == {"channel": "yearly_reset", "batch": batch.pk}

    def test_it_refuses_cards_for_older_levels(self, client, questions, ict_admin, school):
        _login(client, ict_admin)
        r = client.post(reverse("batches:school", args=[school.pk]), {"kind": "cards", "levels": ["4"],
                                                                    "confirm": "on"})
        assert "only for Primary 2 and Primary 3" in r.text and not Batch.objects.exists()

    def test_it_refuses_bad_levels(self, client, ict_admin, school):
        _login(client, ict_admin)
        r = client.post(reverse("batches:school", args=[school.pk]), {"kind": "slips", "levels": ["9", "x"],
                                                                    "confirm": "on"})
        assert r.status_code == 200 and not Batch.objects.exists()


def _admin_request(user, path="/admin/"):
    request = RequestFactory().post(path)
    request.user = user
    request.session = {}
    rules.mark_verified(request.session)  # signed in with both factors just now, as force_login
    request._messages = FallbackStorage(request)
    return request


class TestAdminEntryPoints:
    def test_it_starts_cards_for_classes(self, questions, ict_admin, p2_class, p2_children, p5_class, student,
                                         run_tasks):
        request = _admin_request(ict_admin.user)
        r = run_tasks(ClassBatchActions().issue_cards, request, SchoolClass.objects.all())
        batch = Batch.objects.get()
        assert r.status_code == 302 and r["Location"] == reverse("batches:detail", args=[batch.pk])
        assert batch.total == 3 and batch.requested_by == ict_admin.user  # the P5 child gets no card

    def test_it_starts_nothing_outside_the_admins_school(self, questions, ict_admin, other_school):
        foreign = factories.make_student(factories.make_class(other_school, 2, "2 Far"))
        request = _admin_request(ict_admin.user)
        r = StudentBatchActions().issue_slips(request, Student.objects.filter(pk=foreign.pk))
        assert r.status_code == 302 and not Batch.objects.exists()
        assert "None of the chosen children" in str(list(request._messages))

    def test_it_makes_one_batch_per_school_for_moe_it(self, questions, moe_it, p2_children, other_school,
                                                      run_tasks):
        factories.make_student(factories.make_class(other_school, 2, "2 Far"))
        request = _admin_request(moe_it)
        r = run_tasks(StudentBatchActions().issue_slips, request, Student.objects.all())
        assert r["Location"] == reverse("batches:index")
        assert sorted(b.total for b in Batch.objects.all()) == [1, 3]


@pytest.mark.parametrize("kind", ["cards", "slips"])
def test_it_survives_a_double_submit(client, questions, form_teacher, p2_class, p2_children, kind):
    _login(client, form_teacher)
    url = reverse("batches:class", args=[p2_class.pk])
    first = client.post(url, {"kind": kind, "confirm": "on"})  # queued: commit hooks not run here
    second = client.post(url, {"kind": kind, "confirm": "on"})
    assert first.status_code == 302
    assert second.status_code == 200 and "still working" in second.text
    assert Batch.objects.count() == 1

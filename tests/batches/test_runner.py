from __future__ import annotations

import json
import stat
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, User
from batches import runner
from batches.hashing import HashPool
from batches.models import Batch, BatchUnit, private_dir
from sspr.models import ChallengeAnswer


def _pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def _make(kind, requester, school, students, **params):
    return runner.create_batch(kind=kind, requested_by=requester, school=school, students=students, params=params)


class TestRunBatch:
    def test_it_makes_one_unit_per_class_and_a_private_pdf(self, questions, p2_children, p3_children, ict_admin,
                                                           school, run_tasks):
        batch = run_tasks(_make, "cards", ict_admin.user, school, [*p3_children, *p2_children])
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE
        assert (batch.done, batch.total) == (5, 5)
        assert [u.school_class.level for u in batch.units.all()] == [2, 3]
        assert all(u.done for u in batch.units.all())
        path = private_dir() / batch.file_path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(b"%PDF") and _pages(path.read_bytes()) == 1
        # The parts (plain words) are gone once the PDF is made.
        assert [p.name for p in batch.work_dir().iterdir()] == [path.name]
        assert batch.expires_at - batch.finished == timedelta(hours=24)
        assert ChallengeAnswer.objects.filter(school_set=True).count() == 5 * 6  # six card questions
        assert AuditEvent.objects.filter(action="answers.card_issued").count() == 5
        assert AuditEvent.objects.filter(action="batch.cards.ready").exists()

    def test_it_puts_eight_cards_on_a_page(self, questions, p2_class, ict_admin, school, run_tasks):
        from tests import factories

        children = [factories.make_student(p2_class, f"Kid {n}") for n in range(9)]
        batch = run_tasks(_make, "cards", ict_admin.user, school, children)
        batch.refresh_from_db()
        assert _pages((private_dir() / batch.file_path).read_bytes()) == 2

    def test_it_hashes_in_a_pool_of_processes(self, argon2, settings, questions, p2_children, ict_admin, school,
                                              run_tasks):
        settings.MIMS_BATCH_HASH_WORKERS = 2
        batch = run_tasks(_make, "slips", ict_admin.user, school, p2_children[:2])
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE
        user = User.objects.get(pk=p2_children[0].user.pk)
        assert user.password.startswith("argon2$") and user.must_change_password

    def test_it_refuses_children_already_in_a_working_batch(self, questions, p2_children, ict_admin, form_teacher,
                                                            school):
        _make("cards", ict_admin.user, school, p2_children)  # queued, not run (no commit here)
        with pytest.raises(runner.BatchRefused, match="already in a batch"):
            _make("cards", form_teacher.user, school, p2_children[:1])
        # Slips for the same children are a different thing and may go ahead.
        assert _make("slips", form_teacher.user, school, p2_children[:1]).total == 1

    def test_it_ignores_children_of_another_school(self, questions, p2_children, other_school, ict_admin):
        with pytest.raises(runner.BatchRefused):
            _make("slips", ict_admin.user, other_school, p2_children)


class _WorkerDied(BaseException):
    """Stands for the worker being killed: not an Exception, so nothing catches it."""


class TestDeadWorker:
    def test_it_leaves_no_half_done_class_and_resumes(self, questions, p2_children, p3_children, ict_admin, school,
                                                      monkeypatch, run_tasks):
        originals = {s.user.pk: s.user.password for s in [*p2_children, *p3_children]}
        batch = _make("slips", ict_admin.user, school, [*p2_children, *p3_children])
        real_record = audit.record
        seen = []

        def dying_record(request, action, **kwargs):
            # Die while storing the second class, after some of its rows were written.
            if action == "password.temporary":
                seen.append(kwargs["target"])
                if len(seen) == len(p2_children) + 1:
                    raise _WorkerDied
            return real_record(request, action, **kwargs)

        monkeypatch.setattr(audit, "record", dying_record)
        with pytest.raises(_WorkerDied):
            runner.run_batch(batch.pk)
        monkeypatch.setattr(audit, "record", real_record)

        batch.refresh_from_db()
        first, second = batch.units.all()
        assert batch.status == Batch.Status.RUNNING and batch.done == len(p2_children)
        assert first.done and not second.done
        for s in p3_children:  # the second class is untouched
            user = User.objects.get(pk=s.user.pk)
            assert user.password == originals[user.pk] and not user.must_change_password
        after_first = {s.user.pk: User.objects.get(pk=s.user.pk).password for s in p2_children}
        assert all(after_first[pk] != originals[pk] for pk in after_first)
        assert (batch.work_dir() / first.part).exists()

        # Nobody can resume before it looks stopped; then the requester can.
        assert not runner.resume(batch)
        Batch.objects.filter(pk=batch.pk).update(updated=timezone.now() - timedelta(minutes=11))
        batch.refresh_from_db()
        assert run_tasks(runner.resume, batch)
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE and batch.done == batch.total == 5
        for s in p2_children:  # the first class was not done twice
            assert User.objects.get(pk=s.user.pk).password == after_first[s.user.pk]
        pdf = runner.take_file(batch, ict_admin.user)
        assert pdf.startswith(b"%PDF")
        assert AuditEvent.objects.filter(action="batch.resumed").exists()


    def test_a_failure_marks_the_batch_failed_with_a_plain_message(self, questions, p2_children, ict_admin, school,
                                                                    monkeypatch):
        batch = _make("cards", ict_admin.user, school, p2_children)

        def broken(self, plain):
            raise OSError("disk on fire")

        monkeypatch.setattr(HashPool, "hash_many", broken)
        assert runner.run_batch(batch.pk) == Batch.Status.FAILED
        batch.refresh_from_db()
        assert batch.error == "Something went wrong. Try again." and batch.can_resume
        assert ChallengeAnswer.objects.count() == 0
        event = AuditEvent.objects.get(action="batch.cards.failed")
        assert event.details == {"error": "OSError"}


class TestPartFiles:
    def test_it_writes_the_words_it_stores(self, questions, p2_children, ict_admin, school, monkeypatch):
        # Keep the parts for a look by stopping before the PDF is made.
        def no_pdf(batch, kind):
            raise _WorkerDied

        monkeypatch.setattr(runner, "_assemble", no_pdf)
        batch = _make("cards", ict_admin.user, school, p2_children)
        with pytest.raises(_WorkerDied):
            runner.run_batch(batch.pk)
        unit = BatchUnit.objects.get(batch=batch)
        part = batch.work_dir() / unit.part
        assert stat.S_IMODE(part.stat().st_mode) == 0o600
        for card in json.loads(part.read_text()):
            user = User.objects.get(username=card["login_id"].split("@")[0])
            answers = {a.question.text: a for a in ChallengeAnswer.objects.filter(user=user)}
            for q, word in zip(card["questions"], card["answers"], strict=True):
                assert check_password(word, answers[q].answer_hash)


class TestTakeFile:
    def test_it_hands_the_file_over_once_and_deletes_it(self, questions, p2_children, ict_admin, school, run_tasks):
        batch = run_tasks(_make, "cards", ict_admin.user, school, p2_children)
        batch.refresh_from_db()
        path = private_dir() / batch.file_path
        assert runner.take_file(batch, ict_admin.user).startswith(b"%PDF")
        assert not path.exists() and not batch.work_dir().exists()
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DOWNLOADED and batch.downloaded_at
        assert runner.take_file(batch, ict_admin.user) is None
        assert AuditEvent.objects.filter(action="batch.cards.downloaded", actor=ict_admin.user).count() == 1

    def test_it_refuses_anyone_but_the_requester(self, questions, p2_children, ict_admin, moe_it, school, run_tasks):
        batch = run_tasks(_make, "cards", ict_admin.user, school, p2_children)
        batch.refresh_from_db()
        assert runner.take_file(batch, moe_it) is None
        assert (private_dir() / batch.file_path).exists()

    def test_it_deletes_files_nobody_downloaded_in_time(self, questions, p2_children, ict_admin, school, run_tasks):
        batch = run_tasks(_make, "cards", ict_admin.user, school, p2_children)
        Batch.objects.filter(pk=batch.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        batch.refresh_from_db()
        assert runner.take_file(batch, ict_admin.user) is None
        assert runner.cleanup_expired() == 1
        batch.refresh_from_db()
        assert batch.status == Batch.Status.EXPIRED and not batch.work_dir().exists()
        assert AuditEvent.objects.filter(action="batch.cards.expired").exists()

    def test_it_cleans_up_batches_that_never_finished(self, questions, p2_children, ict_admin, school, monkeypatch):
        monkeypatch.setattr(runner, "_assemble", lambda batch, kind: (_ for _ in ()).throw(_WorkerDied()))
        batch = _make("cards", ict_admin.user, school, p2_children)
        with pytest.raises(_WorkerDied):
            runner.run_batch(batch.pk)
        assert any(batch.work_dir().iterdir())
        Batch.objects.filter(pk=batch.pk).update(updated=timezone.now() - timedelta(hours=25))
        assert runner.cleanup_expired() == 1
        assert not batch.work_dir().exists()


class TestPrivateFolders:
    def test_it_keeps_the_folders_closed_to_others(self, questions, p2_children, ict_admin, school, run_tasks):
        batch = run_tasks(_make, "slips", ict_admin.user, school, p2_children)
        for folder in (private_dir().parent, private_dir(), batch.work_dir()):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder

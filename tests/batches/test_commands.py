from __future__ import annotations

import stat
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import SchoolClass, User
from batches.models import Batch
from sspr.models import ChallengeAnswer


def _call(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class TestIssueCards:
    def test_it_writes_a_private_pdf_and_keeps_no_copy(self, questions, p2_children, ict_admin, school, tmp_path):
        target = tmp_path / "out" / "cards.pdf"
        target.parent.mkdir()
        out = _call("issue_cards", "--school", "NPS", "--level", "2", "--by", "ict_admin", "--output", str(target))
        assert "3 children" in out
        assert target.read_bytes().startswith(b"%PDF") and stat.S_IMODE(target.stat().st_mode) == 0o600
        batch = Batch.objects.get()
        assert batch.status == Batch.Status.DOWNLOADED and not batch.work_dir().exists()
        assert ChallengeAnswer.objects.filter(school_set=True).count() == 3 * 6  # six card questions

    def test_it_refuses_someone_who_is_not_it(self, questions, p2_children, form_teacher, tmp_path):
        with pytest.raises(CommandError, match="MOE IT or an ICT admin"):
            _call("issue_cards", "--school", "NPS", "--level", "2", "--by", "ms_tan", "--output",
                  str(tmp_path / "x.pdf"))
        assert not Batch.objects.exists()

    def test_it_will_not_overwrite_a_file(self, questions, p2_children, moe_it, tmp_path):
        target = tmp_path / "x.pdf"
        target.write_text("keep me")
        with pytest.raises(CommandError, match="already exists"):
            _call("issue_cards", "--school", "NPS", "--class", "2 Joy", "--by", "moe_it", "--output", str(target))
        assert target.read_text() == "keep me" and not ChallengeAnswer.objects.exists()


class TestYearlyReset:
    def test_it_resets_the_chosen_levels(self, questions, student, p2_student, moe_it, tmp_path):
        _call("yearly_reset", "--school", "NPS", "--level", "5", "--by", "moe_it", "--output", str(tmp_path / "s.pdf"))
        assert User.objects.get(pk=student.user.pk).must_change_password
        assert not User.objects.get(pk=p2_student.user.pk).must_change_password
        assert Batch.objects.get().params["channel"] == "yearly_reset"

    def test_it_needs_levels(self, moe_it, school, tmp_path):
        with pytest.raises(CommandError):
            _call("yearly_reset", "--school", "NPS", "--by", "moe_it", "--output", str(tmp_path / "s.pdf"))


class TestPromoteYear:
    def test_it_previews_unless_told_yes(self, student, moe_it):
        out = _call("promote_year", "--school", "NPS")
        assert "5 Courage (2026, 1 children) -> 6 Courage" in out and "Preview only" in out
        assert not SchoolClass.objects.filter(year=2027).exists()
        _call("promote_year", "--school", "NPS", "--yes", "--by", "moe_it")
        student.refresh_from_db()
        assert student.school_class.name == "6 Courage" and student.school_class.year == 2027


class TestCleanupBatches:
    def test_it_deletes_expired_files(self, questions, p2_children, ict_admin, school, run_tasks):
        from batches import runner

        batch = run_tasks(runner.create_batch, kind="cards", requested_by=ict_admin.user, school=school,
                          students=p2_children)
        Batch.objects.filter(pk=batch.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        assert "Cleaned 1" in _call("cleanup_batches")
        assert not batch.work_dir().exists()


class TestResumeBatches:
    def test_it_carries_on_stale_batches(self, questions, p2_children, ict_admin, school, run_tasks):
        from batches import runner

        batch = runner.create_batch(kind="slips", requested_by=ict_admin.user, school=school, students=p2_children)
        # Queued but its worker never came: after a while it counts as stopped.
        Batch.objects.filter(pk=batch.pk).update(updated=timezone.now() - timedelta(minutes=30))
        assert "Resumed 1" in run_tasks(_call, "resume_batches")
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE

"""The browser harness itself: it restores every row a data migration makes."""

from __future__ import annotations

from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader

from .conftest import MIGRATIONS_WITHOUT_ROWS, RESTORED_MIGRATIONS

OUR_APPS = {"accounts", "sspr", "helpdesk", "batches"}


class TestHarness:
    def test_it_knows_every_data_migration(self, db):
        loader = MigrationLoader(None, ignore_no_migrations=True)
        with_code = {
            key for key, migration in loader.disk_migrations.items()
            if key[0] in OUR_APPS and any(isinstance(op, RunPython) for op in migration.operations)
        }
        unknown = with_code - RESTORED_MIGRATIONS - MIGRATIONS_WITHOUT_ROWS
        assert not unknown, (
            f"new data migrations {sorted(unknown)}: if they make rows a page needs, restore them in "
            "tests/browser/conftest.py restore_migrated_rows(); otherwise list them in MIGRATIONS_WITHOUT_ROWS"
        )
        assert with_code >= RESTORED_MIGRATIONS | MIGRATIONS_WITHOUT_ROWS, "a listed migration is gone"

    def test_it_puts_back_the_groups_and_questions_after_a_flush(self, transactional_db):
        from django.contrib.auth.models import Group
        from django.core.management import call_command

        from sspr.models import ChallengeQuestion

        from .conftest import restore_migrated_rows

        before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        questions = ChallengeQuestion.objects.count()
        call_command("flush", verbosity=0, interactive=False)
        assert not Group.objects.exists()
        restore_migrated_rows()
        after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        if before:  # right after migrate: must be exactly what the migrations made
            assert after == before
        assert "view_resetrequest" in after["School ICT admin"]
        assert ChallengeQuestion.objects.count() == (questions or 18)

"""scripts/backup-db and scripts/restore-db, on throwaway databases: everything comes back,
and a child's password still checks against the restored copy."""

from __future__ import annotations

import os
import subprocess

import psycopg

from .conftest import PASSWORD
from .servers import ROOT, manage, throwaway_database

TABLES = ["accounts_user", "accounts_student", "sspr_challengeanswer", "accounts_auditevent", "django_migrations"]


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def run(script: str, url: str, file) -> None:
    subprocess.run([str(ROOT / "scripts" / script), str(file)], env={**os.environ, "DATABASE_URL": url}, check=True,
                   capture_output=True)  # fmt: skip


def test_it_restores_a_backup_into_an_empty_database(portal, tmp_path):
    backup = tmp_path / "mims.dump"
    run("backup-db", portal.database_url, backup)
    with throwaway_database() as copy:
        run("restore-db", copy, backup)
        assert counts(copy) == counts(portal.database_url)
        assert counts(copy)["accounts_user"] > 0
        # Restoring again over the same database replaces it cleanly.
        run("restore-db", copy, backup)
        assert counts(copy) == counts(portal.database_url)
        password_ok = manage(portal.env(DATABASE_URL=copy), "shell", "-c",
                             "from accounts.models import User; "
                             f"print(User.objects.get(username='roamer').check_password('{PASSWORD}'))")  # fmt: skip
        assert password_ok.strip().endswith("True")

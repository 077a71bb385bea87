"""PostgreSQL's queries are prepared once per connection unless DB_PREPARED_STATEMENTS says no
(mims_portal/settings.py, docs/operations.md), and the running suite on PostgreSQL uses them."""

from __future__ import annotations

import pytest
from django.db import connection

from mims_portal.settings import database_from_url

URL = "postgres://mims@db.example:5432/mims"


def test_a_postgresql_url_prepares_queries_by_default(monkeypatch):
    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    options = database_from_url(URL)["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 2


def test_they_can_be_turned_off_for_a_transaction_mode_pooler(monkeypatch):
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "false")
    options = database_from_url(URL)["OPTIONS"]
    assert options["server_side_binding"] is False and options["prepare_threshold"] is None


def test_sqlite_has_no_such_option(monkeypatch):
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "true")
    assert "server_side_binding" not in database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's (psycopg)")
def test_the_connection_prepares_a_query_run_twice():
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT count(*) FROM accounts_school WHERE code = %s", ["NPS"])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%FROM accounts_school WHERE code%"])  # fmt: skip
        assert cursor.fetchone()[0] == 1

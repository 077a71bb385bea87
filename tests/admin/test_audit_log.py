"""The audit log in admin: read-only for everyone, filterable, exportable."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent, User

CHANGELIST = "admin:accounts_auditevent_changelist"
EXPORT = "admin:accounts_auditevent_export"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.django_db
class TestAdminRefusesChanges:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, moe_it, own_event):
        self.client, self.event = client, own_event
        client.force_login(moe_it)

    def test_it_offers_no_add_or_delete_even_to_moe_it(self):
        response = self.client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        assert "delete_selected" not in response.content.decode()
        assert self.client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
        assert self.client.post(reverse("admin:accounts_auditevent_delete", args=[self.event.pk]), {"post": "yes"}
                                ).status_code == 403  # fmt: skip
        assert AuditEvent.objects.filter(pk=self.event.pk).exists()

    def test_it_shows_an_event_read_only_and_refuses_a_post(self):
        assert self.client.get(reverse("admin:accounts_auditevent_change", args=[self.event.pk])).status_code == 200
        response = self.client.post(
            reverse("admin:accounts_auditevent_change", args=[self.event.pk]), {"action": "rewritten"}
        )
        assert response.status_code == 403
        self.event.refresh_from_db()
        assert self.event.action == "login"

    def test_it_refuses_a_delete_action_post(self):
        response = self.client.post(
            reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [self.event.pk], "post": "yes"}
        )
        assert AuditEvent.objects.filter(pk=self.event.pk).exists()
        assert response.status_code in (200, 302)


@pytest.mark.django_db
class TestModelRefusesChanges:
    def test_it_refuses_save_delete_update(self, own_event):
        own_event.action = "rewritten"
        with pytest.raises(PermissionDenied):
            own_event.save()
        with pytest.raises(PermissionDenied):
            own_event.delete()
        with pytest.raises(PermissionDenied):
            AuditEvent.objects.filter(pk=own_event.pk).update(action="rewritten")
        with pytest.raises(PermissionDenied):
            AuditEvent.objects.filter(pk=own_event.pk).delete()
        assert AuditEvent.objects.get(pk=own_event.pk).action == "login"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.django_db
class TestDatabaseRefusesChanges:
    def test_it_refuses_a_raw_update_and_delete(self, own_event):
        table = AuditEvent._meta.db_table
        for sql in (f"UPDATE {table} SET action = 'rewritten' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql, [own_event.pk])
        assert AuditEvent.objects.get(pk=own_event.pk).action == "login"

    def test_it_refuses_pointing_an_event_at_another_actor(self, own_event, moe_it):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(f"UPDATE {AuditEvent._meta.db_table} SET actor_id = %s WHERE id = %s", [moe_it.pk, own_event.pk])

    def test_it_still_lets_an_account_be_deleted(self, school):
        user = User.objects.create_user("leaver")
        event = audit.record(None, "login", actor=user, target="leaver", school=school)
        user.delete()  # on_delete=SET_NULL updates actor_id only
        event = AuditEvent.objects.get(pk=event.pk)
        assert event.actor_id is None and event.actor_label == "leaver"


@pytest.mark.django_db
class TestFiltersAndExport:
    @pytest.fixture(autouse=True)
    def _events(self, client, school_ict_admin, school, other, own_event):
        self.client, self.school = client, school
        client.force_login(school_ict_admin.user)
        self.formula = audit.record(None, "password.reset", target="=HYPERLINK(\"http://x\")", school=school,
                                    channel="sspr")  # fmt: skip

    def test_it_lists_own_school_events_only(self):
        body = self.client.get(reverse(CHANGELIST)).content.decode()
        assert "own-event" in body and "Zebrafinch" not in body

    def test_it_filters_by_action_actor_outcome_and_date(self):
        body = self.client.get(reverse(CHANGELIST), {"action": "password."}).content.decode()
        assert "HYPERLINK" in body and "own-event" not in body
        body = self.client.get(reverse(CHANGELIST), {"outcome__exact": "failure"}).content.decode()
        assert "own-event" in body and "HYPERLINK" not in body
        body = self.client.get(reverse(CHANGELIST), {"actor": "nobody_here"}).content.decode()
        assert "own-event" not in body
        today = datetime.now().date().isoformat()
        body = self.client.get(reverse(CHANGELIST), {"created_from": today, "created_to": today}).content.decode()
        assert "own-event" in body
        body = self.client.get(reverse(CHANGELIST), {"created_to": "2001-01-01"}).content.decode()
        assert "own-event" not in body

    def test_it_explains_a_date_it_cannot_read(self):
        response = self.client.get(reverse(CHANGELIST), {"created_from": "31/31/2026"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "is not a date like 2026-01-31" in body and "own-event" in body

    def test_it_exports_own_school_formula_safe_and_audited(self):
        response = self.client.get(reverse(EXPORT))
        assert response["Content-Type"].startswith("text/csv")
        rows = _csv(response)
        targets = [row[4] for row in rows[1:]]
        assert "own-event" in targets
        assert "'=HYPERLINK(\"http://x\")" in targets
        assert not any("Zebrafinch" in t for t in targets)
        assert AuditEvent.objects.filter(action="audit.exported", school=self.school).exists()

    def test_it_exports_the_current_filter(self):
        rows = _csv(self.client.get(reverse(EXPORT), {"outcome__exact": "failure"}))
        assert [row[4] for row in rows[1:]] == ["own-event"]

    def test_it_exports_selected_events_by_action(self, other):
        response = self.client.post(
            reverse(CHANGELIST),
            {"action": "export_csv", "_selected_action": [self.formula.pk, other["event"].pk], "index": 0},
        )
        rows = _csv(response)
        assert [row[1] for row in rows[1:]] == ["password.reset"]

"""Cards, slips and the yearly work reached from admin run as background batches."""

import pytest

from batches.models import Batch
from tests import factories


@pytest.fixture
def admin_client(client, school_ict_admin):
    client.force_login(school_ict_admin.user)
    return client


def act(client, model, action, *pks):
    return client.post(f"/admin/accounts/{model}/", {"action": action, "_selected_action": [str(pk) for pk in pks]})


@pytest.mark.django_db
class TestBatchActions:
    def test_it_makes_cards_for_a_class(self, admin_client, p2_class, p2_student, school_ict_admin):
        r = act(admin_client, "schoolclass", "issue_cards", p2_class.pk)
        assert r.status_code == 302
        batch = Batch.objects.get()
        assert (batch.kind, batch.requested_by, batch.school) == (
            Batch.Kind.CARDS, school_ict_admin.user, p2_class.school
        )

    def test_it_makes_slips_for_chosen_students(self, admin_client, student):
        act(admin_client, "student", "issue_slips", student.pk)
        assert Batch.objects.get().kind == Batch.Kind.SLIPS

    def test_it_never_reaches_another_schools_class(self, admin_client, other_school):
        theirs = factories.make_class(other_school, 2, "2 Far")
        factories.make_student(theirs)
        act(admin_client, "schoolclass", "issue_cards", theirs.pk)
        assert not Batch.objects.exists()

    def test_the_school_list_links_the_yearly_work(self, admin_client, school):
        page = admin_client.get("/admin/accounts/school/").content.decode()
        assert f"/batches/school/{school.pk}/" in page and "Year-end promotion" in page

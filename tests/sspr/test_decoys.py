"""A made-up login ID walks the same road as a real child: questions of one
family (card or own), about as often cards as children have them, steady when
the bank changes."""

import pytest
from django.test import Client

from sspr import flows
from sspr.models import ChallengeQuestion


def _dealt_family(login_id):
    client = Client()
    client.post("/sspr/", {"login_id": login_id})
    dealt = client.session["sspr_flow"]["question_ids"]
    return {q.for_cards for q in ChallengeQuestion.objects.filter(pk__in=dealt)}


@pytest.mark.django_db
class TestDecoys:
    def test_made_up_ids_get_card_questions_as_often_as_children_do(self):
        families = [_dealt_family(f"made_up_{i}") for i in range(60)]
        assert all(len(f) == 1 for f in families)  # never a mix, like a real child
        cards = sum(f == {True} for f in families)
        assert 10 <= cards <= 40  # about two in five

    def test_a_bank_edit_moves_few_made_up_ids(self):
        before = [flows._decoy_question_ids(f"made_up_{i}") for i in range(60)]
        ChallengeQuestion.objects.create(text="What is the name of your first bicycle?", order=50)
        after = [flows._decoy_question_ids(f"made_up_{i}") for i in range(60)]
        moved = sum(a != b for a, b in zip(before, after, strict=True))
        assert moved < 30

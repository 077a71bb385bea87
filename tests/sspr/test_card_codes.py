"""Cards are one-time recovery codes (issue 18): spent words are refused, a card
lasts several resets, and the form teacher sees whose card is running low."""

import pytest
from django.test import Client

from batches.hashing import HashPool
from sspr import cards
from sspr.models import ChallengeAnswer


@pytest.fixture
def card(p2_student, form_teacher):
    prepared = cards.prepare([p2_student], HashPool(1).hash_many)
    cards.store(prepared, actor=form_teacher.user, batch_id=1, reissue=False)
    (printed,) = prepared.cards
    texts = {q: w for q, w in zip(printed.questions, printed.answers, strict=True)}
    return {a.question_id: texts[a.question.text] for a in ChallengeAnswer.objects.filter(user=p2_student.user)}


def reset(p2_student, words, password):
    c = Client()
    c.post("/sspr/", {"login_id": p2_student.user.username})
    dealt = c.session["sspr_flow"]["question_ids"]
    r = c.post("/sspr/questions/", {f"answer_{i}": words.get(q, "nope") for i, q in enumerate(dealt, 1)})
    if r.status_code != 302:
        return dealt, False
    c.post("/sspr/password/", {"new_password1": password, "new_password2": password})
    return dealt, True


@pytest.mark.django_db
class TestCardWordsAreOneTime:
    def test_a_six_word_card_lasts_two_resets_and_never_reuses_a_word(self, p2_student, card):
        used = []
        for n in range(2):
            dealt, ok = reset(p2_student, card, f"kite river lamp {n}")
            assert ok
            assert not set(dealt) & set(used)  # never a spent word again
            used += dealt
        assert ChallengeAnswer.objects.filter(user=p2_student.user, spent_at__isnull=False).count() == 4
        # Two words left: not set up any more, so the card no longer resets the password.
        assert p2_student.user.challenge_answers.status() == "none"
        dealt, ok = reset(p2_student, card, "kite river lamp 9")
        assert not ok
        p2_student.user.refresh_from_db()
        assert p2_student.user.check_password("kite river lamp 1")

    def test_spent_words_are_refused_when_typed_again(self, p2_student, card):
        dealt, ok = reset(p2_student, card, "kite river lamp 1")
        assert ok
        spent = {q: card[q] for q in dealt}
        c = Client()
        c.post("/sspr/", {"login_id": p2_student.user.username})
        again = c.session["sspr_flow"]["question_ids"]
        assert not set(again) & set(spent)
        # The spent words, typed into the new pair's boxes, are wrong.
        r = c.post("/sspr/questions/", {f"answer_{i}": w for i, w in enumerate(spent.values(), 1)})
        assert r.status_code == 200 and b"do not match" in r.content


@pytest.mark.django_db
class TestRosterShowsLowCards:
    def test_the_class_page_shows_a_card_running_low(self, client, p2_student, card, form_teacher):
        from helpdesk.roster import class_rows

        (row,) = class_rows(p2_student.school_class)
        assert row.card_resets_left == 2 and not row.card_low
        reset(p2_student, card, "kite river lamp 1")
        (row,) = class_rows(p2_student.school_class)
        assert row.card_resets_left == 1 and row.card_low
        client.force_login(form_teacher.user)
        page = client.get(f"/teacher/class/{p2_student.school_class.pk}/").content.decode()
        assert "Card: 1 reset left" in page and "Reprint the card" in page

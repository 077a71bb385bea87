from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher

from accounts.models import AuditEvent
from batches.hashing import HashPool
from batches.runner import BatchRefused, create_batch
from sspr import cards
from sspr.answers import check_answer, needs_own_answers
from sspr.models import ChallengeAnswer, ChallengeQuestion


def _check_all(card: cards.Card, user) -> bool:
    by_text = {a.question.text: a for a in ChallengeAnswer.objects.filter(user=user).select_related("question")}
    return all(check_answer(by_text.get(q), a) for q, a in zip(card.questions, card.answers, strict=True))


class TestPrepareCards:
    def test_it_gives_each_child_three_card_questions_and_school_set_answers(self, questions, p2_children, ict_admin):
        prepared = cards.prepare(p2_children, HashPool(1).hash_many)
        cards.store(prepared, actor=ict_admin.user, batch_id=1, reissue=False)
        card_ids = set(ChallengeQuestion.objects.filter(for_cards=True).values_list("pk", flat=True))
        for card, student in zip(prepared.cards, p2_children, strict=True):
            rows = ChallengeAnswer.objects.filter(user=student.user)
            assert rows.count() == 3
            assert {r.question_id for r in rows} <= card_ids
            assert all(r.school_set for r in rows)
            assert len(set(card.answers)) == 3 and set(card.answers) <= set(cards.word_list())
            assert card.login_id == student.user.login_id
            assert card.url == f"https://mims.example.edu.sg/login/?id={student.user.username}%40students.edu.sg"
            assert _check_all(card, student.user)
            assert student.user.challenge_answers.status() == "school"
            assert not needs_own_answers(student.user)

    def test_it_never_stores_the_plain_words(self, questions, p2_children, ict_admin):
        prepared = cards.prepare(p2_children, HashPool(1).hash_many)
        cards.store(prepared, actor=ict_admin.user, batch_id=1, reissue=False)
        hashes = " ".join(ChallengeAnswer.objects.values_list("answer_hash", flat=True))
        events = str(list(AuditEvent.objects.values_list("details", flat=True)))
        for card in prepared.cards:
            for word in card.answers:
                assert f"${word}$" not in hashes and f"'{word}'" not in events

    def test_it_hashes_with_argon2_on_every_core(self, argon2, questions, p2_children, ict_admin):
        with HashPool(2) as pool:
            prepared = cards.prepare(p2_children[:2], pool.hash_many)
        cards.store(prepared, actor=ict_admin.user, batch_id=1, reissue=False)
        for row in ChallengeAnswer.objects.all():
            assert identify_hasher(row.answer_hash).algorithm == "argon2"
        assert _check_all(prepared.cards[0], p2_children[0].user)
        assert not check_answer(ChallengeAnswer.objects.filter(user=p2_children[0].user).first(), "not-the-word")

    def test_it_replaces_old_answers_when_a_card_is_reissued(self, questions, p2_children, form_teacher):
        child = p2_children[0]
        first = cards.prepare([child], HashPool(1).hash_many)
        cards.store(first, actor=form_teacher.user, batch_id=1, reissue=False)
        second = cards.prepare([child], HashPool(1).hash_many)
        cards.store(second, actor=form_teacher.user, batch_id=2, reissue=True)
        assert ChallengeAnswer.objects.filter(user=child.user).count() == 3
        assert _check_all(second.cards[0], child.user)
        old_still_work = [
            check_answer(a, w)
            for a in ChallengeAnswer.objects.filter(user=child.user)
            for w in first.cards[0].answers
            if w not in second.cards[0].answers
        ]
        assert not any(old_still_work)
        event = AuditEvent.objects.get(action="answers.card_reissued")
        assert event.actor == form_teacher.user and event.target == child.user.login_id

    def test_it_refuses_without_three_card_questions(self, p2_children, ict_admin, school):
        ChallengeQuestion.objects.filter(for_cards=True).update(is_active=False)
        ChallengeQuestion.objects.create(text="Only one?", for_cards=True)
        with pytest.raises(BatchRefused, match="not enough card questions"):
            create_batch(kind="cards", requested_by=ict_admin.user, school=school, students=p2_children)

    def test_it_refuses_children_above_primary_3(self, questions, student, ict_admin, school):
        with pytest.raises(BatchRefused, match="no Primary 2 or Primary 3"):
            create_batch(kind="cards", requested_by=ict_admin.user, school=school, students=[student])

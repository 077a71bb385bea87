"""Challenge answers: normalising, hashing and checking.

Answers are hashed with the password hasher (Argon2) and compared by
``check_password``, which is constant-time. Plain answers are never stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from accounts.models import User

from .models import AnswerStatus, ChallengeAnswer, ChallengeQuestion

ANSWERS_ASKED = 2
ANSWER_MIN, ANSWER_MAX = 3, 40
# The level rule, here only: Primary 4–6 set up answers of their own; Primary 2–3
# get cards (and choose their own only where the school allows it).
OWN_ANSWER_LEVELS = (4, 5, 6)
CARD_LEVELS = (2, 3)
# Hashing this makes a check against a missing answer cost the same time.
_DUMMY_HASH_INPUT = "not-an-answer"


def normalise_answer(text: str) -> str:
    """NFKC, case-folded, trimmed, inner spaces collapsed: "Tiger " == "tiger"."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def hash_answer(text: str) -> str:
    """The stored form of an answer: normalised, then hashed like a password."""
    return make_password(normalise_answer(text))


def set_answers(user: User, pairs: Iterable[tuple[ChallengeQuestion, str]], *, school_set: bool) -> None:
    """Replace the user's answers with these (question, plain answer) pairs."""
    set_hashed_answers(user, [(q, hash_answer(a)) for q, a in pairs], school_set=school_set)


def set_hashed_answers(user: User, pairs: Iterable[tuple[ChallengeQuestion, str]], *, school_set: bool) -> None:
    """Replace the user's answers with these (question, ``hash_answer`` hash) pairs, all at once.

    The step-by-step set-up keeps only hashes between its steps and saves them here.
    """
    rows = [ChallengeAnswer(user=user, question=q, answer_hash=h, school_set=school_set) for q, h in pairs]
    with transaction.atomic():
        # Lock the user first: two set-ups submitted at once take turns
        # instead of colliding on the one-answer-per-question rule.
        User.objects.select_for_update().filter(pk=user.pk).exists()
        ChallengeAnswer.objects.filter(user=user).delete()
        ChallengeAnswer.objects.bulk_create(rows)
    _forget_status(user)


def is_same_answer(typed: str, answer_hash: str) -> bool:
    """Does ``typed`` match this ``hash_answer`` hash (constant time)?"""
    return check_password(normalise_answer(typed), answer_hash)


def clear_answers(user: User) -> int:
    _forget_status(user)
    return ChallengeAnswer.objects.filter(user=user).delete()[0]


_STATUS_MEMO = "_mims_answer_status"


def answer_status(user: User) -> AnswerStatus:
    """``user.challenge_answers.status()``, asked once per user object.

    A signed-in page asks twice (``RequiredSetupMiddleware``, then the page), on the one
    ``request.user`` of that request; the memo lives and dies with that object, and
    :func:`set_answers` and :func:`clear_answers` drop it.
    """
    if (status := getattr(user, _STATUS_MEMO, None)) is None:
        status = user.challenge_answers.status()
        setattr(user, _STATUS_MEMO, status)
    return status


def _forget_status(user: User) -> None:
    user.__dict__.pop(_STATUS_MEMO, None)


def check_answer(answer: ChallengeAnswer | None, typed: str) -> bool:
    """True if ``typed`` matches; with ``answer=None`` hash anyway and say no."""
    if answer is None:
        make_password(_DUMMY_HASH_INPUT)
        return False
    normalised = normalise_answer(typed)

    def upgrade(plain: str) -> None:
        # Like a password on sign-in: an answer hashed with older parameters is re-hashed once it matches.
        answer.answer_hash = make_password(plain)
        answer.save(update_fields=["answer_hash"])

    return check_password(normalised, answer.answer_hash, setter=upgrade)


def needs_own_answers(user: User) -> bool:
    """A Primary 4–6 student without usable answers of their own must set them up.

    This includes a child whose answers stopped working because IT switched a
    question off: they are asked again at their next sign-in.
    """
    student = getattr(user, "student", None) if user.is_authenticated else None
    if student is None or student.school_class is None or student.school_class.level not in OWN_ANSWER_LEVELS:
        return False
    return answer_status(user) != AnswerStatus.OWN


def is_card_child(user: User) -> bool:
    """A Primary 2–3 child: their answers come on a card from the teacher."""
    student = getattr(user, "student", None) if user.is_authenticated else None
    return student is not None and student.level in CARD_LEVELS


def may_set_own_answers(user: User) -> bool:
    """May this student pick questions and answers of their own (the set-up page)?

    Every student may, except a Primary 2–3 child (a card child) whose school has
    not allowed it (``School.card_children_choose_answers``, off by default): a
    card child whose answers a teacher cleared waits for a new card.
    """
    student = getattr(user, "student", None) if user.is_authenticated else None
    if student is None:
        return False
    return not is_card_child(user) or student.school.card_children_choose_answers

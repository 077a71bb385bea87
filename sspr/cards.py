"""Challenge cards for Primary 2–3: school-set answers printed on a card.

Each child gets three card questions with answers drawn by ``secrets`` from
the shipped word list (``sspr/wordlist.txt``). The answers are hashed like any
other (Argon2) and marked school-set; their plain text lives only in the card
data handed to the printable PDF (see ``batches.runner``).

Strength: a reset asks two of the card's questions, and the two answers are
different words from the list, so a guess has ``1 / (n × (n − 1))`` chance:
over 20 bits with n ≥ 1,024 words (the list has more; a test checks it).

One-time codes: a card carries a word for each card question (six with the
shipped bank, at most CARD_WORDS); two are used per reset and then spent
(refused ever after). A child is set up while three unspent words are left,
so a six-word card lasts two resets; the form teacher's class page shows
whose card is running low, to reprint from the cards page.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import audit, notices
from accounts.models import Student, User
from accounts.site import site_url

from .answers import ANSWERS_ASKED, CARD_LEVELS, normalise_answer
from .models import ANSWERS_NEEDED, ChallengeAnswer, ChallengeQuestion

CARD_WORDS = 8  # at most: as many as there are active card questions (six shipped)
WORDLIST_PATH = Path(__file__).with_name("wordlist.txt")
_random = secrets.SystemRandom()


class CardsUnavailable(Exception):
    """A clear reason why cards cannot be made; the message is shown as is."""


@cache
def word_list() -> tuple[str, ...]:
    words = tuple(w.strip() for w in WORDLIST_PATH.read_text(encoding="ascii").splitlines() if w.strip())
    return tuple(dict.fromkeys(words))


def card_questions() -> list[ChallengeQuestion]:
    questions = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=True))
    if len(questions) < ANSWERS_NEEDED:
        raise CardsUnavailable(
            _("There are not enough card questions yet. Ask MOE IT to mark at least three questions for cards.")
        )
    return questions


def eligible_students(students: QuerySet[Student]) -> QuerySet[Student]:
    """Active Primary 2–3 children: the only ones who get cards."""
    return students.filter(school_class__level__in=CARD_LEVELS, user__is_active=True)


def login_url(login_id: str) -> str:
    """The address in the QR code: the sign-in page with the login ID filled in."""
    from urllib.parse import urlencode

    return site_url(f"/login/?{urlencode({'id': login_id})}")


def printed_ref(student: Student) -> str:
    """The last four characters of the school's reference, for the teacher to
    tell two children of the same name apart on cards and slips. Only the end
    is printed: a card goes home and may be lost (docs/privacy.md)."""
    return student.student_ref[-4:]


@dataclass
class Card:
    school: str
    school_class: str
    name: str
    login_id: str
    questions: list[str]
    answers: list[str]
    url: str
    ref: str = ""  # the end of the student reference: tells same-name children apart

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        return cls(**data)


@dataclass
class PreparedCards:
    """New answers for one unit, hashed but not yet stored."""

    cards: list[Card]
    rows: list[ChallengeAnswer]
    users: list[User]

    def printable(self) -> list[dict[str, Any]]:
        return [asdict(card) for card in self.cards]


def draw_card(questions: list[ChallengeQuestion]) -> tuple[list[ChallengeQuestion], list[str]]:
    """Up to CARD_WORDS different questions, in the bank's order, and as many different words."""
    k = min(CARD_WORDS, len(questions))
    chosen = _random.sample(questions, k)
    chosen.sort(key=lambda q: (q.order, q.pk))
    return chosen, _random.sample(word_list(), k)


def resets_left(unspent: int) -> int:
    """How many more resets a card's unspent words allow: each spends two, and a
    reset needs three unspent to deal from (the one "set up" rule)."""

    return max(0, (unspent - ANSWERS_NEEDED + ANSWERS_ASKED) // ANSWERS_ASKED)


def prepare(students: list[Student], hash_many: Any) -> PreparedCards:
    """Draw and hash new answers for these children (no database writes)."""
    questions = card_questions()
    drawn = [draw_card(questions) for _student in students]
    hashes = hash_many([normalise_answer(word) for _qs, words in drawn for word in words])
    cards, rows = [], []
    offset = 0
    for student, (qs, words) in zip(students, drawn, strict=True):
        cards.append(
            Card(
                school=student.school.name,
                school_class=student.school_class.name if student.school_class else "",
                name=student.full_name,
                login_id=student.user.login_id,
                # The bank's texts are marked for translation (sspr/questions.py);
                # the runner prints in the requester's language.
                questions=[gettext(q.text) for q in qs],
                answers=words,
                url=login_url(student.user.login_id),
                ref=printed_ref(student),
            )
        )
        rows += [
            ChallengeAnswer(user=student.user, question=q, answer_hash=h, school_set=True)
            for q, h in zip(qs, hashes[offset : offset + len(qs)], strict=True)
        ]
        offset += len(qs)
    return PreparedCards(cards=cards, rows=rows, users=[s.user for s in students])


def store(prepared: PreparedCards, *, actor: User, batch_id: int, reissue: bool) -> None:
    """Replace the children's answers with the new ones (inside the caller's
    transaction); the old answers stop working at once."""
    ChallengeAnswer.objects.filter(user__in=prepared.users).delete()
    ChallengeAnswer.objects.bulk_create(prepared.rows)
    action = "answers.card_reissued" if reissue else "answers.card_issued"
    for user in prepared.users:
        audit.record(None, action, actor=actor, target=user.login_id, school=user.student.school_id, batch=batch_id)
        notices.answers_changed(user, how="card")

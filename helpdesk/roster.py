"""What a form teacher sees about a class: a handful of queries for the whole
class, never one per child, and never an answer or a password."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet

from accounts.lockouts import SignInLock, signin_locks
from accounts.models import SchoolClass, Student
from sspr.answers import OWN_ANSWER_LEVELS
from sspr.cards import CARD_LEVELS, resets_left
from sspr.models import AnswerStatus, ChallengeAnswer, ResetLock


@dataclass
class Row:
    student: Student
    login_id: str
    answers: AnswerStatus | None  # None: not asked (student_rows(answers=False))
    signin_locked: bool
    reset_locked: bool
    last_login: datetime | None
    open_requests: int
    card_resets_left: int | None = None  # a card's unspent words, in resets; None without a card
    signin_until: datetime | None = None  # when the sign-in lock ends
    reset_until: datetime | None = None  # when the self-service lock ends; None: only a teacher lifts it

    @property
    def card_low(self) -> bool:
        """One reset or none left on the card: time to reprint it."""
        return self.card_resets_left is not None and self.card_resets_left <= 1

    @property
    def locked(self) -> bool:
        return self.signin_locked or self.reset_locked

    @property
    def next_step(self) -> str | None:
        """For a child who is not set up: "card" (Primary 2–3 need a new card)
        or "setup" (Primary 4–6 are asked at their next sign-in)."""
        if self.answers != AnswerStatus.NONE:
            return None
        if self.student.level in CARD_LEVELS:
            return "card"
        return "setup" if self.student.level in OWN_ANSWER_LEVELS else None


def student_rows(
    students: list[Student],
    *,
    answers: bool = True,
    cards: bool = True,
    requests: bool = True,
    signin: dict[str, SignInLock] | None = None,
) -> list[Row]:
    """A row for each child: their locks always; their answers' status, card and
    open requests unless the page shows none of them (``answers``, ``cards``,
    ``requests`` false: that query is not sent; the field is None, None and 0).
    ``signin``: the sign-in locks, when the caller has read them already."""
    if not students:  # the teacher home's locked list, most days: five queries for nothing
        return []
    user_ids = [s.user_id for s in students]
    usernames = [s.user.username for s in students]
    statuses = ChallengeAnswer.objects.filter(user_id__in=user_ids).status_by_user() if answers else {}
    # A card's unspent words (one-time codes), for "running low"; no row: no card.
    card_words = (
        dict(
            ChallengeAnswer.objects.filter(user_id__in=user_ids, school_set=True)
            .order_by()
            .values("user_id")
            .annotate(unspent=Count("pk", filter=Q(spent_at__isnull=True, question__is_active=True)))
            .values_list("user_id", "unspent")
        )
        if cards
        else {}
    )
    if signin is None:
        signin = signin_locks(usernames)
    reset_locks = _reset_locks(ResetLock.objects.filter(user_id__in=user_ids))
    from .models import ResetRequest

    open_requests = (
        Counter(ResetRequest.objects.open().filter(student__in=students).values_list("student_id", flat=True))
        if requests
        else Counter()
    )
    rows = []
    for s in students:
        lock = signin.get(s.user.username)
        rows.append(
            Row(
                student=s,
                login_id=s.user.login_id,
                answers=statuses.get(s.user_id, AnswerStatus.NONE) if answers else None,
                signin_locked=lock is not None,
                reset_locked=s.user_id in reset_locks,
                signin_until=lock.until if lock is not None else None,
                reset_until=reset_locks.get(s.user_id),
                last_login=s.user.last_login,
                open_requests=open_requests[s.pk],
                card_resets_left=resets_left(card_words[s.user_id]) if s.user_id in card_words else None,
            )
        )
    return rows


def _reset_locks(locks: QuerySet) -> dict[int, datetime | None]:
    """User id → when their self-service lock ends (None: only a teacher can lift it).
    A child may have several lock rows (their ID typed in different ways)."""
    ends: dict[int, datetime | None] = {}
    rows = (
        locks.locked()
        .order_by()
        .values("user_id")
        .annotate(until=Max("locked_until"), teacher=Count("pk", filter=Q(needs_teacher=True)))
    )
    for row in rows.values_list("user_id", "until", "teacher"):
        user_id, until, needs_teacher = row
        ends[user_id] = None if needs_teacher else until
    return ends


def locked_rows(students: QuerySet) -> list[Row]:
    """The children of ``students`` (a scoped queryset: a class, a teacher's
    classes, a school) locked out of sign-in or self-service reset now, with
    when each lock ends; the locks are read first, so a whole school costs a few
    queries, not one per child."""
    signin = signin_locks(students.values_list("user__username", flat=True))
    reset_ids = list(
        ResetLock.objects.locked()
        .filter(user__student__in=students)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not signin and not reset_ids:  # most days: no third query
        return []
    locked = (
        students.filter(Q(user__username__in=list(signin)) | Q(user_id__in=reset_ids))
        .select_related("user", "school_class")
        .order_by("school_class__name", "full_name")
    )
    # The list shows the locks only: neither answers, cards nor requests are asked.
    return student_rows(list(locked[:200]), answers=False, cards=False, requests=False, signin=signin)


def class_rows(school_class: SchoolClass) -> list[Row]:
    # The children still at school: one who left is outside every teacher's scope.
    students = list(
        Student.objects.current()
        .filter(school_class=school_class)
        .select_related("user", "school_class")
        .order_by("full_name")
    )
    return student_rows(students)


@dataclass
class Bar:
    label: str
    count: int
    width: int  # pixels of at most 200: the whole class
    y: int
    css: str

    @property
    def text_x(self) -> int:
        return 156 + self.width

    @property
    def text_y(self) -> int:
        return self.y + 18


def summary(rows: list[Row]) -> dict:
    counts = Counter(r.answers for r in rows)
    locked = sum(1 for r in rows if r.locked)
    total = len(rows)
    return {"own": counts["own"], "school": counts["school"], "none": counts["none"], "locked": locked, "total": total}


def chart_bars(data: dict, labels: dict[str, str]) -> list[Bar]:
    """Bars for a small SVG drawn in the template, the class being 200 pixels wide."""
    total = data["total"] or 1
    bars = []
    for i, key in enumerate(("own", "school", "none", "locked")):
        bars.append(Bar(labels[key], data[key], round(200 * data[key] / total), 8 + i * 36, key))
    return bars

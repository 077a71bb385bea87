"""What a form teacher sees about a class: a handful of queries for the whole
class, never one per child, and never an answer or a password."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.lockouts import locked_usernames
from accounts.models import SchoolClass, Student
from sspr.answers import OWN_ANSWER_LEVELS
from sspr.cards import CARD_LEVELS
from sspr.models import AnswerStatus, ChallengeAnswer, ResetLock


@dataclass
class Row:
    student: Student
    login_id: str
    answers: AnswerStatus
    signin_locked: bool
    reset_locked: bool
    last_login: datetime | None
    open_requests: int

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


def student_rows(students: list[Student]) -> list[Row]:
    user_ids = [s.user_id for s in students]
    usernames = [s.user.username for s in students]
    answers = ChallengeAnswer.objects.filter(user_id__in=user_ids).status_by_user()
    signin_locked = locked_usernames(usernames)
    # ResetLock keys are typed login IDs normalised to the username.
    reset_locked = set(
        ResetLock.objects.filter(login_key__in=usernames, locked_until__gt=timezone.now()).values_list(
            "login_key", flat=True
        )
    )
    from .models import ResetRequest

    open_requests = Counter(
        ResetRequest.objects.open().filter(student__in=students).values_list("student_id", flat=True)
    )
    rows = []
    for s in students:
        rows.append(
            Row(
                student=s,
                login_id=s.user.login_id,
                answers=answers.get(s.user_id, AnswerStatus.NONE),
                signin_locked=s.user.username in signin_locked,
                reset_locked=s.user.username in reset_locked,
                last_login=s.user.last_login,
                open_requests=open_requests[s.pk],
            )
        )
    return rows


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
    return {"own": counts["own"], "school": counts["school"], "none": counts["none"], "locked": locked,
            "total": total}


def chart_bars(data: dict, labels: dict[str, str]) -> list[Bar]:
    """Bars for a small SVG drawn in the template, the class being 200 pixels wide."""
    total = data["total"] or 1
    bars = []
    for i, key in enumerate(("own", "school", "none", "locked")):
        bars.append(Bar(labels[key], data[key], round(200 * data[key] / total), 8 + i * 36, key))
    return bars

"""Self-service password reset: login ID → two challenge questions → new password.

The flow's state lives in the server-side session under one key, expires after
MIMS_SSPR_FLOW_SECONDS and is consumed on success, so a step cannot be skipped
by posting to it and a finished flow cannot be replayed.

A login ID that does not exist (or has no answers) walks the very same path:
three plausible questions derived from a server secret and the typed ID stand
in for the real ones, two of them are dealt and kept exactly as for a real
child, the answers are "checked" against a dummy hash, and the same growing
locks fall after the same number of tries.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit, lockouts, notices, sessions
from accounts.models import AuditEvent, User
from accounts.signals import revoke_sign_ins
from accounts.tasks import sspr_locked_notice

from . import locks
from .answers import ANSWERS_ASKED, check_answer
from .models import ANSWERS_NEEDED, AnswerStatus, ChallengeAnswer, ChallengeQuestion, ResetLock

SESSION_KEY = "sspr_flow"
# After a reset: the login ID the sign-in page fills in for the child.
PREFILL_KEY = "signin_login_id"


@dataclass
class Flow:
    login_key: str
    question_ids: list[int]
    started: float
    verified: bool = False
    after_failures: bool = False

    @property
    def expired(self) -> bool:
        return time.time() - self.started > settings.MIMS_SSPR_FLOW_SECONDS


def current(session: SessionBase) -> Flow | None:
    data = session.get(SESSION_KEY)
    if not data:
        return None
    flow = Flow(**data)
    if flow.expired:
        end(session)
        return None
    return flow


def _save(session: SessionBase, flow: Flow) -> None:
    session[SESSION_KEY] = flow.__dict__


def end(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def _reset_user(login_key: str) -> User | None:
    """The student who may reset with answers, or None (unknown, staff, not set up).

    Only usable answers count (``ChallengeAnswer.objects.usable``): a question
    IT has switched off is never asked, for a real child or a made-up ID alike.
    """
    user = User.objects.filter(username=login_key, is_active=True, student__isnull=False).first()
    # Usable: switched-on questions, card words not yet spent (a card needs two left).
    if user is None or user.challenge_answers.status() == AnswerStatus.NONE:
        return None
    return user


# About two in five children (Primary 2–3 of Primary 2–6) reset with a card, so
# about two in five made-up IDs are dealt card questions too.
DECOY_CARD_SHARE = 2 / 5


def _decoy_question_ids(login_key: str) -> list[int]:
    """Three questions that stay the same for this typed ID, from a server secret.

    The family (card or own questions) and the three questions are picked by
    HMAC, each question by its own score, so adding or removing a question in
    the bank moves few made-up IDs' questions, as it moves no real child's.
    """

    def score(label: str) -> bytes:
        message = f"sspr-decoy:{login_key}:{label}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()

    for_cards = score("family")[0] < 256 * DECOY_CARD_SHARE
    bank = ChallengeQuestion.objects.filter(is_active=True, for_cards=for_cards).values_list("id", flat=True)
    if len(bank) < ANSWERS_NEEDED:  # a bank too small for cards: fall back to all active questions
        bank = ChallengeQuestion.objects.filter(is_active=True).values_list("id", flat=True)
    return sorted(bank, key=lambda qid: score(str(qid)))[:ANSWERS_NEEDED]


def start(request: HttpRequest, login_key: str) -> Flow:
    """Begin an attempt with the two questions dealt to this ID.

    The pair stays the same across starts (``locks.dealt_pair``), and an attempt
    started before and never answered counts as a wrong one: restarting is
    neither a new draw nor free. Real and made-up IDs are treated alike.
    """
    user = _reset_user(login_key)
    if user is not None:
        pool = list(user.challenge_answers.usable().values_list("question_id", flat=True))
    else:
        pool = _decoy_question_ids(login_key)
    target = audit.typed_id(login_key)
    school = user.student.school_id if user is not None else None
    just_locked = abandoned = False
    with transaction.atomic():
        lock = locks.lock_row(login_key)
        dealt = locks.dealt_pair(lock, pool, ANSWERS_ASKED)
        if not lock.is_locked:
            abandoned = lock.pending
            if abandoned:
                just_locked = locks.count_failure(lock)
            lock.pending = not lock.is_locked
        lock.save()
    flow = Flow(login_key=login_key, question_ids=dealt, started=time.time())
    _save(request.session, flow)
    audit.record(request, "sspr.start", target=target, school=school)
    if abandoned:
        audit.record(request, "sspr.abandoned", target=target, school=school, outcome=AuditEvent.Outcome.FAILURE)
    if just_locked:
        _locked(request, login_key, target, school, lock)
    return flow


def _locked(request: HttpRequest, login_key: str, target: str, school: int | None, lock: ResetLock) -> None:
    audit.record(
        request, "sspr.locked", target=target, school=school, outcome=AuditEvent.Outcome.REFUSED,
        lock_count=lock.lock_count, needs_teacher=lock.needs_teacher,
    )  # fmt: skip
    # Queued for a made-up ID too (the task finds nobody to tell): the step
    # that locks takes the same time, and never waits for the mail server.
    sspr_locked_notice.enqueue(login_key, locks.lock_minutes(lock.lock_count))


def questions(flow: Flow) -> list[ChallengeQuestion]:
    by_id = ChallengeQuestion.objects.in_bulk(flow.question_ids)
    return [by_id[i] for i in flow.question_ids if i in by_id]


class Outcome(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"


def verify(request: HttpRequest, flow: Flow, typed: list[str]) -> Outcome:
    """Check the typed answers against the lock for this login ID.

    The attempt holds the ID's lock row from the check of the lock to the count
    of the failure, so parallel attempts cannot all slip in under the limit.
    It always runs one hash check per question asked, real or not, so the time
    taken does not tell a real login ID from a made-up one.
    """
    user = _reset_user(flow.login_key)
    school = user.student.school_id if user is not None else None
    target = audit.typed_id(flow.login_key)
    with transaction.atomic():
        lock = locks.lock_row(flow.login_key)
        if lock.is_locked:
            return Outcome.LOCKED
        stored = {}
        if user is not None:
            asked = user.challenge_answers.usable().filter(question_id__in=flow.question_ids)
            stored = {a.question_id: a for a in asked}
        # A question deleted mid-flow leaves fewer boxes than questions: a failure, not a crash.
        pairs = zip(flow.question_ids, typed, strict=False)
        results = [check_answer(stored.get(qid), answer) for qid, answer in pairs]
        ok = user is not None and len(results) == ANSWERS_ASKED == len(typed) and all(results)
        lock.pending = False
        if ok:
            after_failures = lock.failures > 0 or lock.lock_count > 0
            locks.clear_failures(lock)
        else:
            just_locked = locks.count_failure(lock)
    if ok:
        flow.verified, flow.after_failures = True, after_failures
        _save(request.session, flow)
        audit.record(request, "sspr.answers", target=target, school=school)
        return Outcome.VERIFIED
    audit.record(request, "sspr.answers", target=target, school=school, outcome=AuditEvent.Outcome.FAILURE)
    if not just_locked:
        return Outcome.WRONG
    _locked(request, flow.login_key, target, school, lock)
    return Outcome.LOCKED


def verified_user(flow: Flow | None) -> User | None:
    if flow is None or not flow.verified:
        return None
    return _reset_user(flow.login_key)


def finish(request: HttpRequest, user: AbstractBaseUser) -> None:
    """The new password is saved: consume the flow, lift the locks, tell the child
    (and the form teachers, if wrong answers came before)."""
    flow = current(request.session)
    end(request.session)
    if flow is not None:
        # Card words are one-time codes: the two used in this reset are spent.
        ChallengeAnswer.objects.filter(user=user, question_id__in=flow.question_ids, school_set=True).update(
            spent_at=timezone.now()
        )
    locks.unlock_reset(user.username)
    lockouts.unlock_signin(user.username)
    sessions.end_sessions(user)  # wherever else the account was open, it is closed now
    audit.record(request, "password.reset", target=user.login_id, school=user.student.school_id, channel="sspr")
    revoke_sign_ins(user, "password_reset", request=request)
    notices.password_changed(user, how="reset")
    if flow is not None and flow.after_failures:
        notices.sspr_reset_after_failures(user)

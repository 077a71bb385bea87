"""Self-service password reset: login ID → two challenge questions → new password.

The flow's state lives in the server-side session under one key, expires after
MIMS_SSPR_FLOW_SECONDS and is consumed on success, so a step cannot be skipped
by posting to it and a finished flow cannot be replayed.

A login ID that does not exist (or has no answers) walks the very same path:
three plausible questions derived from a server secret and the typed ID stand
in for the real ones, two of them are dealt per attempt exactly as for a real
child, the answers are "checked" against a dummy hash, and the same lock falls
after the same number of tries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from accounts import audit, lockouts, notices
from accounts.models import AuditEvent, User

from . import locks
from .answers import ANSWERS_ASKED, ANSWERS_NEEDED, check_answer
from .models import ChallengeAnswer, ChallengeQuestion

SESSION_KEY = "sspr_flow"


@dataclass
class Flow:
    login_key: str
    question_ids: list[int]
    started: float
    verified: bool = False

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
    """The student who may reset with answers, or None (unknown, staff, no answers)."""
    user = User.objects.filter(username=login_key, is_active=True, student__isnull=False).first()
    if user is None or ChallengeAnswer.objects.filter(user=user).count() < ANSWERS_NEEDED:
        return None
    return user


def _decoy_question_ids(login_key: str) -> list[int]:
    """Three questions that stay the same for this typed ID, from a server secret."""
    bank = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False).values_list("id", flat=True))
    digest = hmac.new(settings.SECRET_KEY.encode(), f"sspr-decoy:{login_key}".encode(), hashlib.sha256).digest()
    chosen: list[int] = []
    for byte in digest:
        candidate = bank[byte % len(bank)] if bank else None
        if candidate is not None and candidate not in chosen:
            chosen.append(candidate)
        if len(chosen) == ANSWERS_NEEDED:
            break
    return chosen


def start(request: HttpRequest, login_key: str) -> Flow:
    """Begin an attempt: deal two of the ID's three questions, at random."""
    user = _reset_user(login_key)
    if user is not None:
        pool = list(ChallengeAnswer.objects.filter(user=user).values_list("question_id", flat=True))
    else:
        pool = _decoy_question_ids(login_key)
    dealt = secrets.SystemRandom().sample(pool, k=min(ANSWERS_ASKED, len(pool)))
    flow = Flow(login_key=login_key, question_ids=dealt, started=time.time())
    _save(request.session, flow)
    audit.record(request, "sspr.start", target=login_key)
    return flow


def questions(flow: Flow) -> list[ChallengeQuestion]:
    by_id = ChallengeQuestion.objects.in_bulk(flow.question_ids)
    return [by_id[i] for i in flow.question_ids if i in by_id]


def verify(request: HttpRequest, flow: Flow, typed: list[str]) -> bool:
    """Check the typed answers; count a failure towards the lock.

    Always runs one hash check per question asked, real or not, so the time
    taken does not tell a real login ID from a made-up one.
    """
    user = _reset_user(flow.login_key)
    stored = {}
    if user is not None:
        rows = ChallengeAnswer.objects.filter(user=user, question_id__in=flow.question_ids)
        stored = {a.question_id: a for a in rows}
    results = [check_answer(stored.get(qid), answer) for qid, answer in zip(flow.question_ids, typed, strict=True)]
    ok = user is not None and len(results) == ANSWERS_ASKED and all(results)
    if ok:
        flow.verified = True
        _save(request.session, flow)
        audit.record(request, "sspr.answers", target=flow.login_key, school=user.student.school_id)
        return True
    school = user.student.school_id if user is not None else None
    audit.record(request, "sspr.answers", target=flow.login_key, school=school, outcome=AuditEvent.Outcome.FAILURE)
    if locks.register_failure(flow.login_key):
        audit.record(request, "sspr.locked", target=flow.login_key, school=school, outcome=AuditEvent.Outcome.REFUSED)
        if user is not None:
            notices.sspr_locked(user)
    return False


def verified_user(flow: Flow | None) -> User | None:
    if flow is None or not flow.verified:
        return None
    return _reset_user(flow.login_key)


def finish(request: HttpRequest, user: AbstractBaseUser) -> None:
    """The new password is saved: consume the flow, lift the locks, tell the child."""
    end(request.session)
    locks.unlock_reset(user.username)
    lockouts.unlock_signin(user.username)
    audit.record(request, "password.reset", target=user.login_id, school=user.student.school_id, channel="sspr")
    notices.password_changed(user, how="reset")

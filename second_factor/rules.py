"""Who needs a second factor, and how fresh it is in this session.

One place for the rules; the middleware, the step-up decorator, the sign-in
pages and the resets all ask here.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

from accounts.models import User

# Session keys (the device itself is django-otp's DEVICE_ID_SESSION_KEY).
VERIFIED_AT = "second_factor_verified_at"  # last time a factor was passed (step-up)
SIGNED_IN_AT = "second_factor_signed_in_at"  # first time, for the working-day limit


def _now() -> float:
    return time.time()


def is_staff_member(user: User) -> bool:
    """Form teachers, ICT admins and MOE IT; never a child."""
    if not user.is_authenticated or user.is_student:
        return False
    return user.is_superuser or user.is_staff or user.is_form_teacher


def is_required(user: User) -> bool:
    """ICT admins and MOE IT always; form teachers unless their school switched it off."""
    if not is_staff_member(user):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return teachers_need_second_factor(user.teacher.school_id)


def teachers_need_second_factor(school_id: int) -> bool:
    """The school's choice for its form teachers (no choice made: required)."""
    from .models import SchoolPolicy

    policy = SchoolPolicy.objects.filter(school_id=school_id).first()
    return policy is None or policy.teachers_need_second_factor


def has_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def must_verify(user: User) -> bool:
    """Asked for a second factor at sign-in: required, or set up of their own accord."""
    return is_staff_member(user) and (is_required(user) or has_factor(user))


def is_verified(user: User) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def mark_verified(session: SessionBase) -> None:
    now = _now()
    session[VERIFIED_AT] = now
    session.setdefault(SIGNED_IN_AT, now)


def mark_passed(session: SessionBase, device) -> None:
    """The session passed ``device`` just now, as ``flows.passed`` leaves it: for a session made
    outside a request (tests' ``force_login``, the benchmarks' signed-in staff)."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    mark_verified(session)


def is_fresh(session: SessionBase) -> bool:
    """Passed a second factor within MIMS_STEP_UP_SECONDS (15 minutes)."""
    at = session.get(VERIFIED_AT)
    return at is not None and 0 <= _now() - at <= settings.MIMS_STEP_UP_SECONDS


def start_working_day(session: SessionBase) -> None:
    if SIGNED_IN_AT not in session:
        session[SIGNED_IN_AT] = _now()


def working_day_over(session: SessionBase) -> bool:
    at = session.get(SIGNED_IN_AT)
    return at is not None and _now() - at > settings.MIMS_STAFF_SESSION_SECONDS

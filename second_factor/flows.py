"""The second factor's steps: enrol, pass or fail a check, reset, policy.

Every step that matters is audited (accounts.audit.record). Failures count
toward the same sign-in lock as wrong passwords (django-axes, by login ID) and
the same per-address failure limit (accounts.ratelimits).
"""

from __future__ import annotations

import base64

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit, notices, ratelimits
from accounts.models import AuditEvent, School, User
from accounts.scope import SCHOOL, scope_of

from . import rules
from .models import SchoolPolicy

RECOVERY_CODES = 10
RECOVERY_DEVICE = "Recovery codes"
AUTHENTICATOR_APP = "Authenticator app"


# --- Enrolment ---------------------------------------------------------------


def start_authenticator(user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device (an earlier unfinished one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)


def pending_authenticator(user: User, device_id: int | None) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first() if device_id else None


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in the base32 form authenticator apps accept when typed."""
    return base64.b32encode(device.bin_key).decode()


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code (a data: URI, allowed by our CSP)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def confirm_authenticator(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """The first code from the app proves it is set up: confirm and pass the check."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(_digits(code)):
            audit.record(request, "second_factor.enrol", target=request.user.login_id,
                         outcome=AuditEvent.Outcome.FAILURE, method="totp")  # fmt: skip
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    audit.record(request, "second_factor.enrol", target=request.user.login_id, method="totp")
    passed(request, device, method="totp")
    return True


def passkey_registered(request: HttpRequest) -> None:
    audit.record(request, "second_factor.enrol", target=request.user.login_id, method="passkey")


def new_recovery_codes(user: User) -> list[str]:
    """A fresh sheet of one-time recovery codes; any earlier sheet stops working.

    Only a keyed digest of each code is stored (django-otp's StaticToken would
    keep the code itself), so a copy of the database does not sign anyone in.
    """
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_digest(c)) for c in codes)
    return codes


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: HMAC-SHA256 with the SECRET_KEY, 16 hex digits (StaticToken's size)."""
    return salted_hmac("second_factor.recovery_code", code.lower(), algorithm="sha256").hexdigest()[:16]


def has_recovery_codes(user: User) -> bool:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()


def factors_of(user: User) -> list[Device]:
    return list(devices_for_user(user, confirmed=True))


# --- Checking ----------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def check_code(request: HttpRequest, code: str) -> Device | None:
    """An authenticator-app code or a recovery code of the signed-in user; a
    recovery code works once (django-otp deletes it), an app code once too
    (django-otp refuses a time step already used)."""
    user = request.user
    token = _digits(code).lower()
    if not token:
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
        for device in StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(recovery_digest(token)):  # deletes the used code
                return device
    return None


def passed(request: HttpRequest, device: Device, *, method: str) -> None:
    """The second factor was passed: mark the session, finish the sign-in."""
    first = not rules.is_verified(request.user)
    otp_login(request, device)
    rules.mark_verified(request.session)
    request.session.cycle_key()  # a new session id now that it carries more trust
    audit.record(request, "second_factor.verify", target=request.user.login_id, method=method)
    if first:
        # The sign-in is complete only now: only now django-axes forgets the
        # failures (see signals.py, which holds this back after the password).
        AxesProxyHandler.user_logged_in(sender=passed, request=request, user=request.user)


def failed(request: HttpRequest, *, method: str) -> None:
    """A wrong or replayed code, or a failed passkey: counted like a wrong password."""
    user = request.user
    audit.record(request, "second_factor.verify", target=user.login_id, outcome=AuditEvent.Outcome.FAILURE,
                 method=method)  # fmt: skip
    ratelimits.count_failed_id(request, user.username)  # the address's count of failing IDs
    # django-axes counts it against the login ID, and locks it at the limit.
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    if getattr(request, "axes_locked_out", False):
        # Locked now: this half-finished sign-in ends (axes answers with its lock page).
        logout(request)


# --- Resets (lost phone) -------------------------------------------------------


def may_reset(actor: User, target: User) -> bool:
    """ICT admins reset their own school's form teachers; MOE IT resets ICT
    admins (and form teachers). Nobody resets their own or MOE IT's."""
    if not actor.is_active or actor.pk == target.pk or target.is_superuser or not rules.is_staff_member(target):
        return False
    scope = scope_of(actor)  # MOE IT: every school; an ICT admin: their own
    if scope.everything:
        return True
    return scope.kind == SCHOOL and not target.is_staff and target.is_form_teacher and scope.administers(
        target.teacher.school_id
    )


def resettable_staff(actor: User):
    """The staff whose factors this person may reset, for the list page."""
    staff = User.objects.filter(is_active=True, teacher__isnull=False, is_superuser=False).select_related("teacher")
    scope = scope_of(actor)
    if scope.everything:
        return staff.exclude(pk=actor.pk)
    if scope.kind != SCHOOL:
        return User.objects.none()
    return staff.filter(is_staff=False, teacher__school_id=scope.school_id)


def reset_factors(request: HttpRequest | None, target: User, *, by: str = "") -> int:
    """Remove every factor of ``target``: they enrol again at their next sign-in.

    From a page, ``request.user`` must be allowed (may_reset). Without a request
    it is the server operator (``manage.py reset_second_factor``, e.g. for MOE IT's
    own lost phone), named in ``by``.
    """
    if request is not None and not may_reset(request.user, target):
        raise PermissionDenied
    with transaction.atomic():
        removed = 0
        for device in devices_for_user(target, confirmed=None):
            device.delete()
            removed += 1
        audit.record(request, "second_factor.reset", target=target.login_id, school=audit.school_of(target),
                     removed=removed, **({"by": by} if by else {}))  # fmt: skip
    who = request.user.get_full_name() or request.user.username if request is not None else by
    notices.second_factor_reset(target, by=who)
    return removed


# --- The school's choice for form teachers -------------------------------------


def set_teachers_need_second_factor(request: HttpRequest, school: School, required: bool) -> bool:
    """Switch the form teachers' requirement on or off; True if it changed."""
    with transaction.atomic():
        policy, _ = SchoolPolicy.objects.select_for_update().get_or_create(school=school)
        if policy.teachers_need_second_factor == required:
            return False
        policy.teachers_need_second_factor = required
        policy.changed_by = request.user
        policy.save()
        audit.record(request, "second_factor.policy", target=school.code, school=school, teachers_required=required)
    return True

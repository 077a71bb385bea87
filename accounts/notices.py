"""E-mails the portal sends: short, in plain words, never with a secret.

Every notice goes through the task queue (:func:`notify` → the worker's
``deliver_notice`` task → :func:`deliver`), so sending never slows or fails a
request. Each recipient gets their own message, written in their language
(``User.language``, the one they last signed in with). A child is written to
at their login ID, which is their school mailbox; staff at their e-mail
address. A notice that reaches no one — no address, no form teacher, a mail
server that refuses — becomes an :class:`~accounts.models.UndeliveredNotice`
for the school's ICT admin instead of vanishing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation

from accounts.site import site_url

from .models import UndeliveredNotice, User

logger = logging.getLogger(__name__)


def notify(
    template: str,
    recipients: Iterable[User],
    *,
    school_id: int | None,
    about: str = "",
    refs: dict[str, models.Model | None] | None = None,
    **params: str,
) -> None:
    """Queue ``template`` (templates/emails/<template>-subject.txt, -body.txt,
    -body.html) for each of ``recipients``; none at all is recorded as
    undelivered. ``refs`` are model objects the templates use, passed to the
    worker by id; ``about`` is the child's login ID, for the ICT admin's list."""
    from .tasks import deliver_notice

    recipient_ids = [user.pk for user in recipients] or [None]
    ref_ids = {name: [obj._meta.label, obj.pk] for name, obj in (refs or {}).items() if obj is not None}
    deliver_notice.enqueue(template, recipient_ids, school_id, about, ref_ids, params)


def deliver(
    template: str,
    recipient_ids: list[int | None],
    school_id: int | None,
    about: str,
    ref_ids: dict[str, list[Any]],
    params: dict[str, str],
) -> int:
    """Send one notice to each recipient (run by the worker); returns how many were sent."""
    ctx: dict[str, Any] = {"site_root": site_url(), **params}
    for name, (label, pk) in ref_ids.items():
        ctx[name] = apps.get_model(label)._default_manager.filter(pk=pk).first()
        if ctx[name] is None:  # removed meanwhile: nothing left to tell
            return 0
    users = User.objects.in_bulk([pk for pk in recipient_ids if pk is not None])
    sent = 0
    for pk in recipient_ids:
        user = users.get(pk) if pk is not None else None
        if (pk is not None and user is None) or (user is not None and not user.is_active):
            continue  # an account removed or closed meanwhile is not written to
        reason = None
        if user is None:
            reason = UndeliveredNotice.Reason.NO_RECIPIENT
        elif not address_of(user):
            reason = UndeliveredNotice.Reason.NO_ADDRESS
        elif not _send(template, user, ctx):
            reason = UndeliveredNotice.Reason.SEND_FAILED
        if reason is None:
            sent += 1
        else:
            UndeliveredNotice.objects.create(
                school_id=school_id, notice=template, recipient=user, about=about[:200], reason=reason
            )
    return sent


def address_of(user: User) -> str:
    """A child's mailbox is their login ID; staff have an e-mail address, or none."""
    return user.login_id if user.is_student else user.email


def _send(template: str, user: User, ctx: dict[str, Any]) -> bool:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = {**ctx, "recipient": user}
        subject = render_to_string(f"emails/{template}-subject.txt", ctx).strip()
        # A header cannot hold a line break (a name saved with one would make
        # send() raise): one line, single spaces.
        subject = " ".join(subject.split())
        message = EmailMultiAlternatives(
            subject, render_to_string(f"emails/{template}-body.txt", ctx), to=[address_of(user)]
        )
        message.attach_alternative(render_to_string(f"emails/{template}-body.html", ctx), "text/html")
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the %s e-mail", template)
        return False
    return True


# --- The notices -----------------------------------------------------------------


def password_changed(user: User, *, how: str) -> None:
    """Tell a student their password changed: "If this wasn't you, tell your form teacher"."""
    if user.is_student:
        notify(
            "password-changed", [user], school_id=user.student.school_id, about=user.login_id, refs={"user": user},
            how=how,
        )  # fmt: skip


def temporary_password(user: User) -> None:
    """Tell a student a temporary password was issued for them (never the password)."""
    if user.is_student:
        notify("temporary-password", [user], school_id=user.student.school_id, about=user.login_id, refs={"user": user})


def answers_changed(user: User, *, how: str) -> None:
    """Tell a student their challenge answers were set ("set"), replaced by a
    card ("card") or cleared ("cleared")."""
    if user.is_student:
        notify(
            "answers-changed", [user], school_id=user.student.school_id, about=user.login_id, refs={"user": user},
            how=how,
        )  # fmt: skip


def _form_teachers(user: User) -> list[User]:
    return [t.user for t in user.student.form_teachers() if t.user.is_active]


def sspr_locked(user: User, *, minutes: int | None) -> None:
    """Tell the child's form teachers that self-service reset just locked
    (for ``minutes``, or until they unlock it when None)."""
    hours = round(minutes / 60) if minutes else 0
    notify("sspr-locked", _form_teachers(user), school_id=user.student.school_id, about=user.login_id,
           refs={"student": user.student}, hours=hours)


def sspr_reset_after_failures(user: User) -> None:
    """Tell the child's form teachers a reset succeeded after wrong answers."""
    notify("sspr-recovered", _form_teachers(user), school_id=user.student.school_id, about=user.login_id,
           refs={"student": user.student})


def second_factor_reset(user: User, *, by: str) -> None:
    """Tell a staff member their second factor was reset (by whom), at their e-mail address."""
    teacher = getattr(user, "teacher", None)
    notify("second-factor-reset", [user], school_id=teacher.school_id if teacher else None, about=user.login_id,
           refs={"user": user}, by=by)

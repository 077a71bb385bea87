"""E-mails the portal sends: short, in plain words, never with a secret."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import User

logger = logging.getLogger(__name__)


def send(template: str, recipients: Iterable[str], ctx: dict) -> None:
    """Render templates/emails/<template>-subject.txt, -body.txt and -body.html and send."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    ctx = {"site_root": settings.SITE_ROOT, **ctx}
    subject = render_to_string(f"emails/{template}-subject.txt", ctx).strip()
    # A header cannot hold a line break (a name saved with one would make
    # send() raise): one line, single spaces.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject, render_to_string(f"emails/{template}-body.txt", ctx), to=recipients)
    message.attach_alternative(render_to_string(f"emails/{template}-body.html", ctx), "text/html")
    # Callers send after the change is saved; a mail server that is down is
    # logged, never turned into an error page or an undone change.
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the %s e-mail to %d recipient(s)", template, len(message.to))


def password_changed(user: User, *, how: str) -> None:
    """Tell a student their password changed: "If this wasn't you, tell your form teacher"."""
    if not user.is_student:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send("password-changed", [user.login_id], {"user": user, "how": how})


def answers_changed(user: User) -> None:
    """Tell a student their challenge questions changed: "If this wasn't you, tell your form teacher"."""
    if not user.is_student:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send("answers-changed", [user.login_id], {"user": user})


def _form_teachers(user: User) -> list[str]:
    return [t.user.email for t in user.student.form_teachers()]


def sspr_locked(user: User, *, minutes: int | None) -> None:
    """Tell the child's form teachers that self-service reset just locked
    (for ``minutes``, or until they unlock it when None)."""
    hours = round(minutes / 60) if minutes else None
    send("sspr-locked", _form_teachers(user), {"student": user.student, "hours": hours})


def sspr_reset_after_failures(user: User) -> None:
    """Tell the child's form teachers a reset succeeded after wrong answers."""
    send("sspr-recovered", _form_teachers(user), {"student": user.student})

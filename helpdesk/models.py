"""Password reset requests sent through the public form, and the reference
codes the requester uses to follow them.

One ``ResetRequest`` per child (or per typed name, when no child matched) per
day: a second submission for the same child folds into the open request but
still gets its own ``ReferenceCode``. Handing the existing code back would tell
a stranger that someone already asked for this child, i.e. that the child
exists; a fresh code per submission makes every answer look the same.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import School, SchoolClass, Student, User
from accounts.scope import scope_of

# No 0/O, 1/I/L: a code read off a phone and typed again cannot be mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11: not guessable behind the status page's rate limit


def make_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """"k7mx-3qpa " → "K7MX3QPA"; anything that cannot be a code → ""."""
    value = "".join(ch for ch in unicodedata.normalize("NFKC", (typed or "")[:40]).upper() if ch.isalnum())
    if len(value) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in value):
        return ""
    return value


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class ResetRequestQuerySet(models.QuerySet):
    def open(self) -> ResetRequestQuerySet:
        return self.filter(state__in=ResetRequest.OPEN_STATES)

    def unmatched(self) -> ResetRequestQuerySet:
        return self.filter(student__isnull=True)

    def for_user(self, user: User) -> ResetRequestQuerySet:
        """Requests the user may see: all for MOE IT, their school's (matched or
        not) for an ICT admin, those about the children of their active form
        classes for a form teacher (accounts/scope.py)."""
        return scope_of(user).filter(
            self, school="school", school_class="student__school_class", user="student__user"
        )

    def prune(self, before: datetime) -> int:
        """Delete requests closed before ``before`` (names and contacts typed by
        the public are kept no longer than needed). Returns how many went."""
        return self.exclude(state__in=ResetRequest.OPEN_STATES).filter(handled_at__lt=before).delete()[1].get(
            "helpdesk.ResetRequest", 0
        )


class ResetRequest(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        IN_PROGRESS = "in_progress", _("being handled")
        DONE = "done", _("done")
        DECLINED = "declined", _("declined")

    class Requester(models.TextChoices):
        STUDENT = "student", _("the student")
        PARENT = "parent", _("a parent or guardian")

    OPEN_STATES = (State.RECEIVED, State.IN_PROGRESS)

    created = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    # What was typed, kept as typed so that a teacher or ICT admin can judge it.
    school = models.ForeignKey(School, models.CASCADE, related_name="reset_requests", verbose_name=_("school"))
    full_name = models.CharField(_("name typed"), max_length=150)
    class_name = models.CharField(_("class typed"), max_length=50)
    login_id = models.CharField(_("login ID typed"), max_length=150, blank=True)
    requester = models.CharField(_("asked by"), max_length=10, choices=Requester.choices)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Folding: a matched request folds by student, an unmatched one by this key.
    match_key = models.CharField(max_length=300, db_index=True, editable=False)
    student = models.ForeignKey(
        Student, models.SET_NULL, null=True, blank=True, related_name="reset_requests", verbose_name=_("child")
    )
    submissions = models.PositiveSmallIntegerField(_("times asked"), default=1)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED)
    reason = models.CharField(
        _("message to the requester"), max_length=300, blank=True, help_text=_("Shown on the status page.")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    objects = ResetRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("reset request")
        verbose_name_plural = _("reset requests")
        indexes = [models.Index(fields=["school", "state", "created"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.class_name}) {self.created:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def school_class(self) -> SchoolClass | None:
        return self.student.school_class if self.student_id else None

    def handled_by_name(self) -> str:
        user = self.handled_by
        if user is None:
            return str(_("another teacher"))
        return user.get_full_name() or user.username

    def mark_in_progress(self, by: settings.AUTH_USER_MODEL) -> None:
        """A teacher acted on the request without closing it. Call with the row locked."""
        if self.state == self.State.RECEIVED:
            self.state = self.State.IN_PROGRESS
        self.handled_by = by
        self.handled_at = timezone.now()
        self.save(update_fields=["state", "handled_by", "handled_at", "updated"])

    def close(self, state: str, by: settings.AUTH_USER_MODEL, reason: str = "") -> None:
        """Done or declined. Call with the row locked and ``is_open`` checked."""
        if state not in (self.State.DONE, self.State.DECLINED):
            raise ValueError(f"A request closes as done or declined, not {state!r}")
        self.state = state
        self.reason = reason
        self.handled_by = by
        self.handled_at = timezone.now()
        self.save(update_fields=["state", "reason", "handled_by", "handled_at", "updated"])


class ReferenceCode(models.Model):
    """One per submission of the public form; several may point at one request."""

    # The public state of a folded code once its request is done or declined.
    CLOSED = "closed"

    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    request = models.ForeignKey(ResetRequest, models.CASCADE, related_name="codes")
    created = models.DateTimeField(default=timezone.now)
    # Handed out for a submission folded into an already open request. Anyone
    # may have sent it (a stranger typing a real child's name), so it sees
    # only states that every request goes through, child or no child.
    folded = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("reference code")
        verbose_name_plural = _("reference codes")

    def __str__(self) -> str:
        return format_code(self.code)

    @property
    def display(self) -> str:
        return format_code(self.code)

    def public_state(self) -> str:
        """The state this code's holder may see: the request's own state for
        the code that opened it; for a folded code only "received" or
        "closed". "Being handled" and "done" happen only to a real child's
        request (a made-up child's is declined by the ICT admin), so showing
        them to a folded code would tell a stranger that the child exists."""
        reset_request = self.request
        if self.folded:
            return ResetRequest.State.RECEIVED if reset_request.is_open else self.CLOSED
        return reset_request.state

    def public_reason(self) -> str:
        """The teacher's message, for the code that opened the request only:
        it was written to that person, and may say whether the child exists."""
        if self.folded or self.request.is_open:
            return ""
        return self.request.reason

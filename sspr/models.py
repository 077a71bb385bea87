from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChallengeQuestion(models.Model):
    """A question in the bank that IT manages."""

    text = models.CharField(_("question"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    for_cards = models.BooleanField(
        _("used on challenge cards"), default=False, help_text=_("Asked on the printed cards for Primary 2–3.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("challenge question")
        verbose_name_plural = _("challenge questions")

    def __str__(self) -> str:
        return self.text


class ChallengeAnswer(models.Model):
    """One of a user's three answers, stored only as an Argon2 hash."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="challenge_answers")
    question = models.ForeignKey(ChallengeQuestion, models.PROTECT, related_name="+")
    answer_hash = models.CharField(max_length=200)
    school_set = models.BooleanField(_("set by school"), default=False)
    created = models.DateTimeField(default=timezone.now)
    # A card's words are one-time codes: used in a reset, they are spent.
    spent_at = models.DateTimeField(_("used in a reset"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="unique_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.question}"


class ResetLockQuerySet(models.QuerySet):
    def locked(self) -> ResetLockQuerySet:
        """Locks in force now: timed ones not yet over, and those only a teacher lifts."""
        return self.filter(models.Q(needs_teacher=True) | models.Q(locked_until__gt=timezone.now()))


class ResetLock(models.Model):
    """Self-service reset state for one typed login ID: the dealt pair and the lock.

    Keyed by an HMAC of the normalised login ID as typed (``sspr.locks.key_of``),
    whether or not such an account exists, so that made-up IDs behave exactly
    like real ones and the table never holds what a stranger typed. ``user`` is
    filled when the ID is a real account, for the teachers' and IT's pages.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    failures = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    lock_count = models.PositiveSmallIntegerField(_("locks so far"), default=0)
    needs_teacher = models.BooleanField(_("only a teacher can unlock"), default=False)
    dealt = models.JSONField(_("questions dealt"), default=list, blank=True)
    dealt_until = models.DateTimeField(_("questions kept until"), null=True, blank=True)
    pending = models.BooleanField(_("attempt started, not answered"), default=False)
    updated = models.DateTimeField(auto_now=True)

    objects = ResetLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-service reset lock")
        verbose_name_plural = _("self-service reset locks")

    def __str__(self) -> str:
        return self.user.username if self.user_id else self.key[:12]

    @property
    def is_locked(self) -> bool:
        return self.needs_teacher or (self.locked_until is not None and self.locked_until > timezone.now())

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

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="unique_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.question}"


class ResetLock(models.Model):
    """Failed self-service reset attempts for one typed login ID.

    Keyed by accounts.lockouts.lock_key of the ID as typed: the username, or for
    an ID that matches no account a keyed hash, so that locks behave the same for
    real and made-up IDs and nothing typed lands readable. Stale rows are pruned
    (``manage.py prune_locks``).
    """

    login_key = models.CharField(_("login ID"), max_length=150, unique=True)
    failures = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-service reset lock")
        verbose_name_plural = _("self-service reset locks")

    def __str__(self) -> str:
        return self.login_key

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

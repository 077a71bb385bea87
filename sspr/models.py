from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Student

# A child sets up three answers; a reset asks two of them.
ANSWERS_NEEDED = 3


class ChallengeQuestionQuerySet(models.QuerySet):
    def set_up_students(self) -> models.QuerySet[Student]:
        """Children who can reset now and answered one of these questions: the
        ones who could no longer reset if these questions were switched off."""
        answered = ChallengeAnswer.objects.usable().filter(question__in=self).values("user_id")
        set_up = (
            ChallengeAnswer.objects.filter(user_id__in=answered)
            .statuses()
            .exclude(status=AnswerStatus.NONE)
            .values("user_id")
        )
        return Student.objects.filter(user_id__in=set_up, user__is_active=True)


class ChallengeQuestion(models.Model):
    """A question in the bank that IT manages."""

    text = models.CharField(_("question"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    for_cards = models.BooleanField(
        _("used on challenge cards"), default=False, help_text=_("Asked on the printed cards for Primary 2–3.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ChallengeQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("challenge question")
        verbose_name_plural = _("challenge questions")

    def __str__(self) -> str:
        return self.text


class AnswerStatus(models.TextChoices):
    """What a child can reset with: their own answers, a school card, or nothing."""

    OWN = "own", _("own answers")
    SCHOOL = "school", _("set by school (card)")
    NONE = "none", _("none")


class ChallengeAnswerQuerySet(models.QuerySet):
    """The one definition of "set up": every page, report and flow asks this.

    Only answers to questions still switched on count, because only those are
    ever asked: a child who answered a question IT has since switched off has
    fewer than three usable answers and is not set up.
    """

    def usable(self) -> ChallengeAnswerQuerySet:
        return self.filter(question__is_active=True)

    def statuses(self) -> ChallengeAnswerQuerySet:
        """One row per user, ``{"user_id", "status"}``, in one GROUP BY query.

        Three usable answers, none set by the school, is "own"; three with any
        set by the school is "school" (a card); fewer is "none".
        """
        return (
            self.usable()
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"), from_school=Count("pk", filter=Q(school_set=True)))
            .annotate(
                status=Case(
                    When(n__lt=ANSWERS_NEEDED, then=Value(AnswerStatus.NONE)),
                    When(from_school__gt=0, then=Value(AnswerStatus.SCHOOL)),
                    default=Value(AnswerStatus.OWN),
                    output_field=models.CharField(),
                )
            )
        )

    def status_by_user(self) -> dict[int, AnswerStatus]:
        """Statuses of the users these answers belong to; a user without any is missing (none)."""
        return {row["user_id"]: AnswerStatus(row["status"]) for row in self.statuses()}

    def status(self) -> AnswerStatus:
        """The status of one user's answers: ``user.challenge_answers.status()``."""
        rows = list(self.statuses())  # not .first(): ordering by pk would split the groups
        return AnswerStatus(rows[0]["status"]) if rows else AnswerStatus.NONE


class ChallengeAnswer(models.Model):
    """One of a user's three answers, stored only as an Argon2 hash."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="challenge_answers")
    question = models.ForeignKey(ChallengeQuestion, models.PROTECT, related_name="+")
    answer_hash = models.CharField(max_length=200)
    school_set = models.BooleanField(_("set by school"), default=False)
    created = models.DateTimeField(default=timezone.now)

    objects = ChallengeAnswerQuerySet.as_manager()

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

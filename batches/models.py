"""A batch of printable work (challenge cards, sign-in slips) that runs in the
background, one class at a time.

Each :class:`BatchUnit` (usually one class) commits in its own transaction:
the new answers or passwords, the unit's ``done`` flag and the batch's
progress together. A worker that dies mid-batch therefore leaves every class
either fully done or untouched, and running the batch again resumes at the
first unit not done.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import School, SchoolClass, Student, User
from accounts.scope import CLASSES, scope_of


def private_dir() -> Path:
    """Where printable files wait for their one download: never web-served."""
    return Path(settings.VAR_DIR) / "private" / "batches"


class BatchQuerySet(models.QuerySet):
    def for_user(self, user: User) -> BatchQuerySet:
        """Batches about children the user may still see: their school's for IT
        (MOE IT: all), for a form teacher only batches whose every class is one
        of their active form classes (accounts/scope.py). The PDF holds
        passwords or answers: a teacher moved off a class since asking must not
        collect it."""
        scope = scope_of(user)
        if scope.kind != CLASSES:
            return scope.filter(self, school="school")
        outside = BatchUnit.objects.filter(batch=OuterRef("pk")).filter(
            Q(school_class__isnull=True) | ~Q(school_class__in=scope.form_class_ids())
        )
        return self.exclude(Exists(outside))


class Batch(models.Model):
    class Kind(models.TextChoices):
        CARDS = "cards", _("challenge cards")
        SLIPS = "slips", _("sign-in slips")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("working")
        DONE = "done", _("ready to download")
        DOWNLOADED = "downloaded", _("downloaded")
        EXPIRED = "expired", _("deleted unused")
        FAILED = "failed", _("stopped with a problem")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="batches", verbose_name=_("requested by")
    )
    school = models.ForeignKey(School, models.CASCADE, related_name="batches", verbose_name=_("school"))
    params = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("children done"), default=0)
    total = models.PositiveIntegerField(_("children"), default=0)
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(_("problem"), max_length=200, blank=True)
    created = models.DateTimeField(_("requested"), default=timezone.now)
    updated = models.DateTimeField(_("last progress"), auto_now=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.school})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.DOWNLOADED, self.Status.EXPIRED, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Queued or working, but no progress for a while: its worker has
        probably stopped, so the requester may resume it."""
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        return self.updated < timezone.now() - timedelta(minutes=STALE_MINUTES)

    @property
    def can_resume(self) -> bool:
        return self.status == self.Status.FAILED and self.created > timezone.now() - file_lifetime() or self.is_stale

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and self.expires_at is not None and self.expires_at > timezone.now()

    def work_dir(self) -> Path:
        return private_dir() / str(self.pk)


class BatchUnit(models.Model):
    """One class of a batch (or a hand-picked group of children), done as a whole."""

    batch = models.ForeignKey(Batch, models.CASCADE, related_name="units")
    school_class = models.ForeignKey(SchoolClass, models.SET_NULL, null=True, blank=True, related_name="+")
    # The children, fixed when the batch is made, so that a child joining or
    # leaving the class meanwhile cannot change a half-run batch.
    student_ids = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    # The part file holding this unit's printable data, set in the same
    # transaction that stores the new hashes, so the two always agree.
    part = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.school_class or _("chosen children"))

    def students(self) -> models.QuerySet[Student]:
        return (
            Student.objects.select_related("user", "school", "school_class")
            .filter(pk__in=self.student_ids, user__is_active=True)
            .order_by("full_name", "pk")
        )


STALE_MINUTES = 10


def file_lifetime() -> timedelta:
    return timedelta(hours=settings.MIMS_BATCH_FILE_HOURS)

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import scope
from .networks import validate_networks
from .scope import scope_of


class Level(models.IntegerChoices):
    P1 = 1, "P1"
    P2 = 2, "P2"
    P3 = 3, "P3"
    P4 = 4, "P4"
    P5 = 5, "P5"
    P6 = 6, "P6"


class SchoolQuerySet(models.QuerySet):
    def for_user(self, user: User) -> SchoolQuerySet:
        """Schools the user does school-wide work for: every school for MOE IT,
        their own for an ICT admin, none for a form teacher (accounts/scope.py)."""
        return scope_of(user).filter(self, school="pk")


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("The school code used in imports."))
    networks = models.TextField(
        _("school networks"),
        blank=True,
        validators=[validate_networks],
        help_text=_(
            "The school's Internet addresses, one range a line, for example 203.0.113.0/24. Children signing in "
            "from here are never turned away because of other children's typos."
        ),
    )
    card_children_choose_answers = models.BooleanField(
        _("Primary 2–3 children may choose their own answers"),
        default=False,
        help_text=_(
            "Off: Primary 2 and 3 children use the answers on the card from their teacher and cannot replace "
            "them, even after a teacher clears them. On: they may also pick questions and answers of their own."
        ),
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class SchoolClassQuerySet(models.QuerySet):
    def for_user(self, user: User) -> SchoolClassQuerySet:
        """Classes the user may see: all for MOE IT, their school's for an ICT
        admin, their active form classes for a form teacher (accounts/scope.py)."""
        return scope_of(user).filter(self, school="school", school_class="pk")

    def current(self) -> SchoolClassQuerySet:
        """This year's classes: an inactive class is kept for the record only."""
        return self.filter(is_active=True)


class SchoolClass(models.Model):
    school = models.ForeignKey(School, models.CASCADE, related_name="classes", verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=50, help_text=_('For example "4 Courage".'))
    is_active = models.BooleanField(_("active"), default=True)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "-year", "level", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="unique_class_name_per_school_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class User(AbstractUser):
    """Everyone who signs in: students, form teachers, ICT admins and MOE IT.

    For a student, ``username`` is the part of the MIMS login ID before ``@``;
    staff have ordinary usernames.
    """

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when a temporary password is issued; cleared when the user picks their own."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language the user last signed in with; their e-mails are written in it."),
    )

    temporary_password_expires = models.DateTimeField(
        _("temporary password expires"),
        null=True,
        blank=True,
        help_text=_("After this, the temporary password no longer signs in; a new one must be issued."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def login_id(self) -> str:
        if hasattr(self, "student"):
            return f"{self.username}@{settings.MIMS_USERNAME_DOMAIN}"
        return self.username

    @property
    def is_student(self) -> bool:
        return hasattr(self, "student")

    @property
    def is_form_teacher(self) -> bool:
        return hasattr(self, "teacher")

    @property
    def is_school_admin(self) -> bool:
        """A school ICT admin: staff of one school (MOE IT are superusers)."""
        return scope_of(self).kind == scope.SCHOOL

    def remember_language(self, code: str) -> None:
        if code and code != self.language:
            self.language = code
            User.objects.filter(pk=self.pk).update(language=code)

    def set_temporary_password(self, raw_password: str, *, days: int | None = None) -> None:
        self.set_password(raw_password)
        self.must_change_password = True
        self.temporary_password_expires = temporary_password_expiry(days)

    @property
    def temporary_password_expired(self) -> bool:
        return (
            self.must_change_password
            and self.temporary_password_expires is not None
            and self.temporary_password_expires <= timezone.now()
        )


def temporary_password_expiry(days: int | None = None):
    """When a temporary password issued now stops working: MIMS_TEMPORARY_PASSWORD_DAYS
    for one given by a teacher or IT, or ``days`` (slips from the yearly reset)."""
    from datetime import timedelta

    return timezone.now() + timedelta(days=days if days is not None else settings.MIMS_TEMPORARY_PASSWORD_DAYS)


class StudentQuerySet(models.QuerySet):
    def for_user(self, user: User) -> StudentQuerySet:
        """Students the user may see: all for MOE IT, their school's for an ICT
        admin, the children still at school in their active form classes for a
        form teacher, none otherwise (accounts/scope.py)."""
        return scope_of(user).filter(self, school="school", school_class="school_class", user="user")

    def current(self) -> StudentQuerySet:
        """Children still at school, in an active class: the ones anyone works for."""
        return self.filter(user__is_active=True, school_class__is_active=True)


class Student(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="student")
    school = models.ForeignKey(School, models.PROTECT, related_name="students", verbose_name=_("school"))
    school_class = models.ForeignKey(
        SchoolClass, models.SET_NULL, null=True, blank=True, related_name="students", verbose_name=_("class")
    )
    full_name = models.CharField(_("full name"), max_length=300, help_text=_("As registered with the school."))
    student_ref = models.CharField(
        _("student reference"),
        max_length=40,
        help_text=_("The school-issued reference. Never an NRIC number."),
    )
    login_base = models.CharField(
        max_length=64, db_index=True, editable=False, help_text="Login ID before any duplicate suffix."
    )
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Set when the child leaves MOE schools (account deactivated); cleared on return."),
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            # One reference, one child, across every school: a child who moves
            # school is found by it and keeps their login ID (accounts/transfers.py).
            models.UniqueConstraint(fields=["student_ref"], name="unique_student_ref"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def level(self) -> int | None:
        return self.school_class.level if self.school_class_id else None

    @property
    def login_id(self) -> str:
        return self.user.login_id

    def form_teachers(self) -> models.QuerySet[Teacher]:
        return Teacher.objects.filter(form_classes=self.school_class_id).select_related("user")


class ReservedLoginId(models.Model):
    """Every login ID ever handed to a child, kept after the child's records are
    removed (accounts/retention.py), so that it is never handed to another
    child: apps key their records on it. Allocation and renames skip these."""

    username = models.CharField(_("login ID"), max_length=150, unique=True)
    created = models.DateTimeField(_("reserved"), auto_now_add=True)

    class Meta:
        verbose_name = _("reserved login ID")
        verbose_name_plural = _("reserved login IDs")

    def __str__(self) -> str:
        return self.username

    @classmethod
    def reserve(cls, usernames: list[str]) -> None:
        cls.objects.bulk_create([cls(username=u) for u in usernames], ignore_conflicts=True, batch_size=500)


class Teacher(models.Model):
    """A member of a school's staff: a form teacher, or (with ``user.is_staff``)
    the school's ICT admin. A class can have two co-form teachers."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="teacher")
    school = models.ForeignKey(School, models.PROTECT, related_name="teachers", verbose_name=_("school"))
    form_classes = models.ManyToManyField(
        SchoolClass, blank=True, related_name="form_teachers", verbose_name=_("form classes")
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Audit events cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One security-relevant event. Append-only; never holds a secret."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        FAILURE = "failure", _("failure")
        REFUSED = "refused", _("refused")

    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    school = models.ForeignKey(
        School, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["school", "-created"])]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.target} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events cannot be deleted.")


class UndeliveredNotice(models.Model):
    """A notice that reached no one: the recipient has no e-mail address, the
    role had no one in it (a class without a form teacher), or the mail server
    refused it. Shown to the school's ICT admin instead of vanishing
    (accounts/notices.py)."""

    class Reason(models.TextChoices):
        NO_ADDRESS = "no_address", _("no e-mail address")
        NO_RECIPIENT = "no_recipient", _("no one to send it to")
        SEND_FAILED = "send_failed", _("the mail server refused it")

    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    school = models.ForeignKey(
        School, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    notice = models.CharField(_("notice"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("meant for"),
    )  # fmt: skip
    about = models.CharField(_("about"), max_length=200, blank=True, help_text=_("The child's login ID, if any."))
    reason = models.CharField(_("why not sent"), max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notice not sent")
        verbose_name_plural = _("notices not sent")

    def __str__(self) -> str:
        return f"{self.notice} {self.about} {self.reason}"



class UserSession(models.Model):
    """One signed-in session, so a person can see theirs and end the others.

    The session itself lives in Django's session store; this row names it
    (device, address, when) and follows its key when Django rotates it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last used"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.created:%Y-%m-%d %H:%M}"

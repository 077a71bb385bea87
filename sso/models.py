from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from accounts.models import Level


class Subject(models.Model):
    """The ``sub`` claim: who a person is to every school app, for life.

    Never the login ID, which can be renamed; a random value that follows the
    account through renames, moves of class and changes of school.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="oidc_subject")
    sub = models.UUIDField(_("subject"), default=uuid.uuid4, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in subject")
        verbose_name_plural = _("sign-in subjects")

    def __str__(self) -> str:
        return str(self.sub)

    @classmethod
    def of(cls, user: settings.AUTH_USER_MODEL) -> str:
        try:
            return str(user.oidc_subject.sub)
        except cls.DoesNotExist:
            subject, _created = cls.objects.get_or_create(user=user)
            return str(subject.sub)


class SchoolAppQuerySet(models.QuerySet):
    def for_user(self, user: settings.AUTH_USER_MODEL) -> list[SchoolApp]:
        """The apps this person may open, in order: a child's by their level; staff all.

        One query on every account page: the few listed apps are checked against the level here
        (``levels`` is a JSON list, which SQLite cannot search), not asked for again by their ids.
        """
        apps = list(self.filter(is_listed=True).select_related("application"))
        if getattr(user, "is_student", False):
            level = user.student.level
            return [a for a in apps if a.allows_level(level)]
        return apps


class SchoolApp(models.Model):
    """What the portal shows and checks about a registered application (the
    OAuth client itself is django-oauth-toolkit's ``Application``)."""

    application = models.OneToOneField(
        Application, models.CASCADE, related_name="school_app", verbose_name=_("application")
    )
    launch_url = models.URLField(
        _("launch address"), help_text=_("Where the app's tile goes; the app then signs the child in here.")
    )
    description = models.CharField(
        _("short description"),
        max_length=120,
        help_text=_('Plain words for a child, e.g. "Your lessons and homework".'),
    )
    icon = models.CharField(
        _("icon letters"), max_length=2, blank=True, help_text=_("One or two letters shown on the tile.")
    )
    levels = models.JSONField(
        _("levels"), default=list, blank=True,
        help_text=_("The levels (1 to 6) whose children may use the app; empty for all levels."),
    )
    is_listed = models.BooleanField(_("shown to children"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SchoolAppQuerySet.as_manager()

    class Meta:
        ordering = ["order", "application__name"]
        verbose_name = _("school app")
        verbose_name_plural = _("school apps")

    def __str__(self) -> str:
        return self.application.name

    def allows_level(self, level: int | None) -> bool:
        return not self.levels or level in self.levels

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not isinstance(self.levels, list) or any(lv not in Level.values for lv in self.levels):
            raise ValidationError({"levels": _("Give the levels as a list of numbers from 1 to 6, e.g. [4, 5, 6].")})

    @property
    def tile_letters(self) -> str:
        return self.icon or self.application.name[:1].upper()

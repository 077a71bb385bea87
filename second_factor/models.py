from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import School


class SchoolPolicy(models.Model):
    """A school's choice about its form teachers' second factor.

    ICT admins and MOE IT always need one; form teachers do unless their
    school's ICT admin switched it off. No row means the default: required.
    """

    school = models.OneToOneField(School, models.CASCADE, related_name="second_factor_policy")
    teachers_need_second_factor = models.BooleanField(_("form teachers need a second factor"), default=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("second factor policy")
        verbose_name_plural = _("second factor policies")

    def __str__(self) -> str:
        return f"{self.school}: {'required' if self.teachers_need_second_factor else 'optional'}"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The pages IT staff work in: the Django admin for schools, classes,
    teachers, students and the audit log; the student import; the lockouts and
    report pages. The top layer: it may import every other app, none imports it."""

    name = "staff"
    verbose_name = _("Staff pages")

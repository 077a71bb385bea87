from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Password reset requests")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (closes requests of children who moved or left)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Password reset requests")

    def ready(self) -> None:
        # Receivers: requests of children who moved or left are closed; a school saved changes the form's list.
        from . import receivers, request_form_cache  # noqa: F401

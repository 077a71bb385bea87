from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsprConfig(AppConfig):
    name = "sspr"
    verbose_name = _("Challenge questions and self-service reset")

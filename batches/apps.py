from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BatchesConfig(AppConfig):
    name = "batches"
    verbose_name = _("Printable batches")

    def ready(self) -> None:
        from django.core import checks

        from .fonts import check_fonts

        checks.register(check_fonts)

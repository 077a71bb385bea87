from django.apps import AppConfig


class MimsPortalConfig(AppConfig):
    """The project package as an app: connects the metrics' signal receivers."""

    name = "mims_portal"
    verbose_name = "Student MIMS"

    def ready(self) -> None:
        from . import metrics  # noqa: F401

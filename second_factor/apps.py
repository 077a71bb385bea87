from django.apps import AppConfig


class SecondFactorConfig(AppConfig):
    name = "second_factor"
    verbose_name = "Staff second factor"

    def ready(self) -> None:
        from . import signals  # noqa: F401

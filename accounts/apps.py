from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and schools")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the sign-in signal receivers)
        from .networks import check_environment

        check_environment()  # a mistyped MIMS_SCHOOL_NETWORKS stops the start, not a sign-in

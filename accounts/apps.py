from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and schools")

    def ready(self) -> None:
        from django.core import checks

        from . import audit, sessions  # noqa: F401  (connect the sign-in signal receivers)
        from .site import check_site_root

        checks.register(check_site_root, checks.Tags.security, deploy=True)
        from .networks import check_environment

        check_environment()  # a mistyped MIMS_SCHOOL_NETWORKS stops the start, not a sign-in

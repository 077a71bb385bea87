"""The portal's admin site: Django's, with the app list built once per request.

``settings.INSTALLED_APPS`` names :class:`PortalAdminConfig` instead of ``django.contrib.admin``, so
``admin.site`` (where every app registers its admins) is a :class:`PortalAdminSite`.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class PortalAdminSite(AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """Every model the user may see, as Django builds it, but once per request: the index page
        asked twice (its list and the sidebar's), each time four permissions and two reversed
        URLs per model."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        if not hasattr(request, "_mims_app_list"):
            request._mims_app_list = super().get_app_list(request)
        return request._mims_app_list


class PortalAdminConfig(AdminConfig):
    default_site = "staff.admin_site.PortalAdminSite"

from django.contrib import admin
from django.urls import include, path

from accounts import admin_reports
from accounts.views import admin_login
from mims_portal.health import health
from mims_portal.metrics import metrics

# An unreachable database or Redis gets a 503 with Retry-After, anything else the 500 page.
handler500 = "mims_portal.outages.server_error"

urlpatterns = [
    path("health/", health),
    path("metrics", metrics),
    path("", include("accounts.urls")),
    path("sspr/", include("sspr.urls")),
    path("", include("helpdesk.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login),
    path("admin/", include(admin_reports.urls)),  # lockouts and reports pages, before the admin catch-all
    path("batches/", include("batches.urls")),
    path("admin/", admin.site.urls),
]

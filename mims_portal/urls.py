from django.contrib import admin
from django.urls import include, path

from mims_portal.health import health
from mims_portal.metrics import metrics
from signin.views import admin_login
from staff import admin_pages

# An unreachable database or Redis gets a 503 with Retry-After, anything else the 500 page.
handler500 = "mims_portal.outages.server_error"

urlpatterns = [
    path("health/", health),
    path("metrics", metrics),
    path("", include("signin.urls")),
    path("sspr/", include("sspr.urls")),
    path("staff/", include("second_factor.urls")),
    path("", include("helpdesk.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login),
    path("admin/", include(admin_pages.urls)),  # lockouts and reports pages, before the admin catch-all
    path("batches/", include("batches.urls")),
    path("", include("sso.urls")),
    path("admin/", admin.site.urls),
]

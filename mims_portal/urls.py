from django.contrib import admin
from django.urls import include, path

from accounts import admin_reports
from accounts.views import admin_login

urlpatterns = [
    path("", include("accounts.urls")),
    path("sspr/", include("sspr.urls")),
    path("staff/", include("second_factor.urls")),
    path("", include("helpdesk.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login),
    path("admin/", include(admin_reports.urls)),  # lockouts and reports pages, before the admin catch-all
    path("batches/", include("batches.urls")),
    path("admin/", admin.site.urls),
]

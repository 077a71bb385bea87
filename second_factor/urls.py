from django.urls import include, path

from . import views

# Everything a staff member may reach before passing the check sits under
# /staff/second-factor/ (middleware.py lets exactly that prefix through).
app_name = "second_factor"
urlpatterns = [
    path("second-factor/", views.verify, name="verify"),
    path("second-factor/again/", views.step_up, name="step_up"),
    path("second-factor/set-up/", views.enrol, name="enrol"),
    path("second-factor/set-up/app/", views.enrol_app, name="enrol_app"),
    path("second-factor/set-up/passkey-done/", views.passkey_done, name="passkey_done"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("second-factor/passkey/", include("second_factor.webauthn_urls")),
    # After the check: one's own factors, the resets, the school's choice.
    path("factors/", views.factors, name="factors"),
    path("factors/reset/<int:pk>/", views.reset, name="reset"),
    path("factors/school/<int:pk>/", views.school_policy, name="school_policy"),
]

"""School apps in the admin: MOE IT register and change them; school ICT
admins may look but not change."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from oauth2_provider.admin import ApplicationAdmin as OAuthApplicationAdmin
from oauth2_provider.forms import ApplicationForm
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from accounts.admin_scoping import SchoolScopedAdmin, sees_all_schools
from accounts.plain_errors import PlainErrorsAdmin
from accounts.scope import scope_of

from .models import SchoolApp


class SchoolAppForm(ApplicationForm):
    """Only what our provider allows: the code flow, ID tokens signed RS256."""

    def clean_authorization_grant_type(self) -> str:
        grant = self.cleaned_data["authorization_grant_type"]
        if grant != Application.GRANT_AUTHORIZATION_CODE:
            raise forms.ValidationError(_("School apps sign in with the authorization code flow only."))
        return grant

    def clean_algorithm(self) -> str:
        if self.cleaned_data.get("algorithm") != Application.RS256_ALGORITHM:
            raise forms.ValidationError(_("Sign ID tokens with RS256 (the portal's published keys)."))
        return Application.RS256_ALGORITHM


class SchoolAppInline(PlainErrorsAdmin, admin.StackedInline):
    model = SchoolApp
    can_delete = False
    extra = 1
    max_num = 1

    def has_view_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return _may_view(request)

    def has_add_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return sees_all_schools(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return sees_all_schools(request.user)


def _may_view(request: HttpRequest) -> bool:
    return scope_of(request.user).is_it  # MOE IT and school ICT admins


# Tokens belong to children of every school and are stored hashed: no admin
# pages for them. They are revoked through sso.revocation (a password reset,
# a lock, a deactivation), and expired ones cleared by `manage.py cleartokens`.
admin.site.unregister([Application, AccessToken, Grant, IDToken, RefreshToken])


@admin.register(Application)
class ApplicationAdmin(SchoolScopedAdmin, OAuthApplicationAdmin):
    school_path = None  # shared by every school, like the question bank
    form = SchoolAppForm
    inlines = [SchoolAppInline]
    list_display = ("name", "client_id", "client_type", "skip_authorization", "levels")
    list_select_related = ("school_app",)

    @admin.display(description=_("levels"))
    def levels(self, obj: Application) -> str:
        school_app = getattr(obj, "school_app", None)
        if school_app is None or not school_app.levels:
            return _("all")
        return ", ".join(f"P{level}" for level in school_app.levels)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return _may_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return sees_all_schools(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return sees_all_schools(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return sees_all_schools(request.user)

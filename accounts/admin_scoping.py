"""Keep every admin page, filter, search, autocomplete, inline and action of a
school ICT admin inside their own school.

MOE IT are superusers and see every school. A school ICT admin is a staff user
with a :class:`~accounts.models.Teacher` profile; they see the rows of
``request.user.teacher.school`` only. Any other staff user sees nothing. The
rule itself is :func:`accounts.scope.scope_of`; this module applies it to the
admin.

Use :class:`SchoolScopedAdmin` as the first base of every ``ModelAdmin`` (and
of inlines) whose rows belong to a school, and name the path from the model to
its :class:`~accounts.models.School` in ``school_path``::

    from accounts.admin_scoping import SchoolScopedAdmin

    @admin.register(ResetRequest)
    class ResetRequestAdmin(SchoolScopedAdmin, admin.ModelAdmin):
        school_path = "student__school"       # ResetRequest -> Student -> School

    class ChallengeAnswerInline(SchoolScopedAdmin, admin.TabularInline):
        model = ChallengeAnswer
        school_path = "user__student__school"

What the mixin then does for you:

* ``get_queryset`` keeps only the admin's school, so the changelist, actions
  (Django runs them on the changelist queryset), exports built on
  ``get_queryset``, autocomplete (it asks the remote model's admin) and
  ``get_object`` are all scoped. A guessed URL for another school's object
  answers exactly like a missing object: 404 (see
  ``_get_obj_does_not_exist_redirect`` below).
* ``formfield_for_foreignkey``/``formfield_for_manytomany`` offer only rows the
  admin may see: a related model registered with a scoped admin is limited by
  that admin's scope; ``School`` itself is limited to the admin's school.
* Relational ``list_filter`` entries given as plain field names get a filter
  whose choices are scoped the same way (no other school's classes in the
  sidebar).
* ``has_view/change/delete_permission(request, obj)`` say no for an object
  outside the scope.

Rows shared by all schools (the challenge question bank) set
``school_path = None``: they are not filtered, and permissions decide who may
change them. A model whose school is not one lookup path (a ``User`` is in a
school through their student *or* teacher profile) overrides
:meth:`SchoolScopedAdmin.scope_queryset`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import School, Student, Teacher, User
from .plain_errors import PlainErrorsAdmin
from .scope import scope_of

# Django's words for a row's checkbox, translated by Django's admin catalog as before (a variable, so
# that `make messages` does not copy them into ours).
_DJANGO_ACTION_LABEL = "Select this object for an action - {}"


def sees_all_schools(user: Any) -> bool:
    """MOE IT: the admin's permissions, not the scope, limit what they change."""
    return scope_of(user).everything


def user_ids_of_school(school_id: int) -> models.QuerySet:
    """The ids of the school's accounts: its students' and its teachers'.

    A union of two indexed lookups; ``Q(student__school=…) | Q(teacher__school=…)``
    would OR across two joins and scan every account (2 s at 500,000).
    """
    students = Student.objects.filter(school_id=school_id).order_by().values("user_id")
    return students.union(Teacher.objects.filter(school_id=school_id).order_by().values("user_id"))


def users_of_school(school_id: int) -> models.QuerySet:
    return User.objects.filter(pk__in=user_ids_of_school(school_id))


def scope_model_queryset(
    request: HttpRequest, queryset: models.QuerySet, admin_site: admin.AdminSite
) -> models.QuerySet:
    """Scope any queryset by the admin registered for its model.

    Used for the choices of related fields and filters. ``School`` is scoped to
    the admin's own school; a model registered with a scoped admin by that
    admin's rule; other models are left alone (their admin's permissions apply).
    """
    model = queryset.model
    if model is School:
        return _scope_by_path(request.user, queryset, "pk")
    model_admin = admin_site._registry.get(model)
    if isinstance(model_admin, SchoolScopedAdmin):
        return model_admin.scope_queryset(request, queryset)
    return queryset


def _scope_by_path(user: Any, queryset: models.QuerySet, school_path: str | None) -> models.QuerySet:
    if school_path is None:
        return queryset
    # The admin is IT's: a form teacher's class scope reaches no admin rows.
    return scope_of(user).filter(queryset, school=school_path)


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A related-field filter offering only the related rows the admin may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = field.remote_field.model._default_manager.all()
        allowed = scope_model_queryset(request, related, model_admin.admin_site)
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": allowed.values("pk")}, ordering=ordering
        )


class SchoolScopedAdmin(PlainErrorsAdmin):
    """Mixin for ModelAdmin and InlineModelAdmin; see the module docstring.
    Its forms say what to type in an empty box (``PlainErrorsAdmin``)."""

    #: Lookup path from the model to its School ("school", "student__school",
    #: "pk" for School itself), or None for rows shared by every school.
    school_path: str | None = "school"

    # -- the one rule ---------------------------------------------------
    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        """Only the rows ``request.user`` may see. Override for unusual paths."""
        return _scope_by_path(request.user, queryset, self.school_path)

    def is_in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        if obj.pk is None or self.school_path is None or scope_of(request.user).everything:
            return True
        if not isinstance(obj, self.model):
            # An inline is asked about its parent object, which the parent's
            # own (scoped) admin has already fetched through its queryset.
            return True
        return self.scope_queryset(request, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    # -- actions -----------------------------------------------------------
    def response_action(self, request: HttpRequest, queryset: models.QuerySet, **kwargs: Any):
        """A ticked row that is not a row (a tampered ``_selected_action``) gets a
        message and the list again, not a 500 from the database."""
        try:
            for pk in request.POST.getlist(ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(pk)
        except ValidationError:
            self.message_user(
                request, _("Some of the ticked rows could not be found. Tick them again and retry."), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, **kwargs)

    def get_actions(self, request: HttpRequest, action_location=admin.ActionLocation.CHANGE_LIST) -> dict:
        """Django's, worked out once per request: a list page asked three times, each time building
        every action and asking its permissions."""
        memo = request.__dict__.setdefault("_mims_actions", {})
        key = (id(self), action_location)
        if key not in memo:
            memo[key] = super().get_actions(request, action_location)
        return memo[key]

    # -- the change list ---------------------------------------------------
    def action_checkbox(self, obj: models.Model) -> str:
        """Django's own row checkbox (``ModelAdmin.action_checkbox``, the same HTML), written here
        instead of through the form renderer: a template per row was 7 % of a list's CPU."""
        label = format_html(_(_DJANGO_ACTION_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME, str(obj.pk), label,
        )

    # -- querysets --------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return self.scope_queryset(request, super().get_queryset(request))

    def get_search_results(self, request: HttpRequest, queryset: models.QuerySet, search_term: str):
        # Autocomplete calls this on the remote admin's get_queryset (already
        # scoped); scoping again is idempotent and guards subclasses that
        # build their own base queryset.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scope_queryset(request, queryset), may_have_duplicates

    # -- form fields ------------------------------------------------------
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = self._related_choices(db_field, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = self._related_choices(db_field, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _related_choices(self, db_field: models.Field, request: HttpRequest) -> models.QuerySet:
        # Keep the related admin's ordering, as Django's own formfield does.
        queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        return scope_model_queryset(request, queryset, self.admin_site)

    # -- filters ----------------------------------------------------------
    def get_list_filter(self, request: HttpRequest):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation_path(entry):
                if entry == self.school_path and self._has_one_school(request):
                    continue
                entry = (entry, ScopedRelatedFieldListFilter)
            scoped.append(entry)
        return scoped

    def _has_one_school(self, request: HttpRequest) -> bool:
        """An ICT admin's school filter would offer their school alone, and Django hides a filter
        with one choice after reading it from the database. (A row without a school adds a
        "(None)" choice, so that filter stays.)"""
        return not sees_all_schools(request.user) and not get_fields_from_path(self.model, self.school_path)[-1].null

    def _is_relation_path(self, path: str) -> bool:
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return False
        return bool(getattr(field, "is_relation", False)) and field.remote_field is not None

    # -- permissions ------------------------------------------------------
    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_view_permission(request, obj) and (obj is None or self.is_in_scope(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or self.is_in_scope(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or self.is_in_scope(request, obj))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "… with ID “x” doesn't exist" for
        # a missing object. Another school's object is missing from the scoped
        # queryset too; answer both with a plain 404 so that nothing, not even
        # a message, tells a guessed URL apart.
        raise Http404


"""Django admin for school ICT admins (their school only) and MOE IT (all).

Every ModelAdmin here starts with :class:`~accounts.admin_scoping.SchoolScopedAdmin`;
see that module for what the scoping covers and how to add a scoped admin.
"""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.dateparse import parse_date
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts import audit, notices
from accounts.admin_scoping import SchoolScopedAdmin, sees_all_schools, user_ids_of_school
from accounts.login_ids import rename_login_id
from accounts.models import AuditEvent, Level, School, SchoolClass, Student, Teacher, User, temporary_password_expiry
from accounts.plain_errors import PlainErrorsAdmin, PlainErrorsMixin
from accounts.scope import scope_of
from accounts.signals import revoke_sign_ins
from accounts.usernames import normalise_login_id
from batches.admin import ClassBatchActions, StudentBatchActions
from batches.slips import slips_pdf
from helpdesk import flows
from second_factor.decorators import fresh_second_factor_required
from sspr import cards
from sspr.models import AnswerStatus, ChallengeAnswer

from . import records, undelivered_notices  # noqa: F401  (undelivered_notices registers its admin)
from .reports import csv_response
from .student_import import import_urls

# django-axes' own admin lists every school's failed sign-ins, addresses and
# user agents; the scoped lockouts page (accounts/admin_reports.py) replaces it.
for _axes_model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_axes_model):
        admin.site.unregister(_axes_model)


class GroupAdmin(PlainErrorsAdmin, DjangoGroupAdmin):
    """Django's own (MOE IT's roles), with the plain "what to type" messages
    every other admin form has through SchoolScopedAdmin."""


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)

admin.site.site_header = _("Student MIMS administration")
admin.site.site_title = _("Student MIMS administration")
admin.site.index_title = _("Schools, classes, teachers and students")
# "View site" leads to the pages staff work in outside the admin: the reset
# requests and class pages (an ICT admin sees every class of their school).
admin.site.site_url = reverse_lazy("teacher:home")

# Each issued password costs an Argon2 hash (~0.1 s here); more than a class or
# two at once belongs to the yearly reset, which runs as a task.
MAX_PASSWORDS_AT_ONCE = 100


def _unquote(bit: str) -> str:
    if len(bit) > 1 and bit[0] in "\"'" and bit[-1] == bit[0]:
        return unescape_string_literal(bit)
    return bit


def _is_id(text: str) -> bool:
    """ASCII digits only: str.isdigit() also says yes to "²" and "٣", which
    int() then refuses or reads as another number."""
    return text.isascii() and text.isdigit() and len(text) < 12


# --- list filters ------------------------------------------------------------


class InputFilter(admin.ListFilter):
    """A sidebar filter with typed input (text or dates) instead of links.

    Subclasses list ``fields`` as (GET parameter, label, input type). A value
    that cannot be used is ignored and named in ``errors`` beside the input.
    """

    template = "admin/accounts/input_filter.html"
    fields: list[tuple[str, Any, str]] = []

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values: dict[str, str] = {}
        self.errors: list[str] = []
        for name, _label, _type in self.fields:
            if name in params:
                value = params.pop(name)
                value = (value[-1] if isinstance(value, list) else value).strip()[:150]
                if value:
                    self.values[name] = value
                    self.used_parameters[name] = value

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [name for name, _label, _type in self.fields]

    def choices(self, changelist):
        # The other active filters ride along as hidden inputs so that typing
        # here narrows the current list instead of starting over.
        own = set(self.expected_parameters()) | {"p"}
        hidden = [(k, v) for k, values in changelist.params.items() if k not in own for v in values]
        yield {
            "inputs": [
                {"name": name, "label": label, "type": kind, "value": self.values.get(name, "")}
                for name, label, kind in self.fields
            ],
            "hidden": hidden,
            "errors": self.errors,
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
            "active": bool(self.values),
        }


class ActorFilter(InputFilter):
    title = _("actor")
    fields = [("actor", _("Username"), "text")]

    def queryset(self, request, queryset):
        if value := self.values.get("actor"):
            return queryset.filter(actor_label__iexact=value)
        return queryset


class ActionFilter(InputFilter):
    title = _("action")
    fields = [("action", _("Action, or its start such as “password.”"), "text")]

    def queryset(self, request, queryset):
        if value := self.values.get("action"):
            return queryset.filter(action__startswith=value)
        return queryset


class DateRangeFilter(InputFilter):
    """From and to dates (both included), in Singapore time."""

    title = _("date")
    fields = [("created_from", _("From"), "date"), ("created_to", _("To"), "date")]

    def queryset(self, request, queryset):
        tz = timezone.get_current_timezone()
        start, end = self._date("created_from"), self._date("created_to")
        if start:
            queryset = queryset.filter(created__gte=datetime.combine(start, time.min, tzinfo=tz))
        if end:
            queryset = queryset.filter(created__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
        return queryset

    def _date(self, name: str):
        raw = self.values.get(name)
        if not raw:
            return None
        try:
            value = parse_date(raw)
        except ValueError:
            value = None
        if value is None or not (2000 <= value.year <= 2999):
            self.errors.append(gettext("“%(value)s” is not a date like 2026-01-31; it was ignored.") % {"value": raw})
            return None
        return value


class StudentClassFilter(admin.SimpleListFilter):
    """Classes to filter students by: the ICT admin's own classes; for MOE IT,
    the classes of the school chosen in the school filter (all schools' classes
    would be thousands of links)."""

    title = _("class")
    parameter_name = "class"

    def lookups(self, request, model_admin):
        classes = SchoolClass.objects.for_user(request.user).order_by("-year", "level", "name")
        if sees_all_schools(request.user):
            # All schools' classes would be thousands of links: the chosen school's only.
            if not _is_id(chosen := request.GET.get("school__id__exact", "")):
                return []
            classes = classes.filter(school_id=int(chosen))
        elif not scope_of(request.user).is_it:
            return []
        return [(str(c.pk), str(c)) for c in classes]

    def queryset(self, request, queryset):
        value = self.value()
        if value and _is_id(value):
            return queryset.filter(school_class_id=int(value))
        return queryset


class StudentLevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in SchoolClass._meta.get_field("level").choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value and _is_id(value):
            return queryset.filter(school_class__level=int(value))
        return queryset


class AnswerStatusFilter(admin.SimpleListFilter):
    """By what a child can reset with. "Needs a new card" lists the Primary 2–3
    children without usable answers, for example after IT switched off a card
    question: select them all and make new cards."""

    title = _("challenge answers")
    parameter_name = "answers"
    NEEDS_CARD = "needs_card"

    def lookups(self, request, model_admin):
        return [*AnswerStatus.choices, (self.NEEDS_CARD, _("needs a new card (Primary 2–3)"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NEEDS_CARD:
            return cards.eligible_students(queryset.filter(answers_status=AnswerStatus.NONE))
        if value in AnswerStatus.values:
            return queryset.filter(answers_status=value)
        return queryset


# --- schools, classes, teachers -----------------------------------------------


@admin.register(School)
class SchoolAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    school_path = "pk"
    search_fields = ["name", "code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Schools are set up by MOE IT only.
        return sees_all_schools(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: School | None = None) -> bool:
        return sees_all_schools(request.user) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: School | None = None) -> list[str]:
        # The code ties imports to the school; only MOE IT changes it. The
        # networks lift per-address limits there, so only MOE IT sets them too.
        return [] if sees_all_schools(request.user) else ["code", "networks"]

    list_display = ["name", "code", "yearly_work"]

    def save_model(self, request: HttpRequest, obj: School, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "card_children_choose_answers" in form.changed_data:
            # Who may replace a card's answers is a security choice: audited.
            audit.record(request, "school.card_children_choose_answers", target=obj.code, school=obj,
                         allowed=obj.card_children_choose_answers)  # fmt: skip

    @admin.display(description=_("yearly work"))
    def yearly_work(self, obj: School) -> str:
        # Cards by level, the yearly password reset and year-end promotion run
        # as background batches on their own pages (batches/views.py).
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("batches:school", args=[obj.pk]),
            gettext("Cards and yearly reset"),
            reverse("batches:promote", args=[obj.pk]),
            gettext("Year-end promotion"),
        )


@admin.register(SchoolClass)
class SchoolClassAdmin(SchoolScopedAdmin, ClassBatchActions, admin.ModelAdmin):
    list_display = ["name", "year", "level", "school", "is_active", "student_count", "login_id_export"]
    list_filter = ["school", "year", "level", "is_active"]
    list_select_related = ["school"]
    search_fields = ["name"]
    show_full_result_count = False
    actions = ["issue_cards", "issue_slips"]  # batches/admin.py

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A subquery per shown row, not a GROUP BY over every student.
        count = (
            Student.objects.filter(school_class=OuterRef("pk"))
            .order_by()
            .values("school_class")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(
            n_students=Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
        )

    @admin.display(description=_("students"), ordering="n_students")
    def student_count(self, obj: SchoolClass) -> int:
        return obj.n_students

    @admin.display(description=_("login IDs"))
    def login_id_export(self, obj: SchoolClass) -> str:
        # The class export of the import pages (staff/student_import.py).
        url = reverse(f"{self.admin_site.name}:accounts_student_export_class", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download CSV"))


class TeacherForm(forms.ModelForm):
    class Meta:
        model = Teacher
        fields = ["user", "school", "form_classes"]

    def clean(self) -> dict:
        data = super().clean()
        school, user = data.get("school"), data.get("user")
        if school is not None:
            others = [c for c in data.get("form_classes") or [] if c.school_id != school.pk]
            if others:
                self.add_error("form_classes", _("Form classes must be classes of the teacher's school."))
        if user is not None and hasattr(user, "student"):
            self.add_error("user", _("This account belongs to a student."))
        return data


class TeacherAddForm(forms.ModelForm):
    """A new teacher with a new account: an ICT admin cannot pick an existing
    account, since an account without a profile belongs to no school yet."""

    username = forms.CharField(
        label=_("username"), max_length=150, validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only. The teacher signs in with it."),
    )  # fmt: skip
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("email address"), required=False)

    class Meta:
        model = Teacher
        fields = ["school", "form_classes"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lower()
        if User.objects.filter(username=username).exists():
            raise ValidationError(_("That username is already taken."), code="taken")
        return username

    def clean(self) -> dict:
        data = super().clean()
        school = data.get("school")
        if school is not None and any(c.school_id != school.pk for c in data.get("form_classes") or []):
            self.add_error("form_classes", _("Form classes must be classes of the teacher's school."))
        return data


def end_sessions_of(modeladmin: admin.ModelAdmin, request: HttpRequest, users: list[User]) -> None:
    """End every session of these accounts (a lost or shared laptop). An ICT
    admin may do it for the students and form teachers of their school, never
    for staff accounts; MOE IT for anyone."""
    from accounts.sessions import end_sessions

    count = 0
    for user in users:
        if not sees_all_schools(request.user) and (user.is_staff or user.is_superuser):
            continue
        ended = end_sessions(user)
        audit.record(request, "session.ended", target=user.login_id, school=audit.school_of(user), ended=ended,
                     by="admin")  # fmt: skip
        count += 1
    modeladmin.message_user(
        request,
        ngettext("Signed out %(n)d account everywhere.", "Signed out %(n)d accounts everywhere.", count) % {"n": count},
        messages.SUCCESS,
    )


@admin.register(Teacher)
class TeacherAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    form = TeacherForm
    add_form = TeacherAddForm
    list_display = ["__str__", "username", "school", "is_ict_admin", "classes", "email_flag"]
    list_filter = ["school", "user__is_staff"]
    list_select_related = ["user", "school"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["form_classes"]
    actions = ["end_sessions"]

    @admin.action(description=_("Sign out everywhere (end all sessions)"), permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet) -> None:
        end_sessions_of(self, request, [t.user for t in queryset.select_related("user")])

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("form_classes")

    def get_fields(self, request: HttpRequest, obj: Teacher | None = None) -> list[str]:
        if obj is None:
            return ["username", "first_name", "last_name", "email", "school", "form_classes"]
        return ["user", "school", "form_classes"]

    def get_readonly_fields(self, request: HttpRequest, obj: Teacher | None = None) -> list[str]:
        return ["user"] if obj is not None else []

    def _is_staff_peer(self, request: HttpRequest, obj: Teacher | None) -> bool:
        """Another ICT admin's profile (or one's own): an ICT admin may look at
        it but not change or delete it; only MOE IT manage ICT admins."""
        return obj is not None and obj.user.is_staff and not sees_all_schools(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Teacher | None = None) -> bool:
        return not self._is_staff_peer(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Teacher | None = None) -> bool:
        return not self._is_staff_peer(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Teacher, form: forms.ModelForm, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        # The account has no password yet: IT sets a first one with the
        # account's "change password" form, and the teacher changes it.
        with transaction.atomic():
            user = User(
                username=form.cleaned_data["username"], first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"], email=form.cleaned_data["email"],
            )  # fmt: skip
            user.set_unusable_password()
            user.save()
            obj.user = user
            super().save_model(request, obj, form, change)
            audit.record(request, "account.created", target=user.username, school=obj.school_id, role="teacher")
        return None

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, obj: Teacher) -> str:
        return obj.user.username

    @admin.display(description=_("ICT admin"), boolean=True, ordering="user__is_staff")
    def is_ict_admin(self, obj: Teacher) -> bool:
        return obj.user.is_staff

    @admin.display(description=_("form classes"))
    def classes(self, obj: Teacher) -> str:
        return ", ".join(str(c) for c in obj.form_classes.all())

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email_flag(self, obj: Teacher) -> str:
        # Without an address a teacher gets no lock or request e-mails; those
        # notices land in "Notices not sent" for the ICT admin instead.
        if obj.user.email:
            return obj.user.email
        return format_html("<strong>{}</strong>", gettext("No e-mail address: gets no notices"))


# --- students -------------------------------------------------------------------


class RenameLoginIdForm(PlainErrorsMixin, forms.Form):
    new_login_id = forms.CharField(
        label=_("New login ID"),
        max_length=150,
        help_text=_("The part before @, for example tan_ah_kow_2."),
    )


# "P1" to "P6", the same in every language.
_LEVEL_LABELS = dict(Level.choices)


@admin.register(Student)
class StudentAdmin(SchoolScopedAdmin, StudentBatchActions, admin.ModelAdmin):
    list_display = [
        "full_name", "login_id_display", "school_class", "level_display", "school", "answer_status", "left_on",
    ]  # fmt: skip
    # Related rows come by prefetch (3 small queries for the page), not by
    # joins: PostgreSQL joins every match before sorting and cutting the page,
    # which for a 12,000-match search was most of the time (docs/benchmarks.md).
    list_select_related = ()
    list_filter = ["school", StudentLevelFilter, StudentClassFilter, AnswerStatusFilter, "user__is_active"]
    # ^ makes login IDs a prefix search (index friendly); names and class
    # names are substring searches served by trigram indexes on PostgreSQL.
    search_fields = ["^user__username", "full_name", "school_class__name"]
    search_help_text = _("Search by login ID (or its start), by name (every word) or by class, such as 5 Courage.")
    show_full_result_count = False
    list_per_page = 100
    ordering = ["full_name", "pk"]  # served by the (school_id,) full_name, id indexes
    readonly_fields = ["login_id_display", "login_base", "school", "answer_status", "left_on", "records_link"]
    fields = [
        "full_name", "login_id_display", "student_ref", "school", "school_class", "answer_status", "left_on",
        "records_link",
    ]  # fmt: skip
    actions = [
        "issue_temporary_passwords",
        "issue_slips",  # batches/admin.py
        "reissue_cards",  # batches/admin.py
        "clear_challenge_answers",
        "unlock_students",
        "rename_login_id",
        records.mark_as_left,
        records.give_account_back,
        records.transfer_to_school,
        "end_sessions",
    ]

    @admin.action(description=_("Sign out everywhere (end all sessions)"), permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet) -> None:
        end_sessions_of(self, request, [s.user for s in queryset.select_related("user")])

    def has_transfer_permission(self, request: HttpRequest) -> bool:
        # Moving a child between schools by hand is MOE IT's; a receiving
        # school does it by importing the child (accounts/importing.py).
        return sees_all_schools(request.user)

    @admin.display(description=_("records"))
    def records_link(self, obj: Student) -> str:
        url = reverse(f"{self.admin_site.name}:accounts_student_records", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Everything held about this child (page and JSON)"))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Answer status as one scalar subquery, evaluated for the rows of the
        # page only: no query per row and no GROUP BY over every student.
        status = ChallengeAnswer.objects.filter(user_id=OuterRef("user_id")).statuses().values("status")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("user", "school", "school_class")
            .annotate(answers_status=Coalesce(Subquery(status, output_field=CharField()), Value(AnswerStatus.NONE)))
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Students whose name contains every word typed, whose login ID starts
        with what was typed (one word), or whose class name contains it.

        Django's own search ORs conditions on three joined tables for every
        word, which no index can serve: seconds at 500,000 students. Here the
        search is ``id IN (by name ∪ by login ID ∪ by class)`` and each part
        uses an index: the trigram index on the name (all words in one index
        scan), the username pattern index, the class foreign key. Login IDs
        are lowercase, so the typed word is normalised (case, the
        ``@students.edu.sg`` ending) and matched case-sensitively.
        """
        words = [_unquote(bit) for bit in smart_split(search_term.strip()[:200])][:8]
        words = [w for w in words if w]
        if not words:
            return queryset, False
        base = self.scope_queryset(request, Student.objects.order_by())
        parts = []
        if len(words) == 1:
            parts.append(base.filter(user__username__startswith=normalise_login_id(words[0])).values("pk"))
        # "_" and "@" appear in login IDs, never in names or class names; such a
        # search skips the name index, whose recheck would only say no slowly.
        if not any("_" in word or "@" in word for word in words):
            by_name = base
            for word in words:
                by_name = by_name.filter(full_name__icontains=word)
            parts += [by_name.values("pk"), base.filter(school_class__name__icontains=" ".join(words)).values("pk")]
        if not parts:
            return queryset.none(), False
        matching = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        return queryset.filter(pk__in=matching), False

    def get_sortable_by(self, request: HttpRequest) -> list[str]:
        # Across every school only the name order has an index; an ICT admin's
        # few thousand rows sort quickly by any column.
        if sees_all_schools(request.user):
            return ["full_name"]
        return super().get_sortable_by(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Students arrive through the import, which makes their login IDs.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "school_class":
            formfield.queryset = formfield.queryset.select_related("school")
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        school_id = obj.school_id if obj is not None else None

        class StudentForm(form):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                # Only the student's own school's classes: for MOE IT the list
                # would otherwise hold every class of every school.
                field = self.fields.get("school_class")
                if field is not None and school_id is not None:
                    field.queryset = field.queryset.filter(school_id=school_id)

            def clean_school_class(self) -> SchoolClass | None:
                chosen = self.cleaned_data.get("school_class")
                if chosen is not None and school_id is not None and chosen.school_id != school_id:
                    raise ValidationError(_("Choose a class of the student's own school."))
                return chosen

        return StudentForm

    @admin.display(description=_("login ID"), ordering="user__username")
    def login_id_display(self, obj: Student) -> str:
        return obj.login_id

    @admin.display(description=_("level"), ordering="school_class__level")
    def level_display(self, obj: Student) -> str:
        if not obj.school_class_id:
            return "–"
        level = obj.school_class.level
        return _LEVEL_LABELS.get(level, str(level))  # as get_level_display(), without its dict per row

    @admin.display(description=_("challenge answers"))
    def answer_status(self, obj: Student) -> str:
        status = getattr(obj, "answers_status", None)
        if status is None:  # an object not from get_queryset
            status = obj.user.challenge_answers.status()
        # Translated here, once: Django's cell compared the lazy label with five empty values,
        # translating it each time.
        return str(AnswerStatus(status).label)

    # -- the list's rows (templates/admin/accounts/student/change_list.html) --
    _ROW = (
        '<td class="action-checkbox">{}</td><th class="field-full_name"><a href="{}">{}</a></th>'
        '<td class="field-login_id_display">{}</td><td class="field-school_class nowrap">{}</td>'
        '<td class="field-level_display">{}</td><td class="field-school nowrap">{}</td>'
        '<td class="field-answer_status">{}</td><td class="field-left_on nowrap">{}</td>'
    )

    def result_rows(self, cl: ChangeList) -> list[str] | None:
        """Each row of the list as Django's ``items_for_result`` writes it (the same values and
        functions), in one ``format_html`` per row: Django's work per cell (a field lookup, an
        empty-value test, a ``format_html``) was a sixth of the page's CPU. None where Django should
        write the rows: other columns (without actions there is no checkbox) or a popup."""
        if cl.is_popup or list(cl.list_display) != ["action_checkbox", *self.list_display]:
            return None
        empty = self.get_empty_value_display()
        full_name, left_on = Student._meta.get_field("full_name"), Student._meta.get_field("left_on")
        # The change page's address (and the list's filters after it) reversed once: rows differ by the
        # id alone, a number, which the first "__pk__" (the one in the path) stands for.
        change_url = reverse(f"{self.admin_site.name}:accounts_student_change", args=["__pk__"])
        change_url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, change_url)
        return [
            format_html(
                self._ROW,
                self.action_checkbox(obj),
                change_url.replace("__pk__", str(obj.pk), 1),
                display_for_field(obj.full_name, full_name, empty, avoid_link=True),
                display_for_value(self.login_id_display(obj), empty),
                obj.school_class if obj.school_class_id else empty,
                display_for_value(self.level_display(obj), empty),
                obj.school,
                display_for_value(self.answer_status(obj), empty),
                display_for_field(obj.left_on, left_on, empty),
            )
            for obj in cl.result_list
        ]

    # -- URLs: the student import (staff/student_import.py) -----------------
    def get_urls(self) -> list:
        return [*records.records_urls(self), *import_urls(self.admin_site), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        may_import = self.has_change_permission(request)
        import_url = reverse(f"{self.admin_site.name}:accounts_student_import") if may_import else None
        extra_context = {**(extra_context or {}), "import_url": import_url}
        return super().changelist_view(request, extra_context)

    # -- actions -----------------------------------------------------------
    def _confirm(self, request: HttpRequest, queryset: QuerySet, action: str, title: str, explanation: str):
        """Ask before an action that changes children's accounts, as Django's
        own delete action does; the confirming POST comes back to the action."""
        students = list(queryset.select_related("user", "school_class"))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "explanation": explanation,
            "students": students,
            "selected": [s.pk for s in students],
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/student/confirm_action.html", context)

    @admin.action(description=_("Issue temporary password"), permissions=["change"])
    def issue_temporary_passwords(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        count = queryset.count()
        if count > MAX_PASSWORDS_AT_ONCE:
            self.message_user(
                request,
                gettext("Choose at most %(max)d students at a time.") % {"max": MAX_PASSWORDS_AT_ONCE},
                messages.ERROR,
            )
            return None
        if request.POST.get("confirm") != "yes":
            return self._confirm(
                request,
                queryset,
                "issue_temporary_passwords",
                gettext("Issue temporary passwords"),
                gettext(
                    "Each child below gets a new temporary password and must choose their own at the next "
                    "sign-in. Their current password stops working and they are signed out everywhere."
                ),
            )
        issued = []
        # All or nothing: the page shows passwords only if every one was saved.
        # Each child goes through the teacher pages' flow (its row lock, its audit).
        with transaction.atomic():
            for student in queryset.select_related("user", "school_class").order_by("school_class__name", "full_name"):
                password = flows.issue_password(
                    request, student, actor=request.user, request_id=None, stamp=None, channel="it"
                )
                issued.append({"student": student, "password": password})
        # The same slips as the batches print, handed over inside this page
        # (a data: link), so the passwords are still kept nowhere.
        pdf = slips_pdf([(row["student"], row["password"]) for row in issued])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Temporary passwords"),
            "issued": issued,
            "slips_pdf": base64.b64encode(pdf).decode("ascii"),
            "opts": self.model._meta,
        }
        # Shown once: never cached, never stored; the page says so.
        response = TemplateResponse(request, "admin/accounts/student/temporary_passwords.html", context)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True)
        return response

    @admin.action(description=_("Clear challenge answers"), permissions=["change"])
    def clear_challenge_answers(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if request.POST.get("confirm") != "yes":
            return self._confirm(
                request,
                queryset,
                "clear_challenge_answers",
                gettext("Clear challenge answers"),
                gettext(
                    "The challenge answers of each child below are deleted. They cannot reset their password by "
                    "themselves until they set new answers (Primary 4–6) or get a new card (Primary 2–3)."
                ),
            )
        cleared = 0
        with transaction.atomic():
            for student in queryset.select_related("user"):
                flows.clear_answers(request, student, actor=request.user, request_id=None, channel="it")
                cleared += 1
        self.message_user(
            request,
            ngettext(
                "Cleared the challenge answers of %(n)d student.",
                "Cleared the challenge answers of %(n)d students.",
                cleared,
            )
            % {"n": cleared},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Unlock sign-in and self-service reset"), permissions=["change"])
    def unlock_students(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for student in queryset.select_related("user"):
            for kind in flows.UNLOCKS:
                flows.unlock(request, student, kind=kind, actor=request.user, request_id=None, channel="it")
            count += 1
        self.message_user(
            request,
            ngettext("Unlocked %(n)d student.", "Unlocked %(n)d students.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Rename login ID"), permissions=["change"])
    def rename_login_id(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        students = list(queryset.select_related("user", "school_class")[:2])
        if len(students) != 1:
            self.message_user(request, gettext("Choose exactly one student to rename."), messages.ERROR)
            return None
        student = students[0]
        form = RenameLoginIdForm(request.POST if "new_login_id" in request.POST else None)
        if form.is_valid():
            old = student.login_id
            try:
                with transaction.atomic():
                    rename_login_id(
                        student,
                        normalise_login_id(form.cleaned_data["new_login_id"]),
                        request=request,
                        actor=request.user,
                    )
            except ValidationError as e:
                form.add_error("new_login_id", e)
            else:
                student.user.refresh_from_db()
                self.message_user(
                    request,
                    gettext("Renamed %(old)s to %(new)s.") % {"old": old, "new": student.login_id},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Rename login ID"),
            "student": student,
            "form": form,
            "action": "rename_login_id",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/student/rename_login_id.html", context)


# --- users -----------------------------------------------------------------------


@admin.register(User)
class UserAdmin(SchoolScopedAdmin, DjangoUserAdmin):
    """A user is in a school through their student or teacher profile. ICT
    admins may change the students and form teachers of their school, never
    staff accounts, permissions or groups."""

    list_display = ["username", "first_name", "last_name", "role", "school_name", "is_active", "must_change_password"]
    list_filter = ["is_staff", "is_superuser", "is_active", "must_change_password"]
    list_select_related = ["student__school", "teacher__school"]
    show_full_result_count = False
    search_fields = ["^username", "first_name", "last_name"]

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        scope = scope_of(request.user)
        if scope.everything:
            return queryset
        if not scope.is_it:
            return queryset.none()
        return queryset.filter(pk__in=user_ids_of_school(scope.school_id))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Accounts whose username starts with the word, or teachers whose
        first or last name contains it; each part through an index (see
        StudentAdmin.get_search_results). Students' names are on the student
        list."""
        words = [w for w in (_unquote(bit) for bit in smart_split(search_term.strip()[:200])) if w][:8]
        if not words:
            return queryset, False
        by_name = Teacher.objects.order_by()
        for word in words:
            by_name = by_name.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word))
        matching = by_name.values("user_id")
        if len(words) == 1:
            by_username = User.objects.order_by().filter(username__startswith=normalise_login_id(words[0]))
            matching = by_username.values("pk").union(matching)
        return self.scope_queryset(request, queryset.filter(pk__in=matching)), False

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [*fieldsets, (_("Student MIMS"), {"fields": ["must_change_password"]})]
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not sees_all_schools(request.user):
            # A new login ID goes through the students' "Rename login ID"
            # action, which checks it, locks the row and audits the change.
            readonly += [
                "username", "is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined",
            ]  # fmt: skip
        if obj is not None and hasattr(obj, "student"):
            # A child leaves and comes back through the students' actions
            # (accounts/leavers.py), which date, audit and signal it.
            readonly.append("is_active")
        return readonly

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new account needs a student or teacher profile to belong to a school.
        return sees_all_schools(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and not sees_all_schools(request.user) and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return sees_all_schools(request.user) and super().has_delete_permission(request, obj)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's set-password page, audited; the account must then choose
        its own password at the next sign-in, as after a temporary password.
        One's own password is changed on the page that asks for the current one."""
        if str(unquote(id)) == str(request.user.pk):
            return redirect("admin:password_change")
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk != request.user.pk:
                user.must_change_password = True
                user.temporary_password_expires = temporary_password_expiry()
                user.save(update_fields=["must_change_password", "temporary_password_expires"])
            profile = getattr(user, "student", None) or getattr(user, "teacher", None)
            audit.record(
                request, "password.temporary", target=user.login_id,
                school=profile.school_id if profile is not None else None, channel="it",
            )  # fmt: skip
            if user is not None:
                notices.temporary_password(user)
                revoke_sign_ins(user, "password_reset", request=request)
        return response

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            revoke_sign_ins(obj, "deactivated", request=request)

    @admin.display(description=_("role"))
    def role(self, obj: User) -> str:
        if obj.is_superuser:
            return gettext("MOE IT")
        if hasattr(obj, "student"):
            return gettext("student")
        if hasattr(obj, "teacher"):
            return gettext("ICT admin") if obj.is_staff else gettext("teacher")
        return "–"

    @admin.display(description=_("school"))
    def school_name(self, obj: User) -> str:
        profile = getattr(obj, "student", None) or getattr(obj, "teacher", None)
        return str(profile.school) if profile is not None else "–"


# --- audit log -------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    """Read-only for everyone, superusers included; the database refuses
    changes too (PostgreSQL trigger, see the migration)."""

    list_display = ["created", "action", "outcome", "actor_label", "target", "school", "ip", "details_short"]
    list_filter = ["school", ActionFilter, "outcome", ActorFilter, DateRangeFilter]
    list_select_related = ["school"]
    search_fields = ["target", "actor_label"]
    show_full_result_count = False
    list_per_page = 100
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    @admin.display(description=_("details"))
    def details_short(self, obj: AuditEvent) -> str:
        # The whole JSON is on the event's page and in the CSV; the list shows its start.
        text = ", ".join(f"{k}: {v}" for k, v in (obj.details or {}).items())
        return text if len(text) <= 80 else text[:79] + "…"

    def get_urls(self) -> list:
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="accounts_auditevent_export"), *super().get_urls()]

    @admin.action(description=_("Export selected events as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self._csv(request, queryset)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The events of the current filters and search, as CSV."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        try:
            changelist = self.get_changelist_instance(request)
        except admin.options.IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:accounts_auditevent_changelist"))
        return self._csv(request, changelist.get_queryset(request))

    @fresh_second_factor_required(methods=None)
    def _csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        audit.record(request, "audit.exported", school=scope_of(request.user).school_id)
        rows = (
            [
                timezone.localtime(e.created).isoformat(timespec="seconds"),
                e.action,
                e.outcome,
                e.actor_label,
                e.target,
                e.school.name if e.school_id else "",
                e.ip or "",
                e.user_agent,
                e.details,
            ]
            for e in queryset.select_related("school").order_by("-created", "-id").iterator(chunk_size=2000)
        )
        header = [
            gettext("when"), gettext("action"), gettext("outcome"), gettext("actor"), gettext("target"),
            gettext("school"), gettext("IP address"), gettext("user agent"), gettext("details"),
        ]  # fmt: skip
        return csv_response("audit-events.csv", header, rows)

"""Reset requests in the admin: the school's ICT admin matches by hand the
requests no child (or more than one) fitted, or declines them.

Scoped by :class:`~accounts.admin_scoping.SchoolScopedAdmin` to the admin's
school. ICT admins need the ``helpdesk.view_resetrequest`` and
``helpdesk.change_resetrequest`` permissions, like every other admin model.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_scoping import SchoolScopedAdmin

from . import flows
from .forms import CloseRequestForm, MatchForm
from .matching import likely_children
from .models import ResetRequest, normalise_code


class MatchedFilter(admin.SimpleListFilter):
    title = gettext_lazy("matched to a child")
    parameter_name = "matched"
    NEEDS_MATCHING = "needs"

    def lookups(self, request, model_admin):
        return [
            (self.NEEDS_MATCHING, gettext_lazy("Needs matching (open, no child yet)")),
            ("no", gettext_lazy("Not matched")),
            ("yes", gettext_lazy("Matched")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.NEEDS_MATCHING:
            return queryset.open().unmatched()
        if self.value() == "no":
            return queryset.filter(student__isnull=True)
        if self.value() == "yes":
            return queryset.filter(student__isnull=False)
        return queryset


@admin.register(ResetRequest)
class ResetRequestAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    school_path = "school"
    list_display = ["created", "full_name", "class_name", "school", "student", "state", "submissions", "match_link"]
    list_filter = [MatchedFilter, "state"]
    search_fields = ["full_name", "class_name", "login_id", "codes__code"]
    ordering = ["created"]
    readonly_fields = [
        "created", "school", "full_name", "class_name", "login_id", "requester", "contact", "note", "student",
        "submissions", "state", "reason", "handled_by", "handled_at",
    ]
    fields = readonly_fields
    list_select_related = ["school", "student"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the public form only

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        # A reference code is typed as shown ("K7MX-3QPA"); it is stored without the dash.
        if code := normalise_code(search_term):
            search_term = code
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("needs matching"))
    def match_link(self, obj: ResetRequest) -> str:
        if obj.student_id is None and obj.is_open:
            url = reverse("admin:helpdesk_resetrequest_match", args=[obj.pk])
            return format_html(
                '<strong class="mims-flag">{}</strong> <a href="{}">{}</a>', _("Needs matching"), url,
                _("Match to a child"),
            )  # fmt: skip
        return "-"

    def get_urls(self):
        extra = [
            path(
                "<int:object_id>/match/",
                self.admin_site.admin_view(self.match_view),
                name="helpdesk_resetrequest_match",
            )
        ]
        return extra + super().get_urls()

    def match_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        reset_request = self.get_queryset(request).filter(pk=object_id).select_related("school").first()
        if reset_request is None or not self.has_change_permission(request, reset_request):
            raise Http404
        match_form = MatchForm(reset_request=reset_request)
        close_form = CloseRequestForm(initial={"state": ResetRequest.State.DECLINED})
        if request.method == "POST":
            try:
                if "match" in request.POST:
                    match_form = MatchForm(request.POST, reset_request=reset_request)
                    if match_form.is_valid():
                        flows.match_by_hand(
                            request, reset_request.pk, match_form.cleaned_data["student"], actor=request.user
                        )
                        messages.success(request, _("Matched. The child's form teachers have been told."))
                        return HttpResponseRedirect(reverse("admin:helpdesk_resetrequest_changelist"))
                else:
                    close_form = CloseRequestForm(request.POST)
                    if close_form.is_valid() and close_form.cleaned_data["state"] == ResetRequest.State.DECLINED:
                        flows.decline_by_admin(
                            request, reset_request.pk, actor=request.user, reason=close_form.cleaned_data["reason"]
                        )
                        messages.success(request, _("Request declined."))
                        return HttpResponseRedirect(reverse("admin:helpdesk_resetrequest_changelist"))
                    if close_form.is_valid():
                        close_form.add_error("state", _("Match the request to a child to handle it."))
            except flows.ActionRefused as refusal:
                messages.error(request, refusal.message)
                return HttpResponseRedirect(reverse("admin:helpdesk_resetrequest_changelist"))
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Match a reset request"),
            "reset_request": reset_request,
            "likely": likely_children(reset_request.school, reset_request.full_name, reset_request.class_name),
            "match_form": match_form,
            "close_form": close_form,
        }
        return TemplateResponse(request, "helpdesk/admin_match.html", ctx)

"""Notices that reached no one, for the school's ICT admin (MOE IT: all).

Read-only: a row says which notice, meant for whom, about which child and
why it was not sent, so that the ICT admin can tell the person another way
and add the missing e-mail address (admin → Teachers flags those without).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import SchoolScopedAdmin
from accounts.models import UndeliveredNotice

NOTICE_LABELS = {
    "password-changed": _("password changed (to the child)"),
    "temporary-password": _("temporary password issued (to the child)"),
    "answers-changed": _("challenge answers changed (to the child)"),
    "sspr-locked": _("self-service reset locked (to the form teachers)"),
    "reset-request": _("new reset request (to the teachers)"),
}


@admin.register(UndeliveredNotice)
class UndeliveredNoticeAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["created", "notice_label", "recipient_name", "about", "reason", "school"]
    list_filter = ["reason", "school"]
    list_select_related = ["recipient", "school"]
    search_fields = ["about", "recipient__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: UndeliveredNotice | None = None) -> bool:
        return False

    @admin.display(description=_("notice"), ordering="notice")
    def notice_label(self, obj: UndeliveredNotice) -> str:
        return str(NOTICE_LABELS.get(obj.notice, obj.notice))

    @admin.display(description=_("meant for"))
    def recipient_name(self, obj: UndeliveredNotice) -> str:
        if obj.recipient is None:
            return str(_("no one (no form teacher)")) if obj.reason == obj.Reason.NO_RECIPIENT else "–"
        return obj.recipient.get_full_name() or obj.recipient.username

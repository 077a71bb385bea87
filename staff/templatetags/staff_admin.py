"""Figures the admin index shows next to its links, and the student list's rows."""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.admin_list import ResultList, result_headers, result_list
from django.contrib.admin.views.main import ChangeList

from accounts.models import User
from helpdesk.models import ResetRequest

register = template.Library()


@register.simple_tag
def needs_matching_count(user: User) -> int:
    """Open reset requests no child fitted, in the user's scope (the ICT admin's school)."""
    return ResetRequest.objects.open().unmatched().for_user(user).count()


@register.inclusion_tag("admin/change_list_results.html")
def student_result_list(cl: ChangeList) -> dict:
    """Django's ``{% result_list cl %}``, with the rows ``StudentAdmin.result_rows`` writes."""
    rows = cl.model_admin.result_rows(cl)
    if rows is None:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],  # only a list with editable columns has them
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [ResultList(None, [row]) for row in rows],
    }

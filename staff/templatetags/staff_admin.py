"""Figures the admin index shows next to its links."""

from __future__ import annotations

from django import template

from accounts.models import User
from helpdesk.models import ResetRequest

register = template.Library()


@register.simple_tag
def needs_matching_count(user: User) -> int:
    """Open reset requests no child fitted, in the user's scope (the ICT admin's school)."""
    return ResetRequest.objects.open().unmatched().for_user(user).count()

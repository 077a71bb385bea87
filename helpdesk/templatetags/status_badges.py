"""A child's answers' status as badges, on the class list (a row per child) and the
child's page: one Python call per row instead of a template include per row,
which cost the class page a template context and a dozen nodes per child."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from helpdesk.roster import Row

register = template.Library()


@register.simple_tag
def status_badges(row: Row) -> SafeString:
    if row.answers == "own":
        badge = format_html('<span class="badge ok">{}</span>', _("Set up by the child"))
    elif row.answers == "school":
        badge = format_html('<span class="badge warn">{}</span>', _("Set up by the school"))
    else:
        badge = format_html('<span class="badge bad">{}</span>', _("Not set up"))
    step = row.next_step
    if step == "card":
        return format_html('{}\n<span class="badge-note">{}</span>', badge, _("Needs a new challenge card"))
    if step == "setup":
        return format_html('{}\n<span class="badge-note">{}</span>', badge, _("Asked to set up at the next sign-in"))
    return badge

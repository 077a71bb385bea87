from django import template

from ..models import SchoolApp

register = template.Library()


@register.inclusion_tag("sso/my_apps.html")
def my_apps(user) -> dict:
    """The apps this person may open, as large tiles (the account page)."""
    return {"apps": SchoolApp.objects.for_user(user)}

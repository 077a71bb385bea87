from django import template

from accounts.validators import checklist

register = template.Library()


@register.inclusion_tag("includes/password_rules.html")
def password_checklist(new_id: str = "id_new_password1", again_id: str = "id_new_password2") -> dict:
    """The live checklist, built from AUTH_PASSWORD_VALIDATORS (the one rule)."""
    return {"items": checklist(), "new_id": new_id, "again_id": again_id}

"""The error pattern's one template helper: "Error:" in the page title."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_has_errors(context: template.Context) -> bool:
    """True if any bound form on the page has errors, or the view says so (``page_error``):
    base.html then starts the <title> with "Error:", whatever the form is called."""
    if context.get("page_error"):
        return True
    # type(), not isinstance(): isinstance() asks a lazy value (the user, the CSP nonce) for its
    # __class__, which loads the user or makes a nonce on every page.
    return any(
        issubclass(type(v), forms.BaseForm) and v.is_bound and v.errors for d in context.dicts for v in d.values()
    )


@register.filter
def error_target(field: forms.BoundField | None) -> str:
    """The id the error summary links to: the box, or a radio list's first choice."""
    if field is None:
        return ""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label

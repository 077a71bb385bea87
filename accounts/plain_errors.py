"""Error messages a child can act on, for every form in the portal.

Django says "This field is required." for an empty box; nobody knows what to do
with that. :class:`PlainErrorsMixin` replaces it with words that say what to
type or pick: the form's own ``required_messages`` where it has them, otherwise
a sentence built from the field's label and kind. Templates show the messages
in one pattern (``templates/includes/form_errors.html`` and ``field.html``):
an error summary at the top linking to each field, each message under its own
field, and "Error:" in the page title.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


def required_message(field: forms.Field) -> str:
    """What to do when ``field`` is left empty, from its kind and label."""
    label = field.label or ""
    widget = field.widget
    if isinstance(getattr(widget, "widget", None), forms.Widget):
        widget = widget.widget  # the admin's wrapper with "add another" links around the real one
    if isinstance(widget, forms.CheckboxInput):
        return _("Tick “%(label)s” to go on.") % {"label": label}
    if isinstance(widget, (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return _("Pick one for “%(label)s”.") % {"label": label}
    if isinstance(widget, forms.FileInput):
        return _("Choose a file for “%(label)s”.") % {"label": label}
    return _("Type something in “%(label)s”.") % {"label": label}


class PlainErrorsMixin:
    """Put first in a form's bases: ``class LoginForm(PlainErrorsMixin, forms.Form)``.

    ``required_messages`` maps a field name to what to say when it is empty
    ("Type your login ID."); a field not listed gets :func:`required_message`.
    A field whose form already chose its own "required" message keeps it.
    """

    required_messages: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.required_messages:
                field.error_messages["required"] = self.required_messages[name]
            elif field.error_messages.get("required") is _DJANGO_REQUIRED:
                field.error_messages["required"] = required_message(field)


def plain_form(form: type[forms.BaseForm], required_messages: dict[str, str] | None = None) -> type[forms.BaseForm]:
    """``form`` with :class:`PlainErrorsMixin` (for forms made elsewhere: the admin's)."""
    if issubclass(form, PlainErrorsMixin) and not required_messages:
        return form
    bases = (form,) if issubclass(form, PlainErrorsMixin) else (PlainErrorsMixin, form)
    messages = {**getattr(form, "required_messages", {}), **(required_messages or {})}
    return type(form.__name__, bases, {"required_messages": messages, "__module__": form.__module__})


class PlainErrorsAdmin:
    """The same for the admin: put before ``admin.ModelAdmin`` or an inline
    (``SchoolScopedAdmin`` starts with it). Its add and change forms, and its
    inlines' forms, say what to type; ``required_messages`` as on a form."""

    required_messages: dict[str, str] = {}

    def get_form(self, request, *args, **kwargs):
        return plain_form(super().get_form(request, *args, **kwargs), self.required_messages)

    def get_formset(self, request, *args, **kwargs):
        formset = super().get_formset(request, *args, **kwargs)  # a new class on every call
        formset.form = plain_form(formset.form, self.required_messages)
        return formset

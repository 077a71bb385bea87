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

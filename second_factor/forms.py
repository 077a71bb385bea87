from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false",
                   "autofocus": True}  # fmt: skip
        ),
    )


class AppCodeForm(CodeForm):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext_lazy("The 6-digit code your authenticator app shows now.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PolicyForm(forms.Form):
    teachers_need_second_factor = forms.BooleanField(
        label=gettext_lazy("Form teachers must use a second factor"), required=False
    )

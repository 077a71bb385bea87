from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.models import Device

from accounts import ratelimits
from accounts.plain_errors import PlainErrorsMixin

from . import flows


class CodeForm(PlainErrorsMixin, forms.Form):
    """The code step: an authenticator-app code or a recovery code. On success
    ``form.device`` is the factor that took it; a failure is counted (flows.failed)."""

    required_messages = {"code": gettext_lazy("Type the code.")}

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false",
                   "autofocus": True}  # fmt: skip
        ),
    )


    def __init__(self, request: HttpRequest | None = None, *args, **kwargs) -> None:
        self.request = request
        self.device: Device | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        code = self.cleaned_data.get("code")
        if not code or self.request is None:
            return self.cleaned_data
        if ratelimits.signin_refused(self.request):  # a home address over its limits, as at sign-in
            raise forms.ValidationError(ratelimits.TOO_MANY_TRIES, code="rate_limited")
        self.device = flows.check_code(self.request, code)
        if self.device is None:
            flows.failed(self.request, method="code")
            self.add_error("code", _("That code did not work. Check it and try again."))
        return self.cleaned_data


class AppCodeForm(PlainErrorsMixin, forms.Form):
    required_messages = CodeForm.required_messages
    code = CodeForm.base_fields["code"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext_lazy("The 6-digit code your authenticator app shows now.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PolicyForm(PlainErrorsMixin, forms.Form):
    teachers_need_second_factor = forms.BooleanField(
        label=gettext_lazy("Form teachers must use a second factor"), required=False
    )

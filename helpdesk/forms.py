from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import School, Student
from accounts.plain_errors import PlainErrorsMixin
from accounts.ratelimits import request_status_lookups_exceeded, reset_requests_exceeded

from .models import ResetRequest, normalise_code


def _tidy(text: str) -> str:
    """NFKC and single spaces: what a phone keyboard sends, made comparable."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


class ResetRequestForm(PlainErrorsMixin, forms.Form):
    required_messages = {
        "full_name": _("Type the child's full name."),
        "school": _("Choose the school."),
        "class_name": _("Type the class, for example 4 Courage."),
        "requester": _("Pick who is asking."),
    }

    full_name = forms.CharField(
        label=_("Child's full name"),
        max_length=150,
        help_text=_("As the school has it, for example Tan Xiao Ming."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.all(), empty_label=_("Choose the school")
    )
    class_name = forms.CharField(
        label=_("Class"), max_length=50, help_text=_("For example 4 Courage.")
    )
    login_id = forms.CharField(
        label=_("Login ID, if you know it"),
        max_length=150,
        required=False,
        help_text=_("For example tan_xiao_ming@students.edu.sg. You can leave this empty."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    requester = forms.ChoiceField(
        label=_("Who is asking?"),
        choices=[
            (ResetRequest.Requester.STUDENT, _("I am the student")),
            (ResetRequest.Requester.PARENT, _("I am a parent or guardian")),
        ],
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label=_("Phone or e-mail for the teacher (you can leave this empty)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Anything the teacher should know? (short)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_full_name(self) -> str:
        value = _tidy(self.cleaned_data["full_name"])
        if not any(ch.isalpha() for ch in value):
            raise ValidationError(_("Please type the child's name."))
        return value

    def clean_class_name(self) -> str:
        value = _tidy(self.cleaned_data["class_name"])
        if not any(ch.isalnum() for ch in value):
            raise ValidationError(_("Please type the class, for example 4 Courage."))
        return value

    def clean_login_id(self) -> str:
        return _tidy(self.cleaned_data["login_id"])

    def clean_contact(self) -> str:
        return _tidy(self.cleaned_data["contact"])

    def clean_note(self) -> str:
        # Keep line breaks, drop other control characters.
        text = unicodedata.normalize("NFKC", self.cleaned_data["note"] or "")
        return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C").strip()

    def clean(self) -> dict:
        if reset_requests_exceeded(self.request):
            raise ValidationError(
                _("Too many requests have been sent from here. Please wait an hour and try again."),
                code="rate_limited",
            )
        return super().clean()


class StatusForm(PlainErrorsMixin, forms.Form):
    required_messages = {"code": _("Type the reference code.")}

    code = forms.CharField(
        label=_("Reference code"),
        # No max_length: anything too long is simply not a code, and gets the
        # same "not found" as any other unknown code.
        help_text=_("8 letters and numbers, for example K7MX-3QPA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 20}
        ),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict:
        if request_status_lookups_exceeded(self.request):
            raise ValidationError(
                _("Too many codes have been checked from here. Please wait a few minutes and try again."),
                code="rate_limited",
            )
        data = super().clean()
        data["code"] = normalise_code(data.get("code", ""))
        return data


class CloseRequestForm(PlainErrorsMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("Close the request as"),
        choices=[(ResetRequest.State.DONE, _("Done")), (ResetRequest.State.DECLINED, _("Declined"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Message for the person who asked"),
        max_length=300,
        required=False,
        help_text=_("They see this on the status page. Needed when you decline. Do not write a password here."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
    )

    def clean_reason(self) -> str:
        return _tidy(self.cleaned_data["reason"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("state") == ResetRequest.State.DECLINED and not data.get("reason"):
            self.add_error("reason", _("Say why, so the person who asked knows what to do next."))
        return data


class MatchForm(PlainErrorsMixin, forms.Form):
    """ICT admin: pick the child a request is about, from the request's school."""

    student = forms.ModelChoiceField(label=_("Child"), queryset=Student.objects.none())

    def __init__(self, *args, reset_request: ResetRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = (
            Student.objects.filter(school_id=reset_request.school_id)
            .select_related("school_class", "user")
            .order_by("school_class__name", "full_name")
        )
        self.fields["student"].label_from_instance = lambda s: (
            f"{s.full_name} · {s.school_class.name if s.school_class else '-'} · {s.user.username}"
        )

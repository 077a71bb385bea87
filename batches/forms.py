from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, SchoolClass, Student
from accounts.plain_errors import PlainErrorsMixin
from accounts.templatetags.login_ids import breakable
from sspr.cards import CARD_LEVELS

from .models import Batch


class StudentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Student) -> str:
        # Two children of a class may share a name; their login IDs differ. The
        # login ID may break after "_", "@", "." on a phone, not widen the page.
        return format_html("<span>{} ({})</span>", obj.full_name, breakable(obj.user.login_id))


class ClassBatchForm(PlainErrorsMixin, forms.Form):
    """Cards or slips for a whole class, or for the children ticked."""

    kind = forms.ChoiceField(
        label=_("What to make"),
        choices=[
            (Batch.Kind.CARDS, _("Challenge cards (new secret words)")),
            (Batch.Kind.SLIPS, _("Sign-in slips (new temporary passwords)")),
        ],
        widget=forms.RadioSelect,
    )
    students = StudentChoiceField(
        label=_("Only these children"),
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick children for a lost card or slip. Tick none for the whole class."),
    )
    confirm = forms.BooleanField(
        label=_("I understand the old secret words or passwords of these children stop working."),
        error_messages={"required": _("Tick the box to say you understand.")},
    )

    def __init__(self, *args, school_class: SchoolClass, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school_class = school_class
        self.fields["students"].queryset = (
            Student.objects.current()
            .filter(school_class=school_class)
            .select_related("user", "school", "school_class")
            .order_by("full_name")
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Batch.Kind.CARDS and self.school_class.level not in CARD_LEVELS:
            self.add_error("kind", _("Challenge cards are only for Primary 2 and Primary 3."))
        return data

    def chosen(self) -> list[Student]:
        return list(self.cleaned_data["students"] or self.fields["students"].queryset)


class SchoolBatchForm(PlainErrorsMixin, forms.Form):
    """IT: cards or the yearly password reset for chosen levels of a school."""

    kind = ClassBatchForm.base_fields["kind"]
    levels = forms.TypedMultipleChoiceField(
        label=_("Levels"), choices=Level.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    confirm = forms.BooleanField(
        label=_("I understand the old secret words or passwords of these children stop working."),
        error_messages={"required": _("Tick the box to say you understand.")},
    )

    def clean(self) -> dict:
        data = super().clean()
        levels = set(data.get("levels") or [])
        if data.get("kind") == Batch.Kind.CARDS and levels - set(CARD_LEVELS):
            self.add_error("levels", _("Challenge cards are only for Primary 2 and Primary 3."))
        return data


class PromotionForm(PlainErrorsMixin, forms.Form):
    from_year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2999)
    confirm = forms.BooleanField(
        label=_("I have checked the list above. Move the school into the new year."),
        error_messages={"required": _("Tick the box to say you have checked the list.")},
    )

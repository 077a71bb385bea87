from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import lockouts, ratelimits
from accounts.models import User
from accounts.plain_errors import PlainErrorsMixin
from accounts.usernames import normalise_login_id

from .answers import ANSWER_MAX, ANSWER_MIN, hash_answer, is_same_answer, normalise_answer
from .models import ChallengeQuestion


class StartForm(PlainErrorsMixin, forms.Form):
    required_messages = {"login_id": gettext_lazy("Type your login ID.")}
    login_id = forms.CharField(
        label=gettext_lazy("Your login ID"),
        max_length=200,
        help_text=gettext_lazy("For example: muhammad_ali_muhammad_raihan@students.edu.sg"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_login_id(self) -> str:
        key = normalise_login_id(self.cleaned_data["login_id"])
        if not key:
            raise forms.ValidationError(_("Type your login ID."), code="required")
        if ratelimits.sspr_attempts_exceeded(self.request):
            raise forms.ValidationError(ratelimits.TOO_MANY_TRIES, code="rate_limited")
        # The flow, its lock and the audit log keep an ID that matches no
        # account only as a keyed hash: it may be a password typed in the wrong box.
        return lockouts.lock_key(key)


class AnswersForm(PlainErrorsMixin, forms.Form):
    """The two questions dealt for this attempt."""

    def __init__(self, request: HttpRequest, questions: list[ChallengeQuestion], *args, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)
        for i, question in enumerate(questions, 1):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=_(question.text),
                max_length=200,
                strip=False,
                error_messages={"required": _("Type your answer to this question.")},
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
            )

    def clean(self) -> dict:
        if ratelimits.sspr_attempts_exceeded(self.request):
            raise forms.ValidationError(ratelimits.TOO_MANY_TRIES, code="rate_limited")
        return self.cleaned_data

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class SetupStepForm(PlainErrorsMixin, forms.Form):
    """One step of the set-up: one question and the child's own answer to it.

    The question is a list of radio buttons (not a drop-down): every question
    reads in full on a phone, in every language, so a child sees what they picked.
    The questions picked in earlier steps are left out; an earlier answer is known
    here only by its hash (``earlier``: (question id, hash) pairs).
    """

    required_messages = {"current_password": gettext_lazy("Type your password.")}

    current_password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=settings.MIMS_PASSWORD_MAX_LENGTH,
        help_text=gettext_lazy("We ask for it again to check that it is really you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(
        self, user: User, *args, number: int, earlier: list[tuple[int, str]], ask_password: bool,
        request: HttpRequest, **kwargs,
    ) -> None:  # fmt: skip
        self.user = user
        self.request = request
        self.earlier = earlier
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["current_password"]
        taken = {qid for qid, _hash in earlier}
        questions = ChallengeQuestion.objects.filter(is_active=True, for_cards=False).exclude(pk__in=taken)
        self.fields["question"] = forms.TypedChoiceField(
            label=_("Pick question %(number)d") % {"number": number},
            choices=[(q.pk, _(q.text)) for q in questions],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Pick a question."),
                # Also a question picked in an earlier step (from an old page).
                "invalid_choice": _("Pick one of the questions in the list."),
            },
        )
        self.fields["answer"] = forms.CharField(
            label=_("Your answer"),
            max_length=200,
            strip=False,
            error_messages={"required": _("Type your answer.")},
            help_text=_("3 to 40 letters. Pick something you will remember for years."),
            widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
        )

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        # Counted toward the sign-in lock and audited, like a sign-in.
        if not lockouts.recheck_password(self.request, self.user, password):
            raise forms.ValidationError(_("That is not your password. Try again."), code="password_incorrect")
        return password

    def clean_answer(self) -> str:
        answer = normalise_answer(self.cleaned_data["answer"])
        if not ANSWER_MIN <= len(answer) <= ANSWER_MAX:
            raise forms.ValidationError(_("Your answer needs 3 to 40 letters."), code="length")
        id_words = set(re.split(r"[_\-]+", self.user.username))
        if set(re.split(r"[\s\-_]+", answer)) & id_words or answer.replace(" ", "_") == self.user.username:
            raise forms.ValidationError(_("Do not use your name in an answer. Pick something else."), code="name")
        # Only hashes of the earlier answers are kept: check against each (a few hashes, once per step).
        if any(is_same_answer(answer, earlier_hash) for _qid, earlier_hash in self.earlier):
            raise forms.ValidationError(_("Give three different answers."), code="same_answer")
        return answer

    def clean(self) -> dict:
        question = ChallengeQuestion.objects.filter(pk=self.cleaned_data.get("question")).first()
        answer = self.cleaned_data.get("answer")
        if question is not None and answer:
            question_text = normalise_answer(_(question.text)).rstrip("?")
            if answer in (question_text, normalise_answer(question.text).rstrip("?")) or question_text in answer:
                self.add_error("answer", _("Do not copy the question. Write your answer."))
        return self.cleaned_data

    def step(self) -> tuple[int, str]:
        """This step as it is kept until the last one: the question id and the answer's hash."""
        return self.cleaned_data["question"], hash_answer(self.cleaned_data["answer"])

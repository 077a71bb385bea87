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

from .answers import ANSWER_MAX, ANSWER_MIN, normalise_answer
from .models import ANSWERS_NEEDED, ChallengeQuestion


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


class SetupForm(PlainErrorsMixin, forms.Form):
    """Three different questions and three answers of the child's own.

    Each question is a list of radio buttons (not a drop-down): every question
    reads in full on a phone, in every language, so a child sees what they picked.
    """

    required_messages = {"current_password": gettext_lazy("Type your password.")}

    current_password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=settings.MIMS_PASSWORD_MAX_LENGTH,
        help_text=gettext_lazy("We ask for it again to check that it is really you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, ask_password: bool, request: HttpRequest, **kwargs) -> None:
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["current_password"]
        choices = [(q.pk, _(q.text)) for q in ChallengeQuestion.objects.filter(is_active=True, for_cards=False)]
        for i in range(1, ANSWERS_NEEDED + 1):
            self.fields[f"question_{i}"] = forms.TypedChoiceField(
                label=_("Question %(number)d") % {"number": i},
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pick question %(number)d.") % {"number": i}},
            )
            self.fields[f"answer_{i}"] = forms.CharField(
                label=_("Your answer %(number)d") % {"number": i},
                max_length=200,
                strip=False,
                error_messages={"required": _("Type your answer %(number)d.") % {"number": i}},
                help_text=_("3 to 40 letters. Pick something you will remember for years."),
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
            )

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        # Counted toward the sign-in lock and audited, like a sign-in.
        if not lockouts.recheck_password(self.request, self.user, password):
            raise forms.ValidationError(_("That is not your password. Try again."), code="password_incorrect")
        return password

    def _clean_answer(self, i: int) -> None:
        name = f"answer_{i}"
        if name not in self.cleaned_data:
            return
        answer = normalise_answer(self.cleaned_data[name])
        self.cleaned_data[name] = answer
        if not ANSWER_MIN <= len(answer) <= ANSWER_MAX:
            self.add_error(name, _("Your answer needs 3 to 40 letters."))
            return
        id_words = set(re.split(r"[_\-]+", self.user.username))
        if set(re.split(r"[\s\-_]+", answer)) & id_words or answer.replace(" ", "_") == self.user.username:
            self.add_error(name, _("Do not use your name in an answer. Pick something else."))
            return
        question_id = self.cleaned_data.get(f"question_{i}")
        question = self._questions.get(question_id)
        if question is not None:
            question_text = normalise_answer(_(question.text)).rstrip("?")
            if answer in (question_text, normalise_answer(question.text).rstrip("?")) or question_text in answer:
                self.add_error(name, _("Do not copy the question. Write your answer."))

    def clean(self) -> dict:
        ids = [self.cleaned_data.get(f"question_{i}") for i in range(1, ANSWERS_NEEDED + 1)]
        self._questions = ChallengeQuestion.objects.in_bulk([i for i in ids if i])
        for i in range(1, ANSWERS_NEEDED + 1):
            self._clean_answer(i)
        # A repeat is said under the list (or box) that repeats an earlier one.
        if all(ids) and len(set(ids)) < len(ids):
            again = next(i for i in range(1, ANSWERS_NEEDED) if ids[i] in ids[:i]) + 1
            self.add_error(f"question_{again}", forms.ValidationError(
                _("Pick three different questions."), code="same_question"))  # fmt: skip
        answers = [self.cleaned_data.get(f"answer_{i}") for i in range(1, ANSWERS_NEEDED + 1)]
        if all(answers) and not self.errors and len(set(answers)) < len(answers):
            again = next(i for i in range(1, ANSWERS_NEEDED) if answers[i] in answers[:i]) + 1
            self.add_error(f"answer_{again}", forms.ValidationError(
                _("Give three different answers."), code="same_answer"))  # fmt: skip
        return self.cleaned_data

    def pairs(self) -> list[tuple[ChallengeQuestion, str]]:
        return [
            (self._questions[self.cleaned_data[f"question_{i}"]], self.cleaned_data[f"answer_{i}"])
            for i in range(1, ANSWERS_NEEDED + 1)
        ]

"""The challenge question bank: MOE IT edit it; school ICT admins may look.

Answers (hashes) and reset locks have no admin page: answers are cleared from
the student list, locks lifted on the lockouts page (staff/admin_pages.py).

Switching a question off stops every answer to it from working (only usable
answers count, ``ChallengeAnswer.objects.usable``), so before and after IT is
told how many children that touches: Primary 4–6 set up new questions at their
next sign-in, Primary 2–3 need a new card (the student list's "needs a new
card" filter lists them for their school's ICT admin).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.admin_scoping import SchoolScopedAdmin, sees_all_schools

from .answers import OWN_ANSWER_LEVELS
from .cards import CARD_LEVELS
from .models import ChallengeQuestion


def switch_off_effect(questions: QuerySet[ChallengeQuestion]) -> dict[str, int]:
    """How many children can reset now with these questions and could not once
    they are off: ``setup`` (Primary 4–6), ``cards`` (Primary 2–3), ``total``."""
    return questions.set_up_students().aggregate(
        setup=Count("pk", filter=Q(school_class__level__in=OWN_ANSWER_LEVELS)),
        cards=Count("pk", filter=Q(school_class__level__in=CARD_LEVELS)),
        total=Count("pk"),
    )


def effect_text(effect: dict[str, int]) -> str:
    if not effect["total"]:
        return gettext("No child who is set up uses it.")
    parts = [
        ngettext(
            "%(n)d child who is set up uses it.", "%(n)d children who are set up use it.", effect["total"]
        ) % {"n": effect["total"]}
    ]
    if effect["setup"]:
        parts.append(
            ngettext(
                "%(n)d in Primary 4–6 will be asked to set up new questions at the next sign-in.",
                "%(n)d in Primary 4–6 will be asked to set up new questions at their next sign-in.",
                effect["setup"],
            ) % {"n": effect["setup"]}
        )
    if effect["cards"]:
        parts.append(
            ngettext(
                "%(n)d in Primary 2–3 needs a new challenge card.",
                "%(n)d in Primary 2–3 need a new challenge card.",
                effect["cards"],
            ) % {"n": effect["cards"]}
        )
    return " ".join(parts)


@admin.register(ChallengeQuestion)
class ChallengeQuestionAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    school_path = None  # one bank for every school
    list_display = ["text", "is_active", "for_cards", "order"]
    list_filter = ["is_active", "for_cards"]
    search_fields = ["text"]
    ordering = ["order", "id"]
    actions = ["switch_off"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return sees_all_schools(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: ChallengeQuestion | None = None) -> bool:
        return sees_all_schools(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ChallengeQuestion | None = None) -> bool:
        # Answers point at questions (PROTECT); retire a question by unticking "active".
        return sees_all_schools(request.user) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("is_active")
        if field is not None and obj is not None and obj.is_active:
            # Said before the box is unticked, not only after.
            effect = effect_text(switch_off_effect(ChallengeQuestion.objects.filter(pk=obj.pk)))
            field.help_text = gettext("Untick to switch this question off. %(effect)s") % {"effect": effect}
        return form

    def save_model(self, request, obj, form, change):
        if not (change and "is_active" in form.changed_data and not obj.is_active):
            super().save_model(request, obj, form, change)
            return
        with transaction.atomic():
            effect = switch_off_effect(ChallengeQuestion.objects.filter(pk=obj.pk))
            super().save_model(request, obj, form, change)
            self._switched_off(request, [obj], effect)

    @admin.action(description=_("Switch off the selected questions"), permissions=["change"])
    def switch_off(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        queryset = queryset.filter(is_active=True)
        if request.POST.get("confirm") != "yes":
            questions = list(queryset)
            effect = effect_text(switch_off_effect(queryset))
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Switch off challenge questions"),
                "explanation": gettext("Answers to a question that is switched off stop working at once. %(effect)s")
                % {"effect": effect},
                "questions": questions,
                "selected": [q.pk for q in questions],
                "action": "switch_off",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/sspr/challengequestion/confirm_switch_off.html", context)
        with transaction.atomic():
            questions = list(queryset.select_for_update())
            effect = switch_off_effect(queryset)
            ChallengeQuestion.objects.filter(pk__in=[q.pk for q in questions]).update(is_active=False)
            self._switched_off(request, questions, effect)
        return None

    def _switched_off(self, request: HttpRequest, questions: list[ChallengeQuestion], effect: dict[str, int]) -> None:
        for question in questions:
            audit.record(request, "question.switched_off", target=question.text, children=effect["total"])
        done = ngettext("Switched off %(n)d question.", "Switched off %(n)d questions.", len(questions)) % {
            "n": len(questions)
        }
        if effect["cards"]:
            url = reverse(f"{self.admin_site.name}:accounts_student_changelist") + "?answers=needs_card"
            text = format_html(
                '{} {} <a href="{}">{}</a>', done, effect_text(effect), url, gettext("Children who need a new card")
            )
        else:
            text = f"{done} {effect_text(effect)}"
        self.message_user(request, text, messages.WARNING if effect["total"] else messages.SUCCESS)

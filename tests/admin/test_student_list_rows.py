"""The student list's rows, written a row at a time by ``StudentAdmin.result_rows``, are Django's own."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.urls import reverse
from django.utils import translation

from accounts.models import Student
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

CHANGELIST = "admin:accounts_student_changelist"


@pytest.mark.django_db
class TestStudentListRows:
    @pytest.mark.parametrize("code", ["en", "zh-hans", "ms", "ta"])
    @pytest.mark.parametrize("query", [{}, {"answers": "none", "o": "-2.1", "q": "a"}])
    def test_it_writes_the_rows_django_writes_cell_by_cell(
        self, client, settings, school_ict_admin, moe_it, p5_class, p2_class, code, query
    ):
        factories.make_student(p5_class, "O'Brien <Tan> & \"Lee\" Ahmad")
        answered = factories.make_student(p5_class, "Tan Ah Kow")
        set_answers(answered.user, [(q, f"answer {q.pk}") for q in ChallengeQuestion.objects.filter(
            is_active=True, for_cards=False)[:3]], school_set=False)  # fmt: skip
        left = factories.make_student(p2_class, "Siti Aminah")
        Student.objects.filter(pk=left.pk).update(left_on=datetime.date(2026, 3, 1), school_class=None)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
        for user in (school_ict_admin.user, moe_it):
            client.force_login(user)
            response = client.get(reverse(CHANGELIST), query)
            cl = response.context["cl"]
            assert admin.site._registry[Student].result_rows(cl) is not None  # not Django's rows
            with translation.override(code):
                rows = ["<tr>" + "".join(items_for_result(cl, obj, None)) + "</tr>" for obj in cl.result_list]
            assert len(rows) == (2 if query else 3)
            for row in rows:
                assert row in response.content.decode()

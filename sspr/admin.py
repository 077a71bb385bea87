"""The challenge question bank: MOE IT edit it; school ICT admins may look.

Answers (hashes) and reset locks have no admin page: answers are cleared from
the student list, locks lifted on the lockouts page (staff/admin_pages.py).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_scoping import SchoolScopedAdmin, sees_all_schools

from .models import ChallengeQuestion


@admin.register(ChallengeQuestion)
class ChallengeQuestionAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    school_path = None  # one bank for every school
    list_display = ["text", "is_active", "for_cards", "order"]
    list_filter = ["is_active", "for_cards"]
    search_fields = ["text"]
    ordering = ["order", "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return sees_all_schools(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: ChallengeQuestion | None = None) -> bool:
        return sees_all_schools(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ChallengeQuestion | None = None) -> bool:
        # Answers point at questions (PROTECT); retire a question by unticking "active".
        return sees_all_schools(request.user) and super().has_delete_permission(request, obj)

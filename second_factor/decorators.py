"""Step-up: the heaviest actions ask for the second factor again.

``@fresh_second_factor_required`` goes on a view, or on an admin action
(``(self, request, queryset)``): unless this session passed a second factor in
the last MIMS_STEP_UP_SECONDS (15 minutes), the person is sent to pass it again
and comes back to the page to do the action. By default only POSTs are held
(opening the page is not the action); ``methods=None`` holds every request,
for a download by link.

Used on: the yearly reset and cards for a school (batches school page), the
promotion, a class's cards and temporary passwords (batches class page, the
class admin actions, the students' slips action), the audit log export, and the
factor resets and school policy here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import rules


def needs_step_up(request: HttpRequest) -> bool:
    """Staff who must verify (rules.must_verify) and whose last check is older than 15 minutes."""
    user = request.user
    return rules.must_verify(user) and not rules.is_fresh(request.session)


def step_up_redirect(request: HttpRequest) -> HttpResponse:
    back = request.get_full_path() if request.method == "GET" else request.path
    return redirect(f"{reverse('second_factor:step_up')}?{urlencode({'next': back})}")


def fresh_second_factor_required(
    view: Callable | None = None, *, methods: Iterable[str] | None = ("POST",)
) -> Callable:
    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def checked(*args: Any, **kwargs: Any) -> HttpResponse:
            request = next(a for a in args if isinstance(a, HttpRequest))
            if (methods is None or request.method in methods) and needs_step_up(request):
                return step_up_redirect(request)
            return func(*args, **kwargs)

        return checked

    return decorate(view) if view is not None else decorate

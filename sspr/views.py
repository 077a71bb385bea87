from __future__ import annotations

import secrets
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from accounts import audit, notices, sessions
from accounts.forms import SetPasswordForm

from . import flows, locks
from .answers import may_set_own_answers, needs_own_answers, set_hashed_answers
from .forms import AnswersForm, SetupStepForm, StartForm
from .models import ANSWERS_NEEDED, ChallengeQuestion

STEPS = ["start", "questions", "password"]


def _flow_ctx(step: str, **ctx: object) -> dict:
    return {"steps": STEPS, "step": step, "step_number": STEPS.index(step) + 1, **ctx}


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: the child types the login ID."""
    form = StartForm(request, request.POST or None, initial={"login_id": request.GET.get("id", "")[:200]})
    if request.method == "POST" and form.is_valid():
        flows.start(request, form.cleaned_data["login_id"])
        return redirect("sspr:questions")
    return render(request, "sspr/start.html", _flow_ctx("start", form=form))


@sensitive_post_parameters("answer_1", "answer_2")
@sensitive_variables("form")
@never_cache
def questions(request: HttpRequest) -> HttpResponse:
    """Step 2: two of the three challenge questions."""
    flow = flows.current(request.session)
    if flow is None:
        return _start_again(request)
    if locks.is_reset_locked(flow.login_key):
        return _locked(request, flow)
    form = AnswersForm(request, flows.questions(flow), request.POST or None)
    mismatch = False
    if request.method == "POST" and form.is_valid():
        outcome = flows.verify(request, flow, form.answers())
        if outcome is flows.Outcome.VERIFIED:
            return redirect("sspr:password")
        if outcome is flows.Outcome.LOCKED:
            return _locked(request, flow)
        form, mismatch = AnswersForm(request, flows.questions(flow)), True  # empty boxes, one message
    # After a wrong try: how many are left before the lock (the same for a made-up ID).
    warning = locks.warning(flow.login_key) if mismatch else None
    ctx = _flow_ctx("questions", form=form, mismatch=mismatch, warning=warning, page_error=mismatch)
    return render(request, "sspr/questions.html", ctx)


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def password(request: HttpRequest) -> HttpResponse:
    """Step 3: a new password, typed twice."""
    flow = flows.current(request.session)
    user = flows.verified_user(flow)
    if user is None:
        return _start_again(request)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        flows.finish(request, user)
        request.session["sspr_done"] = True
        # The sign-in page that follows has the login ID filled in (kept in the
        # session, not the address, so it is not left in the browser's history).
        request.session[flows.PREFILL_KEY] = user.login_id
        return redirect("sspr:done")
    return render(request, "sspr/password.html", _flow_ctx("password", form=form))


def done(request: HttpRequest) -> HttpResponse:
    if not request.session.pop("sspr_done", False):
        return redirect("sspr:start")
    return render(request, "sspr/done.html")


def _locked(request: HttpRequest, flow: flows.Flow) -> HttpResponse:
    """The same page for a real and a made-up ID: how long, or "ask your teacher"."""
    flows.end(request.session)
    lock = locks.current_lock(flow.login_key)
    minutes = locks.lock_minutes(lock.lock_count) if lock is not None and not lock.needs_teacher else None
    hours = max(1, round(minutes / 60)) if minutes else None
    return render(request, "sspr/locked.html", _flow_ctx("questions", hours=hours))


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Let's start again from the first step."))
    return redirect("sspr:start")


# The set-up, one question per page. Between its steps the session holds only the
# chosen question ids and each answer's hash (``hash_answer``), never an answer;
# nothing is saved until the last step.
SETUP_KEY = "sspr_setup"
SETUP_MINUTES = 30  # an old, half-done set-up (and its password check) starts again


def _setup_state(request: HttpRequest, user) -> dict | None:
    state = request.session.get(SETUP_KEY)
    if not isinstance(state, dict) or state.get("user") != user.pk:
        return None
    if time.time() - state.get("started", 0) > SETUP_MINUTES * 60:
        return None
    return state


def _setup_again(request: HttpRequest) -> HttpResponse:
    """A stale or repeated step: nothing saved, a clear word, back to question 1."""
    request.session.pop(SETUP_KEY, None)
    messages.info(
        request, _("Something changed while you were setting up your questions. Let's start again from question 1.")
    )
    return redirect("sspr:setup")


@sensitive_post_parameters("current_password", "answer")
@sensitive_variables("form")
@login_required
@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    """Set up, or change, the three challenge questions: one question per step."""
    user = request.user
    if not user.is_student:
        raise Http404
    if not may_set_own_answers(user):
        # A Primary 2–3 child uses the card from the teacher (unless the school allows
        # own answers): the account page says so. Nothing is saved, even on a POST.
        return redirect("account")
    required = needs_own_answers(user)
    number = request.GET.get("step", "1")
    number = int(number) if number in {str(n) for n in range(1, ANSWERS_NEEDED + 1)} else 1
    state = _setup_state(request, user)
    if state is None and number == 1:
        state = {"user": user.pk, "run": secrets.token_hex(8), "started": time.time(), "password_ok": False}
        state["steps"] = []
    elif state is None or len(state["steps"]) < number - 1:
        return _setup_again(request)
    earlier = [tuple(step) for step in state["steps"][: number - 1]]
    # Back to a step: its question is picked again; its answer must be typed again.
    initial = {"question": state["steps"][number - 1][0]} if len(state["steps"]) >= number else {}
    # The password, always, on the first step (after a temporary one, the new one
    # just chosen): a borrowed session must not plant answers for a lasting takeover.
    form = SetupStepForm(
        user, request.POST or None, number=number, earlier=earlier, ask_password=not state["password_ok"],
        request=request, initial=initial,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        steps = [*earlier, form.step()]
        if number < ANSWERS_NEEDED:
            request.session[SETUP_KEY] = {**state, "password_ok": True, "steps": steps}
            return redirect(f"{reverse('sspr:setup')}?step={number + 1}")
        request.session.pop(SETUP_KEY, None)
        questions = ChallengeQuestion.objects.filter(is_active=True, for_cards=False).in_bulk([q for q, _h in steps])
        # Saved once per run, even if step 3 is sent twice at the same moment.
        if len(questions) != ANSWERS_NEEDED or not cache.add(f"sspr:setup-saved:{state['run']}", 1, SETUP_MINUTES * 60):
            return _setup_again(request)
        set_hashed_answers(user, [(questions[q], h) for q, h in steps], school_set=False)
        ended = sessions.end_sessions(user, keep=request.session.session_key)
        audit.record(request, "answers.set", actor=user, target=user.login_id, other_sessions_ended=ended)
        notices.answers_changed(user, how="set")
        messages.success(request, _("Your challenge questions are saved. You can now reset your password by yourself."))
        return redirect("account")
    back = f"{reverse('sspr:setup')}?step={number - 1}" if number > 1 else None
    ctx = {"form": form, "required": required, "number": number, "total": ANSWERS_NEEDED, "back": back}
    return render(request, "sspr/setup.html", ctx)

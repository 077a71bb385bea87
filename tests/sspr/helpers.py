from sspr.answers import set_answers
from sspr.models import ChallengeQuestion

ANSWERS = ["blue bunny", "ah ma", "fried rice"]


def give_answers(user, school_set=False, answers=ANSWERS):
    questions = list(ChallengeQuestion.objects.filter(for_cards=school_set)[:3])
    set_answers(user, zip(questions, answers, strict=True), school_set=school_set)
    return dict(zip((q.pk for q in questions), answers, strict=True))


def answers_for(client, answer_map):
    """The answers to the questions this client was dealt, in order."""
    dealt = client.session["sspr_flow"]["question_ids"]
    return {f"answer_{i}": answer_map[qid] for i, qid in enumerate(dealt, 1)}


def lock_reset(login_key, minutes=None):
    """Lock self-service reset for this typed ID the real way (failures counted
    up to the limit); ``minutes`` then moves the end of the lock."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from sspr import locks
    from sspr.models import ResetLock

    with transaction.atomic():
        lock = locks.lock_row(login_key)
        for _ in range(settings.MIMS_SSPR_FAILURE_LIMIT):
            locks.count_failure(lock)
    if minutes is not None:
        ResetLock.objects.filter(pk=lock.pk).update(locked_until=timezone.now() + timedelta(minutes=minutes))
    return ResetLock.objects.get(pk=lock.pk)


def reset_lock_of(login_key):
    from sspr import locks
    from sspr.models import ResetLock

    return ResetLock.objects.filter(key=locks.key_of(login_key))


def post_setup(client, data):
    """Send the three set-up steps (one question each) the way a browser does.

    ``data`` holds ``question_<n>``/``answer_<n>`` for each step and, for the
    first, ``current_password``. Gives back the first page that does not lead to
    the next step (a step with errors), or the last step's answer.
    """
    for n in (1, 2, 3):
        step = {key: data[f"{key}_{n}"] for key in ("question", "answer") if f"{key}_{n}" in data}
        if n == 1 and "current_password" in data:
            step["current_password"] = data["current_password"]
        r = client.post(f"/sspr/setup/?step={n}", step)
        if n < 3 and r.get("Location") != f"/sspr/setup/?step={n + 1}":
            return r
    return r

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

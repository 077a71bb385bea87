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

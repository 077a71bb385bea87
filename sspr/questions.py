"""The question bank a new installation starts with.

Good questions for children have answers that do not change over the years,
are easy to remember, and that neither the public nor classmates could know:
so no favourite colour (changes, and friends know it) and nothing about the
school or the class.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

OWN_QUESTIONS = [
    _("What is the name of your first soft toy?"),
    _("What did you call your grandmother when you were small?"),
    _("What is the first dish you learned to cook or make?"),
    _("What is the name of the street you lived on when you were little?"),
    _("What is the name of a cousin you like to play with?"),
    _("What is the first word you remember learning to read?"),
    _("What is the name of the first pet you had or wished for?"),
    _("What is a nickname your family calls you at home?"),
    _("What food did you not like when you were small?"),
    _("What is the name of your first storybook character friend?"),
    _("Where did your family go on your first holiday?"),
    _("What game did you first play with your grandparents?"),
]

# Primary 2–3 cards: the answers are random words printed on the card, so the
# questions only need to be easy to match to the lines on the card.
CARD_QUESTIONS = [
    _("What is your secret word for the sun?"),
    _("What is your secret word for the moon?"),
    _("What is your secret word for the sea?"),
    _("What is your secret word for the tree?"),
    _("What is your secret word for the star?"),
    _("What is your secret word for the rain?"),
]


def seed_questions(question_model=None) -> int:
    """Create the starting bank if it is empty; return how many were made."""
    if question_model is None:
        from .models import ChallengeQuestion as question_model
    if question_model.objects.exists():
        return 0
    rows = [question_model(text=t, order=i, for_cards=False) for i, t in enumerate(OWN_QUESTIONS, 1)]
    rows += [question_model(text=t, order=100 + i, for_cards=True) for i, t in enumerate(CARD_QUESTIONS, 1)]
    question_model.objects.bulk_create(rows)
    return len(rows)

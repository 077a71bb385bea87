"""Find the child a reset request is about.

By login ID when one was typed and it belongs to a child of the chosen school;
otherwise by name and class: both names go through ``base_username`` (so case,
spacing and connector words such as "bin" or "s/o" do not matter) and class
names are compared without case, spaces or punctuation. No match, or more than
one, leaves the request for the school's ICT admin to match by hand.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from accounts.models import School, SchoolClass, Student
from accounts.usernames import normalise_login_id


@dataclass(frozen=True)
class Match:
    student: Student | None
    candidates: int  # how many children fitted: 0, 1 or more
    key: str  # folds repeated requests for the same (possibly unmatched) child


def normalise_class_name(typed: str) -> str:
    """"4 courage", "4-Courage", "４ＣＯＵＲＡＧＥ" → "4courage"."""
    text = unicodedata.normalize("NFKC", typed or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())


def name_key(full_name: str) -> str:
    """The login base for a name, or (for a name no login ID could be made
    from) the name itself, squeezed; both compare ignoring case and spacing."""
    from accounts.usernames import InvalidName, base_username

    try:
        return base_username(full_name)
    except InvalidName:
        return "~" + "".join(unicodedata.normalize("NFKC", full_name or "").casefold().split())


def match_request(school: School, full_name: str, class_name: str, login_id: str = "") -> Match:
    students = Student.objects.filter(school=school).select_related("user", "school_class")
    if login_id and (username := normalise_login_id(login_id)):
        by_id = students.filter(user__username=username).first()
        if by_id is not None:
            return Match(by_id, 1, f"student:{by_id.pk}")
    wanted_name, wanted_class = name_key(full_name), normalise_class_name(class_name)
    # A school has a few dozen active classes: pick the class first, then
    # compare names only within it.
    class_ids = [
        pk
        for pk, name in SchoolClass.objects.filter(school=school, is_active=True).values_list("pk", "name")
        if normalise_class_name(name) == wanted_class
    ]
    found = [s for s in students.filter(school_class__in=class_ids) if name_key(s.full_name) == wanted_name]
    if len(found) == 1:
        return Match(found[0], 1, f"student:{found[0].pk}")
    return Match(None, len(found), f"name:{school.pk}:{wanted_class}:{wanted_name}"[:300])

"""Find the child a reset request is about.

By login ID when one was typed and it belongs to a child of the chosen school;
otherwise by name and class, and then only when exactly one child of the
school's active classes fits (none, or two or more, leaves the request for the
school's ICT admin to match by hand: never a guess).

Names: the words of the name in any order, read as login IDs read names
(``accounts.usernames.name_words``): case, spacing, commas, accents,
apostrophes, periods, hyphens and connector words such as "bin" or "s/o" do
not matter, but every word must be there and no word more ("Wei Ming Tan" and
"TAN Wei-Ming" are "Tan Wei Ming"; "Tan Wei" and "Tan Wei Ming Jun" are not).
A name no login ID could be made from (Chinese characters, say) is compared as
typed, ignoring case and spaces.

Classes: level and name, however written. "5 Integrity", "5-integrity",
"P5 Integrity", "Pr 5 Integrity", "Pri 5 Integrity", "Primary 5 Integrity",
"5Integrity" and "Integrity 5" are all 5 Integrity; "5I" or "P5 I" (the
level and the first letter) is 5 Integrity only when no other active class
of that level at the school starts with "I".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from accounts.models import School, SchoolClass, Student
from accounts.usernames import InvalidName, name_words, normalise_login_id


@dataclass(frozen=True)
class Match:
    student: Student | None
    candidates: int  # how many children fitted: 0, 1 or more
    key: str  # folds repeated requests for the same (possibly unmatched) child


def normalise_class_name(typed: str) -> str:
    """ "4 courage", "4-Courage", "４ＣＯＵＲＡＧＥ" → "4courage"."""
    text = unicodedata.normalize("NFKC", typed or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())


# Words parents put before the level: "P5", "Pr 5", "Pri 5", "Primary 5", "Class 5".
_LEVEL_PREFIXES = frozenset({"p", "pr", "pri", "primary", "class"})
_TOKENS = re.compile(r"\d+|[^\W\d_]+")


@dataclass(frozen=True)
class ClassKey:
    level: str  # digits, "" when there are none
    name: str  # the letters and other digits, squeezed

    def __str__(self) -> str:
        return f"{self.level}{self.name}"


def class_key(typed: str) -> ClassKey:
    """ "P5 Integrity", "Pri 5 integrity", "Integrity 5" → ClassKey("5", "integrity")."""
    tokens = _TOKENS.findall(unicodedata.normalize("NFKC", (typed or "")[:100]).casefold())
    level_at = next((i for i, token in enumerate(tokens) if token.isdigit()), None)
    if level_at is None:
        return ClassKey("", "".join(tokens))
    before = [t for t in tokens[:level_at] if t not in _LEVEL_PREFIXES] if level_at <= 2 else tokens[:level_at]
    return ClassKey(str(int(tokens[level_at])), "".join(before + tokens[level_at + 1 :]))


def matching_class_ids(school: School, typed: str) -> list[int]:
    """The active classes of the school ``typed`` can mean: one, or none (also
    when an initial such as "5I" fits two classes)."""
    wanted = class_key(typed)
    if not str(wanted):
        return []
    classes = [
        (pk, class_key(name))
        for pk, name in SchoolClass.objects.filter(school=school, is_active=True).values_list("pk", "name")
    ]
    exact = [pk for pk, key in classes if key == wanted]
    if exact or len(wanted.name) != 1 or not wanted.level:
        return exact
    by_initial = [pk for pk, key in classes if key.level == wanted.level and key.name.startswith(wanted.name)]
    return by_initial if len(by_initial) == 1 else []


def name_key(full_name: str) -> str:
    """The name's words, sorted; for a name no login ID could be made from
    (Chinese characters, where spaces mean little), "~" and the name squeezed."""
    try:
        return " ".join(name_words(full_name))
    except InvalidName:
        return "~" + "".join(unicodedata.normalize("NFKC", (full_name or "")[:300]).casefold().split())


def match_request(school: School, full_name: str, class_name: str, login_id: str = "") -> Match:
    students = Student.objects.filter(school=school).select_related("user", "school_class")
    if login_id and (username := normalise_login_id(login_id)):
        by_id = students.filter(user__username=username).first()
        if by_id is not None:
            return Match(by_id, 1, f"student:{by_id.pk}")
    wanted_name = name_key(full_name)
    # A school has a few dozen active classes: pick the class first, then
    # compare names only within it.
    class_ids = matching_class_ids(school, class_name)
    found = [s for s in students.filter(school_class__in=class_ids) if name_key(s.full_name) == wanted_name]
    if len(found) == 1:
        return Match(found[0], 1, f"student:{found[0].pk}")
    return Match(None, len(found), f"name:{school.pk}:{class_key(class_name)}:{wanted_name}"[:300])


def likely_children(school: School, full_name: str, class_name: str, limit: int = 20) -> list[Student]:
    """For the ICT admin matching by hand: children of the school's active
    classes who share a name word with what was typed, those in the class it
    can mean first, then those with every word the same in another class."""
    typed_words = set(name_key(full_name).lstrip("~").split())
    if not typed_words:
        return []
    class_ids = set(matching_class_ids(school, class_name))
    students = (
        Student.objects.filter(school=school, school_class__is_active=True)
        .select_related("user", "school_class")
        .order_by("school_class__name", "full_name")
    )
    scored = []
    for student in students:
        words = set(name_key(student.full_name).lstrip("~").split())
        shared = len(words & typed_words)
        in_class = student.school_class_id in class_ids
        if (in_class and shared) or words == typed_words:
            scored.append((not in_class, -shared, student.full_name, student))
    return [entry[-1] for entry in sorted(scored, key=lambda e: e[:3])[:limit]]

"""MIMS login IDs: made from a student's registered name, and read back from
what a child types on the sign-in page.

Pure functions; no database access.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


def normalise_login_id(typed: str) -> str:
    """What a person typed on a sign-in or reset page, as a username.

    Accepts the login ID with or without ``@students.edu.sg``, in any case,
    with stray spaces around it.
    """
    value = (typed or "").strip().lower()
    suffix = "@" + settings.MIMS_USERNAME_DOMAIN
    if value.endswith(suffix):
        value = value[: -len(suffix)]
    return value[:150]


def login_key_from_request(request, credentials: dict | None = None) -> str:
    """django-axes AXES_USERNAME_CALLABLE: lock the login ID however it was typed."""
    if credentials and credentials.get("username"):
        return normalise_login_id(credentials["username"])
    return normalise_login_id(request.POST.get("username", "")) if request is not None else ""


# --- Making a login ID from a registered name ---------------------------------
#
# The rules are issue 2's, applied in its order: (1) NFKC, bracketed text and a
# "@ alias" removed; (2) accents folded, other scripts refused; (3) split on
# whitespace and commas; (4) connector words dropped; (5) apostrophes and
# periods deleted, hyphens tidied, anything else refused; (6) first four words,
# lowercase, joined with "_"; (7) at most 64 characters with any suffix.

MAX_LOCAL_PART = 64  # RFC 5321: the part of an e-mail address before "@"
MAX_NAME_LENGTH = 300  # Student.full_name's max_length; also bounds the work done here
MAX_WORDS = 4

# Always dropped, wherever they stand ("son of", "daughter of", "anak lelaki/perempuan").
ALWAYS_CONNECTORS = frozenset({"s/o", "d/o", "a/l", "a/p"})
# "son/daughter of" in Malay names, but also a real name ("Lee Wei Bin"): dropped
# only between other words.
INNER_CONNECTORS = frozenset({"bin", "binte", "binti", "bint", "bte", "bt"})

_APOSTROPHES = "'\u2019\u2018\u02bc"  # ' ’ ‘ ʼ
# Latin letters that NFKD does not split into a plain letter plus accent.
_FOLD = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L",
        "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H",
        # Unicode's own hyphens (Word inserts them) are hyphens.
        "\u2010": "-", "\u2011": "-",
    }
)  # fmt: skip
_ALIAS_AT = re.compile(r"(?:^|(?<=[\s,]))@(?=[\s,]|$)")
_SEPARATORS = re.compile(r"[\s,]+")
_HYPHEN_RUN = re.compile(r"-{2,}")
_WORD_CHARS = frozenset(string.ascii_letters + "-")
_BASE_RE = re.compile(r"[a-z]+(?:[_-][a-z]+)*", re.ASCII)
_USERNAME_RE = re.compile(r"[a-z]+(?:[_-][a-z]+)*(?:_[0-9]+)?", re.ASCII)


class InvalidName(ValueError):
    """A registered name no login ID can be made from; the message says what to fix."""


@dataclass(frozen=True)
class NameAnalysis:
    base: str  # the part before "@", without a duplicate suffix
    connectors_dropped: tuple[str, ...] = ()  # lowercase, e.g. ("bin",) or ("s/o",)
    words_cut: tuple[str, ...] = ()  # words beyond the first four, left out
    truncated: bool = False  # cut to fit 64 characters


def analyse_name(full_name: str) -> NameAnalysis:
    """The login ID base for ``full_name`` and what an IT admin should eyeball.

    Raises :class:`InvalidName` with a message an IT admin can act on.
    """
    if full_name is None or not full_name.strip():
        raise InvalidName(_("Name is empty."))
    if len(full_name) > MAX_NAME_LENGTH:
        raise InvalidName(
            _("Name is %(length)d characters long; at most %(max)d are allowed.")
            % {"length": len(full_name), "max": MAX_NAME_LENGTH}
        )

    cleaned, dropped = _cleaned_words(full_name)
    if not cleaned:
        raise InvalidName(
            _("Name has no letters to make a login ID from; give the name in Roman letters as registered.")
        )
    # Rule 6
    words_kept, words_cut = cleaned[:MAX_WORDS], cleaned[MAX_WORDS:]
    base = "_".join(words_kept).lower()
    # Rule 7. Each word starts and ends with a letter, so at most one "_" or "-" goes.
    truncated = len(base) > MAX_LOCAL_PART
    if truncated:
        base = base[:MAX_LOCAL_PART].rstrip("_-")
    return NameAnalysis(
        base=base,
        connectors_dropped=tuple(dropped),
        words_cut=tuple(w.lower() for w in words_cut),
        truncated=truncated,
    )


def _cleaned_words(full_name: str) -> tuple[list[str], list[str]]:
    """Rules 1-5: the name's words as they go into a login ID, and the connector
    words dropped. Raises :class:`InvalidName` for another script or a stray character."""
    # Rule 1
    text = _remove_brackets(unicodedata.normalize("NFKC", full_name))
    text = _ALIAS_AT.split(text, maxsplit=1)[0]
    # Rule 2
    text = _fold_accents(text)
    _refuse_other_scripts(text)
    # Rule 3
    words = [w for w in _SEPARATORS.split(text) if w]
    # Rule 4. "First" and "last" are among words with a letter, so a stray "." or
    # "-" after "Lee Wei Bin" does not make "Bin" an inner word.
    with_letters = [i for i, w in enumerate(words) if any(c in string.ascii_letters for c in w)]
    first, last = (with_letters[0], with_letters[-1]) if with_letters else (0, 0)
    kept: list[str] = []
    dropped: list[str] = []
    for i, word in enumerate(words):
        key = word.lower().rstrip(".")
        if key in ALWAYS_CONNECTORS or (key in INNER_CONNECTORS and first < i < last):
            dropped.append(key)
        else:
            kept.append(word)
    # Rule 5
    cleaned = [w for w in (_clean_word(w) for w in kept) if w]
    return cleaned, dropped


def name_words(full_name: str) -> tuple[str, ...]:
    """The words of a name, lowercase and sorted, read as login IDs read names
    (accents folded, brackets, connectors, apostrophes and periods dropped),
    with hyphenated parts apart and all words kept (not only the first four):
    "Tan Wei-Ming" and "wei ming TAN" give ("ming", "tan", "wei"). For
    comparing what a parent typed with a registered name, in any order.
    Raises :class:`InvalidName` like :func:`analyse_name`."""
    if full_name is None or len(full_name) > MAX_NAME_LENGTH:
        raise InvalidName(_("Name is empty."))
    cleaned, _dropped = _cleaned_words(full_name)
    words = sorted(part for word in cleaned for part in word.lower().split("-") if part)
    if not words:
        raise InvalidName(_("Name is empty."))
    return tuple(words)


def base_username(full_name: str) -> str:
    """The part of the MIMS login ID before ``@``, without a duplicate suffix."""
    return analyse_name(full_name).base


def with_suffix(base: str, n: int) -> str:
    """``base`` for the first holder, ``base_<n>`` for the n-th duplicate,
    shortening ``base`` so the whole stays within 64 characters."""
    if n < 0:
        raise ValueError("A duplicate number is 0 or more.")
    if n == 0:
        return base
    suffix = f"_{n}"
    return base[: MAX_LOCAL_PART - len(suffix)].rstrip("_-") + suffix


def is_valid_username(value: str) -> bool:
    """Whether ``value`` is a well-formed login ID (before ``@``): what an
    explicit rename or an import override may use."""
    return len(value) <= MAX_LOCAL_PART and _USERNAME_RE.fullmatch(value) is not None


def is_valid_base(value: str) -> bool:
    """Whether ``value`` is a login ID base: well-formed and without a duplicate suffix."""
    return len(value) <= MAX_LOCAL_PART and _BASE_RE.fullmatch(value) is not None


def _remove_brackets(text: str) -> str:
    """Drop "(…)" with its contents, nested or not, in one linear pass.

    The brackets leave a space, so "Tan(Chen)Kow" is still two words.
    """
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            if depth == 0:
                out.append(" ")
            depth += 1
        elif char == ")":
            if depth == 0:
                raise InvalidName(_("Name has a “)” without an opening “(”; correct the brackets."))
            depth -= 1
        elif depth == 0:
            out.append(char)
    if depth:
        raise InvalidName(_("Name has a “(” that is never closed; correct the brackets."))
    return "".join(out)


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


def _refuse_other_scripts(text: str) -> None:
    for char in text:
        if char.isascii() or char in _APOSTROPHES or not unicodedata.category(char).startswith("L"):
            continue
        script = unicodedata.name(char, "").split(" ")[0]
        if script == "LATIN":
            raise InvalidName(
                _("Name contains the letter “%(char)s”, which has no plain a–z spelling; give the name in Roman letters as registered.")  # noqa: E501
                % {"char": char}
            )
        raise InvalidName(
            _("Name contains %(script)s; give the name in Roman letters as registered.")
            % {"script": _script_label(script)}
        )


def _script_label(script: str) -> str:
    labels = {
        "CJK": _("Chinese characters"),
        "HIRAGANA": _("Japanese characters"),
        "KATAKANA": _("Japanese characters"),
        "HANGUL": _("Korean letters"),
    }
    if script in labels:
        return labels[script]
    if script:
        return _("%(script)s letters") % {"script": script.title()}
    return _("letters of another script")


def _clean_word(word: str) -> str:
    word = word.translate({ord(c): None for c in _APOSTROPHES + "."})
    for char in word:
        if char not in _WORD_CHARS:
            raise InvalidName(
                _("Name contains %(char)s, which a login ID cannot have; correct the name as registered, or give a login ID override.")  # noqa: E501
                % {"char": _describe(char)}
            )
    return _HYPHEN_RUN.sub("-", word).strip("-")


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    label = f"{code} {name}" if name else code
    return f"“{char}” ({label})" if char.isprintable() else f"an invisible character ({label})"

"""Read .po catalogs, compile them in Python, and find the strings the code
asks to translate — all without GNU gettext, so the catalog tests run on any
machine that can run the portal.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index → text (0 when not plural)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string is a C string: the escapes Python reads the same way


def parse_po(path: Path) -> list[Entry]:
    """Every entry in the file, the header (msgid "") included."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    seen_any = False

    def finish() -> None:
        nonlocal entry, seen_any
        if seen_any:
            entries.append(entry)
        entry, seen_any = Entry(), False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            # An obsolete entry: keep a marker so the test can complain.
            if not entry.obsolete and seen_any:
                finish()
            entry.obsolete, seen_any = True, True
            continue
        if line.startswith("#,"):
            if seen_any and target is not None:
                finish()
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            if seen_any and target is not None and not entry.obsolete:
                finish()
                target = None
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}: continuation line without a keyword: {raw!r}")
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and seen_any and target is not None and target[0] not in ("msgctxt",):
            finish()
        seen_any = True
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return [e for e in entries if not (e.obsolete and not e.msgid)]


def compiled(entries: list[Entry]) -> dict:
    """What msgfmt would put in the .mo file, keyed as Python's gettext reads it."""
    catalog: dict = {}
    for e in entries:
        if e.obsolete or "fuzzy" in e.flags and e.msgid:
            continue
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if not e.msgid:
            # msgfmt leaves POT-Creation-Date out of the compiled header.
            catalog[""] = re.sub(r"^POT-Creation-Date: .*\n", "", e.msgstr.get(0, ""), flags=re.M)
        elif e.msgid_plural is None:
            if e.msgstr.get(0):
                catalog[msgid] = e.msgstr[0]
        elif all(e.msgstr.values()):
            for index, text in e.msgstr.items():
                catalog[(msgid, index)] = text
    return catalog


# --- Finding the strings in the code --------------------------------------
# The same keywords Django's makemessages gives xgettext.
_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy", "ugettext_noop"}
_PLURAL = {"ngettext", "ngettext_lazy", "ungettext", "ungettext_lazy"}
_CONTEXT = {"pgettext", "pgettext_lazy"}
_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


def _calls(source: str) -> list[tuple[str, list[str | None]]]:
    """(function name, arguments) for each gettext-like call: an argument made
    only of string literals is its text, anything else is None. Tokens, not a
    syntax tree: Django's templatize output is only token-valid, as for xgettext."""
    skip = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip]
    keywords = _SINGULAR | _PLURAL | _CONTEXT | _CONTEXT_PLURAL
    found = []
    for i, tok in enumerate(tokens[:-1]):
        if tok.type != tokenize.NAME or tok.string not in keywords or tokens[i + 1].string != "(":
            continue
        if i > 0 and tokens[i - 1].string == "def":
            continue
        args: list[list[tokenize.TokenInfo]] = [[]]
        depth, j = 1, i + 2
        while j < len(tokens) and depth:
            t = tokens[j]
            if t.type == tokenize.OP and t.string in "([{":
                depth += 1
            elif t.type == tokenize.OP and t.string in ")]}":
                depth -= 1
            if depth == 1 and t.type == tokenize.OP and t.string == ",":
                args.append([])
            elif depth:
                args[-1].append(t)
            j += 1
        found.append((tok.string, [_literal(arg) for arg in args]))
    return found


def _literal(tokens: list[tokenize.TokenInfo]) -> str | None:
    """Adjacent string literals joined ("a" "b"), or None for anything else."""
    if not tokens or any(t.type != tokenize.STRING for t in tokens):
        return None
    if any(t.string.lstrip("rRbBuU")[:1] in "fF" or t.string[:2].lower() in ("f'", 'f"', "rf", "fr") for t in tokens):
        return None
    return "".join(ast.literal_eval(t.string) for t in tokens)


def messages_in(source: str) -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs a Python source asks to translate."""
    out: set[tuple[str | None, str]] = set()
    for name, args in _calls(source):
        if name in _SINGULAR | _PLURAL and args and args[0]:
            out.add((None, args[0]))
        elif name in _CONTEXT | _CONTEXT_PLURAL and len(args) >= 2 and args[0] and args[1]:
            out.add((args[0], args[1]))
    return out


def messages_in_tree(root: Path, ignore: set[str]) -> dict[tuple[str | None, str], list[str]]:
    """Every (context, msgid) in the project's .py, .html and .txt files, with where it is."""
    found: dict[tuple[str | None, str], list[str]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.suffix not in (".py", ".html", ".txt"):
            continue
        if rel.parts[0] in ignore or any(p.startswith(".") for p in rel.parts) or "locale" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # templatize blanks out everything but the translatable parts; its
            # indentation means nothing, and Python's tokenizer would trip on it.
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
        source = text
        for key in messages_in(source):
            found.setdefault(key, []).append(str(rel))
    return found

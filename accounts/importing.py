"""Student import from a CSV file: parse → plan → apply.

The ``import_students`` command and the admin upload use the same steps::

    parsed = parse_csv(read_limited(fileobj))          # file problems raise ImportFileError
    plan = plan_import(parsed, actor=user)             # checks every line, reads the database in batches
    result = apply_plan(plan, commit=False)            # the preview: done, then rolled back
    result = apply_plan(plan, commit=True, request=…)  # the real thing, all or nothing

The preview runs the whole import inside a transaction and rolls it back, so
the login IDs it shows are the ones a commit at that moment would give
(duplicate numbering and overrides included), without a second copy of the
allocation rules. Nothing is ever written when a line has an error.

Decisions an IT admin should know (also in the admin page's help):

* Students are matched by school and student reference. A match keeps its
  login ID; its class (and so level) is updated; a changed name is stored and
  flagged, the login ID still does not change (IT renames explicitly).
* A class that does not exist yet for the school in the current year is
  created with the level given. A class that exists with another level is an
  error: the file or the class is wrong and a person should decide which.
* Queries grow with the number of batches, never with the number of lines.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .login_ids import allocate_usernames
from .models import AuditEvent, Level, School, SchoolClass, Student, User
from .scope import scope_of
from .usernames import InvalidName, analyse_name, is_valid_username, normalise_login_id

# A line of a real class list is well under 200 characters; anything near this
# is a wrong file or a broken quote that swallowed the rest of the file.
MAX_ROW_CHARS = 1000
# Rows per INSERT/UPDATE and references per lookup: keeps statements well
# under SQLite's variable limit and PostgreSQL's comfortable statement size.
BATCH_SIZE = 500
LOOKUP_CHUNK = 1000
READ_CHUNK = 64 * 1024

# Canonical column → accepted header spellings (compared after _header_key()).
COLUMNS: dict[str, tuple[str, ...]] = {
    "school_code": ("school_code", "school"),
    "class": ("class", "class_name", "form_class"),
    "level": ("level", "primary_level"),
    "full_name": ("full_name", "name", "student_name"),
    "student_ref": ("student_ref", "student_reference", "reference", "ref"),
    "login_id": ("login_id", "login_id_override", "username", "mims_login_id"),
}
REQUIRED_COLUMNS = ("school_code", "class", "level", "full_name", "student_ref")
_MAX_LENGTH = {
    "school_code": School._meta.get_field("code").max_length,
    "class": SchoolClass._meta.get_field("name").max_length,
    "level": 20,
    "full_name": Student._meta.get_field("full_name").max_length,
    "student_ref": Student._meta.get_field("student_ref").max_length,
    "login_id": 200,
}
# An NRIC/FIN: the issue forbids storing one as the student reference.
_NRIC = re.compile(r"[STFGM]\d{7}[A-Z]", re.IGNORECASE)
_LEVEL = re.compile(r"(?:p|pri|primary)?\s*([1-6])")
_NUMBER_SUFFIX = re.compile(r"_[1-9][0-9]*$")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (encoding, size, header, empty)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the column's header as written in the file, or "" for the whole line
    message: str

    def __str__(self) -> str:
        if not self.line:  # about the import as a whole
            return self.message
        if self.column:
            return _("Line %(line)s, column “%(column)s”: %(message)s") % asdict(self)
        return _("Line %(line)s: %(message)s") % asdict(self)


@dataclass(frozen=True)
class CsvRow:
    line: int
    school_code: str
    class_name: str
    level: str
    full_name: str
    student_ref: str
    login_id: str


@dataclass
class ParsedFile:
    """A decoded, split file. Plain data, so the admin can keep it in the session."""

    name: str
    headers: dict[str, str]  # canonical column → header as written in the file
    rows: list[CsvRow]
    errors: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "headers": self.headers,
            "rows": [list(asdict(r).values()) for r in self.rows],
            "errors": [asdict(e) for e in self.errors],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedFile:
        return cls(
            name=data["name"],
            headers=data["headers"],
            rows=[CsvRow(*r) for r in data["rows"]],
            errors=[RowError(**e) for e in data["errors"]],
        )


# --- Reading and parsing ------------------------------------------------------


def max_upload_bytes() -> int:
    return getattr(settings, "MIMS_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def too_large_message(size: int | None, limit: int) -> str:
    if size is None:
        return _("The file is larger than %(limit)s. Split the class list into smaller files.") % {
            "limit": _megabytes(limit)
        }
    return _("The file is %(size)s; the most the import takes is %(limit)s. Split it into smaller files.") % {
        "size": _megabytes(size),
        "limit": _megabytes(limit),
    }


def _megabytes(n: int) -> str:
    return _("%(n).1f MB") % {"n": n / (1024 * 1024)}


def read_limited(fileobj: IO[bytes], *, limit: int | None = None, size: int | None = None) -> bytes:
    """Read at most ``limit`` bytes; refuse a larger file without reading it all.

    ``size`` (or ``fileobj.size``, as an upload has) refuses before reading anything.
    """
    limit = max_upload_bytes() if limit is None else limit
    size = getattr(fileobj, "size", None) if size is None else size
    if size is not None and size > limit:
        raise ImportFileError(too_large_message(size, limit))
    chunks, total = [], 0
    while chunk := fileobj.read(READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise ImportFileError(too_large_message(None, limit))
        chunks.append(chunk)
    return b"".join(chunks)


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM (Excel's "CSV UTF-8"); anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            _('The file is saved as UTF-16 ("Unicode text"). Save it again as "CSV UTF-8 (comma delimited)".')
        )
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _('This is an Excel workbook, not a CSV file. In Excel choose Save As → "CSV UTF-8 (comma delimited)".')
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "Line %(line)s is not UTF-8 text, so the file was saved in another encoding. "
                'Save it again as "CSV UTF-8 (comma delimited)".'
            )
            % {"line": line}
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("The file contains binary data; it is not a CSV file."))
    return text


def _sniff_delimiter(header_line: str) -> str:
    # csv.Sniffer guesses wrongly on short files; our header has five or six
    # names, so the separator is simply the one the header uses most.
    return max((",", ";", "\t"), key=header_line.count)


def _header_key(header: str) -> str:
    header = re.sub(r"\(.*?\)", "", header)  # "Login ID (optional)"
    return re.sub(r"[\s_\-.]+", "_", header.strip().lower()).strip("_")


_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


def _map_headers(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        column = _ALIASES.get(_header_key(header))
        if column is None:
            if header.strip():
                unknown.append(header.strip())
            continue
        if column in found:
            raise ImportFileError(_("The first line names the column “%(column)s” twice.") % {"column": header.strip()})
        found[column] = index
    expected = ", ".join(COLUMNS)
    if unknown:
        raise ImportFileError(
            _("The first line has a column this import does not know: “%(unknown)s”. The columns are: %(expected)s.")
            % {"unknown": "”, “".join(unknown), "expected": expected}
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise ImportFileError(
            _(
                "The first line must name the columns. Missing: %(missing)s. "
                "The columns are: %(expected)s (login_id may be left out)."
            )
            % {"missing": ", ".join(missing), "expected": expected}
        )
    return found


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (first line number, fields) — fields None for a row that is far too long."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # The csv module's own limit (128 KiB per value): a broken quote.
            yield line, None
            return
        yield line, fields
        line = reader.line_num + 1


def parse_csv(data: bytes, *, name: str = "") -> ParsedFile:
    """Decode and split a CSV file. File-level problems raise ImportFileError;
    problems of one line are collected in ``errors`` with the line number."""
    text = decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    if len(first_line) > MAX_ROW_CHARS:
        raise ImportFileError(
            _("The first line is %(length)s characters long; it should name the columns: %(expected)s.")
            % {"length": f"{len(first_line):,}", "expected": ", ".join(COLUMNS)}
        )
    delimiter = _sniff_delimiter(first_line)
    records = _records(text, delimiter)
    header_fields: list[str] | None = None
    for _line, fields in records:
        if fields is None:
            raise ImportFileError(_('The first line has a value that is far too long; is a quote (") missing?'))
        if fields and any(f.strip() for f in fields):
            header_fields = fields
            break
    if header_fields is None:  # only blank lines
        raise ImportFileError(_("The file is empty."))
    columns = _map_headers(header_fields)
    headers = {c: header_fields[i].strip() for c, i in columns.items()}
    width = len(header_fields)

    rows: list[CsvRow] = []
    errors: list[RowError] = []
    for line, fields in records:
        if fields is None:
            errors.append(RowError(line, "", _('a value is far too long; is a quote (") missing?')))
            break
        if not any(f.strip() for f in fields):
            continue  # blank line, or Excel's trailing ";;;;;"
        length = sum(len(f) for f in fields) + len(fields) - 1
        if length > MAX_ROW_CHARS:
            errors.append(
                RowError(
                    line,
                    "",
                    _("the line is %(length)s characters long; a line may have at most %(max)s.")
                    % {"length": f"{length:,}", "max": f"{MAX_ROW_CHARS:,}"},
                )
            )
            continue
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            errors.append(
                RowError(
                    line,
                    "",
                    _("the line has %(found)s values but the first line names %(width)s columns.")
                    % {"found": len(fields), "width": width},
                )
            )
            continue
        fields = fields + [""] * (width - len(fields))

        def value(column: str, fields: list[str] = fields) -> str:
            return " ".join(fields[columns[column]].split()) if column in columns else ""

        if len(rows) == settings.MIMS_IMPORT_MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s students. Split it (for example one file per school) and "
                  "import each part.") % {"max": f"{settings.MIMS_IMPORT_MAX_ROWS:,}"}
            )  # fmt: skip
        rows.append(
            CsvRow(
                line=line,
                school_code=value("school_code"),
                class_name=value("class"),
                level=value("level"),
                full_name=value("full_name"),
                student_ref=value("student_ref"),
                login_id=value("login_id"),
            )
        )
    if not rows and not errors:
        raise ImportFileError(_("The file names the columns but has no students in it."))
    return ParsedFile(name=name, headers=headers, rows=rows, errors=errors)


# --- Planning -----------------------------------------------------------------


class Flag:
    """What the preview asks an IT admin to eyeball."""

    CONNECTOR_DROPPED = "connector_dropped"
    WORDS_CUT = "words_cut"
    TRUNCATED = "truncated"
    DUPLICATE_NUMBERED = "duplicate_numbered"
    OVERRIDE_USED = "override_used"
    OVERRIDE_IGNORED = "override_ignored"
    NAME_CHANGED = "name_changed"
    CLASS_CREATED = "class_created"

    LABELS = {
        CONNECTOR_DROPPED: gettext_lazy("connector dropped"),
        WORDS_CUT: gettext_lazy("words beyond four cut"),
        TRUNCATED: gettext_lazy("name truncated"),
        DUPLICATE_NUMBERED: gettext_lazy("duplicate numbered"),
        OVERRIDE_USED: gettext_lazy("override used"),
        OVERRIDE_IGNORED: gettext_lazy("override ignored: login ID kept"),
        NAME_CHANGED: gettext_lazy("name changed: login ID kept"),
        CLASS_CREATED: gettext_lazy("new class"),
    }


class Action:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"

    LABELS = {
        NEW: gettext_lazy("new student"),
        UPDATE: gettext_lazy("update"),
        UNCHANGED: gettext_lazy("no change"),
    }


@dataclass
class PlannedRow:
    row: CsvRow
    action: str = Action.NEW
    school: School | None = None
    class_key: tuple[int, str] | None = None  # (school id, casefolded class name)
    level: int | None = None
    student: Student | None = None  # the existing student, for updates
    base: str = ""  # login ID before any duplicate suffix, for new students
    override: str = ""
    login_id: str = ""  # filled in by apply_plan for new students
    flags: dict[str, str] = field(default_factory=dict)  # flag → detail


@dataclass
class ImportPlan:
    parsed: ParsedFile
    actor: User | None
    year: int
    rows: list[PlannedRow]
    errors: list[RowError]
    new_classes: dict[tuple[int, str], SchoolClass]  # unsaved until apply
    classes: dict[tuple[int, str], SchoolClass]
    applied: bool = False  # a plan is applied once: its objects carry the writes

    @property
    def ok(self) -> bool:
        return not self.errors


def allowed_school_ids(actor: User | None) -> set[int] | None:
    """Schools ``actor`` may import into: None means all (MOE IT, the command).
    A school ICT admin imports only for their own school."""
    if actor is None:
        return None
    scope = scope_of(actor)
    if scope.everything:
        return None
    if scope.is_it:
        return {scope.school_id}
    raise PermissionDenied(_("Only MOE IT and school ICT admins may import students."))


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _check_fields(row: CsvRow, headers: dict[str, str]) -> tuple[list[RowError], int | None]:
    errors = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(row.line, headers.get(column, column), message))

    values = {
        "school_code": row.school_code,
        "class": row.class_name,
        "level": row.level,
        "full_name": row.full_name,
        "student_ref": row.student_ref,
        "login_id": row.login_id,
    }
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            error(column, _("this value is empty."))
    for column, value in values.items():
        if len(value) > _MAX_LENGTH[column]:
            error(
                column,
                _("this value has %(length)s characters; at most %(max)s are allowed.")
                % {"length": len(value), "max": _MAX_LENGTH[column]},
            )
    level = None
    if row.level:
        if match := _LEVEL.fullmatch(row.level.lower()):
            level = int(match.group(1))
        else:
            error("level", _("“%(value)s” is not a level; use P1 to P6.") % {"value": row.level[:20]})
    if row.student_ref and _NRIC.fullmatch(row.student_ref):
        error("student_ref", _("this looks like an NRIC or FIN number. Use the school-issued student reference."))
    return errors, level


def plan_import(parsed: ParsedFile, *, actor: User | None = None, year: int | None = None) -> ImportPlan:
    """Check every line and work out what the import would do.

    Reads the database a batch at a time: all schools, this year's classes of
    the schools named, existing students by reference in chunks, and taken
    override login IDs in chunks. Writes nothing.
    """
    allowed = allowed_school_ids(actor)
    year = year or timezone.localdate().year
    headers = parsed.headers
    errors = list(parsed.errors)
    rows: list[PlannedRow] = []

    schools = {s.code.upper(): s for s in School.objects.only("id", "code", "name")}
    for row in parsed.rows:
        row_errors, level = _check_fields(row, headers)
        planned = PlannedRow(row=row, level=level)
        if row.school_code:
            school = schools.get(row.school_code.upper())
            if school is None:
                row_errors.append(
                    RowError(
                        row.line,
                        headers["school_code"],
                        _("there is no school with the code “%(code)s”.") % {"code": row.school_code[:20]},
                    )
                )
            elif allowed is not None and school.pk not in allowed:
                row_errors.append(
                    RowError(
                        row.line,
                        headers["school_code"],
                        _("you may import students of your own school only, not of “%(code)s”.")
                        % {"code": school.code},
                    )
                )
            else:
                planned.school = school
        if row.full_name:
            try:
                analysis = analyse_name(row.full_name)
            except InvalidName as e:
                row_errors.append(RowError(row.line, headers["full_name"], str(e)))
            else:
                planned.base = analysis.base
                if analysis.connectors_dropped:
                    planned.flags[Flag.CONNECTOR_DROPPED] = ", ".join(analysis.connectors_dropped)
                if analysis.words_cut:
                    planned.flags[Flag.WORDS_CUT] = " ".join(analysis.words_cut)
                if analysis.truncated:
                    planned.flags[Flag.TRUNCATED] = ""
        if row.login_id:
            override = normalise_login_id(row.login_id)
            if "@" in override or not is_valid_username(override):
                row_errors.append(
                    RowError(
                        row.line,
                        headers.get("login_id", "login_id"),
                        _(
                            "“%(value)s” is not a valid login ID: use a to z, hyphens and underscores, "
                            "at most 64 characters, ending in @%(domain)s or nothing."
                        )
                        % {"value": row.login_id[:80], "domain": settings.MIMS_USERNAME_DOMAIN},
                    )
                )
            else:
                planned.override = override
        if planned.school and row.class_name:
            planned.class_key = (planned.school.pk, row.class_name.casefold())
        errors.extend(row_errors)
        rows.append(planned)

    _match_duplicates_in_file(rows, headers, errors)
    classes, new_classes = _plan_classes(rows, year, headers, errors)
    _match_existing_students(rows, classes, new_classes)
    _check_overrides_free(rows, headers, errors)
    errors.sort(key=lambda e: e.line)
    return ImportPlan(
        parsed=parsed, actor=actor, year=year, rows=rows, errors=errors, new_classes=new_classes, classes=classes
    )


def _match_duplicates_in_file(rows: list[PlannedRow], headers: dict[str, str], errors: list[RowError]) -> None:
    seen_refs: dict[tuple[int, str], int] = {}
    seen_overrides: dict[str, int] = {}
    for planned in rows:
        row = planned.row
        if planned.school and row.student_ref:
            key = (planned.school.pk, row.student_ref)
            if key in seen_refs:
                errors.append(
                    RowError(
                        row.line,
                        headers["student_ref"],
                        _("line %(first)s has the same student reference.") % {"first": seen_refs[key]},
                    )
                )
            else:
                seen_refs[key] = row.line
        if planned.override:
            if planned.override in seen_overrides:
                errors.append(
                    RowError(
                        row.line,
                        headers["login_id"],
                        _("line %(first)s asks for the same login ID.") % {"first": seen_overrides[planned.override]},
                    )
                )
            else:
                seen_overrides[planned.override] = row.line


def _plan_classes(
    rows: list[PlannedRow], year: int, headers: dict[str, str], errors: list[RowError]
) -> tuple[dict[tuple[int, str], SchoolClass], dict[tuple[int, str], SchoolClass]]:
    school_ids = {p.school.pk for p in rows if p.school}
    classes = {
        (c.school_id, c.name.casefold()): c for c in SchoolClass.objects.filter(school_id__in=school_ids, year=year)
    }
    new_classes: dict[tuple[int, str], SchoolClass] = {}
    first_line: dict[tuple[int, str], int] = {}
    for planned in rows:
        key = planned.class_key
        if key is None or planned.level is None:
            continue
        school_class = classes.get(key) or new_classes.get(key)
        if school_class is None:
            school_class = SchoolClass(
                school=planned.school, year=year, level=planned.level, name=planned.row.class_name
            )
            new_classes[key] = school_class
            first_line[key] = planned.row.line
        if school_class.level != planned.level:
            if school_class.pk:
                message = _("class “%(name)s” is %(level)s in %(year)s, not %(given)s.")
            else:
                message = _("class “%(name)s” is %(level)s on line %(line)s, not %(given)s.")
            errors.append(
                RowError(
                    planned.row.line,
                    headers["level"],
                    message
                    % {
                        "name": school_class.name,
                        "level": Level(school_class.level).label,
                        "year": year,
                        "line": first_line.get(key, ""),
                        "given": Level(planned.level).label,
                    },
                )
            )
        if key in new_classes:
            planned.flags[Flag.CLASS_CREATED] = new_classes[key].name
    return classes, new_classes


def _match_existing_students(
    rows: list[PlannedRow],
    classes: dict[tuple[int, str], SchoolClass],
    new_classes: dict[tuple[int, str], SchoolClass],
) -> None:
    refs_by_school: dict[int, list[str]] = {}
    for planned in rows:
        if planned.school and planned.row.student_ref:
            refs_by_school.setdefault(planned.school.pk, []).append(planned.row.student_ref)
    existing: dict[tuple[int, str], Student] = {}
    for school_id, refs in refs_by_school.items():
        for chunk in _chunks(refs, LOOKUP_CHUNK):
            for student in (
                Student.objects.filter(school_id=school_id, student_ref__in=chunk)
                .select_related("user")
                .only("id", "school_id", "student_ref", "full_name", "school_class_id", "user__username")
            ):
                existing[(school_id, student.student_ref)] = student
    for planned in rows:
        if planned.school is None:
            continue
        student = existing.get((planned.school.pk, planned.row.student_ref))
        if student is None:
            continue
        planned.student = student
        planned.login_id = student.user.username
        # The name only makes the login ID of a new student.
        for flag in (Flag.CONNECTOR_DROPPED, Flag.WORDS_CUT, Flag.TRUNCATED):
            planned.flags.pop(flag, None)
        if planned.override and planned.override != student.user.username:
            planned.flags[Flag.OVERRIDE_IGNORED] = planned.override
        school_class = classes.get(planned.class_key) if planned.class_key else None
        new_class = planned.class_key in new_classes if planned.class_key else False
        name_changed = student.full_name != planned.row.full_name
        if name_changed:
            planned.flags[Flag.NAME_CHANGED] = student.full_name
        moved = new_class or (school_class is not None and school_class.pk != student.school_class_id)
        planned.action = Action.UPDATE if (moved or name_changed) else Action.UNCHANGED


def _check_overrides_free(rows: list[PlannedRow], headers: dict[str, str], errors: list[RowError]) -> None:
    wanted = [p for p in rows if p.override and p.student is None]
    taken: set[str] = set()
    for chunk in _chunks([p.override for p in wanted], LOOKUP_CHUNK):
        taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    for planned in wanted:
        if planned.override in taken:
            errors.append(
                RowError(
                    planned.row.line,
                    headers["login_id"],
                    _("the login ID “%(value)s” is already taken.") % {"value": planned.override},
                )
            )


# --- Applying -----------------------------------------------------------------


@dataclass
class ImportResult:
    plan: ImportPlan
    committed: bool = False
    counts: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    # Set when a commit found a different outcome than the preview the admin saw.
    changed_since_preview: bool = False

    @property
    def rows(self) -> list[PlannedRow]:
        return self.plan.rows

    @property
    def fingerprint(self) -> str:
        return plan_fingerprint(self.plan)


def plan_fingerprint(plan: ImportPlan) -> str:
    """A digest of what each line would do, to tell if a commit would differ from its preview."""
    digest = hashlib.sha256()
    for p in plan.rows:
        digest.update(f"{p.row.line}\x1f{p.action}\x1f{p.login_id}\x1f{sorted(p.flags)}\n".encode())
    return digest.hexdigest()


class _Rollback(Exception):
    pass


def apply_plan(
    plan: ImportPlan,
    *,
    commit: bool,
    request: HttpRequest | None = None,
    expected_fingerprint: str | None = None,
    source: str = "command",
) -> ImportResult:
    """Carry out ``plan`` in one transaction; with ``commit=False`` roll it back.

    A plan with errors writes nothing. With ``expected_fingerprint`` (the
    preview's), a commit whose outcome would differ from that preview is rolled
    back and reported as ``changed_since_preview``.
    """
    if plan.applied:
        raise RuntimeError("An import plan is applied once; plan the file again.")
    plan.applied = True
    result = ImportResult(plan=plan)
    if not plan.ok:
        result.errors = plan.errors
        if commit:
            _audit(result, request, source, outcome=AuditEvent.Outcome.REFUSED)
        return result
    try:
        with transaction.atomic():
            _write(plan, result.counts)
            if expected_fingerprint is not None and expected_fingerprint != plan_fingerprint(plan):
                result.changed_since_preview = True
                raise _Rollback
            if not commit:
                raise _Rollback
            result.committed = True
            _audit(result, request, source, outcome=AuditEvent.Outcome.SUCCESS)
    except _Rollback:
        pass
    except IntegrityError:
        # Another import committed the same student reference or login ID
        # between our checks and our writes; ours is rolled back as a whole.
        result.committed = False
        result.errors = [
            RowError(
                0, "", _("Another import changed the same students at the same moment. Nothing changed; try again.")
            )
        ]
    return result


def _write(plan: ImportPlan, counts: Counter) -> None:
    for school_class in plan.new_classes.values():
        school_class.school_id = school_class.school.pk
    SchoolClass.objects.bulk_create(plan.new_classes.values(), batch_size=BATCH_SIZE)
    counts["classes_created"] = len(plan.new_classes)
    class_of = {**plan.classes, **plan.new_classes}

    new = [p for p in plan.rows if p.student is None]
    # One allocation for the whole file, with its overrides passed as taken so
    # that a numbered ID never lands on one (and they are locked too).
    numbered = [p for p in new if not p.override]
    overrides = [p.override for p in new if p.override]
    for p, username in zip(numbered, allocate_usernames([p.base for p in numbered], taken=overrides), strict=True):
        p.login_id = username
        if username != p.base:
            p.flags[Flag.DUPLICATE_NUMBERED] = username
    for p in new:
        if p.override:
            p.login_id = p.override
            p.flags[Flag.OVERRIDE_USED] = ""
    _create_students(new, class_of)
    counts["created"] = len(new)

    changed = []
    for p in plan.rows:
        if p.student is None:
            continue
        if p.action == Action.UNCHANGED:
            counts["unchanged"] += 1
            continue
        p.student.school_class = class_of[p.class_key]
        if Flag.NAME_CHANGED in p.flags:
            p.student.full_name = p.row.full_name
            counts["names_changed"] += 1
        changed.append(p.student)
    Student.objects.bulk_update(changed, ["school_class", "full_name"], batch_size=BATCH_SIZE)
    counts["updated"] = len(changed)


def _create_students(planned: list[PlannedRow], class_of: dict[tuple[int, str], SchoolClass]) -> None:
    if not planned:
        return
    # A new student has no password until the slip feature issues one. This
    # is what make_password(None) stores ("!" and random text that no
    # password hashes to), from one urandom call instead of 40 choice() calls.
    users = [
        User(
            username=p.login_id,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            must_change_password=True,
        )
        for p in planned
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    # Ids rather than objects: the related-object descriptors cost more than
    # the insert itself at 10,000 rows.
    Student.objects.bulk_create(
        [
            Student(
                user_id=user.pk,
                school_id=p.school.pk,
                school_class_id=class_of[p.class_key].pk,
                full_name=p.row.full_name,
                student_ref=p.row.student_ref,
                login_base=_NUMBER_SUFFIX.sub("", p.override) if p.override else p.base,
            )
            for p, user in zip(planned, users, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )


def _audit(result: ImportResult, request: HttpRequest | None, source: str, *, outcome: str) -> None:
    plan = result.plan
    school_ids = {p.school.pk for p in plan.rows if p.school}
    audit.record(
        request,
        "students.import",
        actor=plan.actor,
        target=plan.parsed.name[:200],
        school=next(iter(school_ids)) if len(school_ids) == 1 else None,
        outcome=outcome,
        source=source,
        lines=len(plan.rows),
        errors=len(result.errors),
        **{k: result.counts.get(k, 0) for k in ("created", "updated", "unchanged", "names_changed", "classes_created")},
    )


def import_file(
    data: bytes, *, name: str, actor: User | None, commit: bool, request: HttpRequest | None = None, source: str
) -> ImportResult:
    """parse → plan → apply in one call (the command; tests)."""
    parsed = parse_csv(data, name=name)
    return apply_plan(plan_import(parsed, actor=actor), commit=commit, request=request, source=source)


def row_flags(planned: PlannedRow) -> list[str]:
    """The preview's readable flags for one line."""
    return [f"{Flag.LABELS[f]}: {detail}" if detail else str(Flag.LABELS[f]) for f, detail in planned.flags.items()]

"""Numbers for the IT reports page, CSV downloads and server-drawn SVG charts.

Every number is one aggregate query; nothing loops over students in Python. The answers' shares
for all schools at once group every child's answers (over a second at 500,000 children), so that
one figure is counted by the worker every hour and read from the cache (:func:`all_schools_answers`);
one school's figures are always counted when asked.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Student
from sspr.answers import OWN_ANSWER_LEVELS
from sspr.cards import CARD_LEVELS
from sspr.models import AnswerStatus, ChallengeAnswer

WEEKS = 12
Weekly = tuple[list[date], dict[str, list[int]]]

# (audit action, details["channel"]) -> channel shown in the report. Slips
# for new students are first passwords, not resets, and are left out.
RESET_CHANNELS: dict[tuple[str, str], str] = {
    ("password.reset", "sspr"): "self-service",
    ("password.temporary", "teacher"): "teacher",
    ("password.temporary", "it"): "IT",
    ("password.temporary", "class"): "class slips",
    ("password.temporary", "yearly_reset"): "yearly reset",
}
CHANNEL_LABELS = {
    "self-service": _("Self-service"),
    "teacher": _("Teacher"),
    "IT": _("IT"),
    "class slips": _("Class slips"),
    "yearly reset": _("Yearly reset"),
}
LOCK_ACTIONS = {"login.locked": _("Sign-in locked"), "sspr.locked": _("Self-service reset locked")}


# --- CSV -------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "＝", "＋", "－", "＠")


def csv_safe(value: Any) -> str:
    """The cell as text, with a leading quote if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """Stream rows as a UTF-8 CSV download (with a BOM so Excel reads Chinese,
    Malay and Tamil names correctly), every cell made formula-safe."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([csv_safe(h) for h in header])
        for row in rows:
            yield writer.writerow([csv_safe(c) for c in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- numbers ------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    label: str
    part: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.part / self.total, 1) if self.total else 0.0


def answer_counts(students: QuerySet[Student]) -> dict[str, int]:
    """Primary 4–6 with answers of their own; Primary 2–3 with school-set cards.

    Counts students in active classes only, by the status the student list
    shows (``ChallengeAnswer.objects.statuses``). Three aggregate queries: the
    totals over students, then each group's statuses.
    """
    active = students.filter(school_class__is_active=True).order_by()
    upper, lower = Q(school_class__level__in=OWN_ANSWER_LEVELS), Q(school_class__level__in=CARD_LEVELS)
    totals = active.aggregate(upper=Count("pk", filter=upper), lower=Count("pk", filter=lower))

    # One query per group over the answers table alone, grouped by user_id
    # (its index), limited to the group's students by a semi-join: joining
    # answers → users → students for every school took seconds.
    def complete(group: Q, status: AnswerStatus) -> int:
        users = active.filter(group).values("user_id")
        return ChallengeAnswer.objects.filter(user_id__in=users).statuses().filter(status=status).count()

    return {
        "upper_own": complete(upper, AnswerStatus.OWN),
        "upper": totals["upper"],
        "lower_cards": complete(lower, AnswerStatus.SCHOOL),
        "lower": totals["lower"],
    }


def shares(counts: dict[str, int]) -> list[Share]:
    """The counts of :func:`answer_counts` as the report's rows, labelled in the language in use."""
    return [
        Share(gettext("Primary 4–6 with their own challenge answers"), counts["upper_own"], counts["upper"]),
        Share(gettext("Primary 2–3 with a school-set challenge card"), counts["lower_cards"], counts["lower"]),
    ]


def answer_shares(students: QuerySet[Student]) -> list[Share]:
    """These students' rows, counted now."""
    return shares(answer_counts(students))


# Versioned: a deploy that changes what is kept under it changes the version, so no process reads a
# value of another shape.
ALL_SCHOOLS_KEY = "mims-reports:all-schools-answers:v1"
# The hourly job (staff/tasks.py) counts again well before this runs out, even when the worker is busy
# with a batch at the full hour. Without Redis (the embedded default) the worker's cache is not the web
# process's, which then counts when it finds none. Either way the page says when the figures were
# counted, at most this long ago.
ALL_SCHOOLS_SECONDS = 90 * 60


@dataclass(frozen=True)
class Counted:
    counts: dict[str, int]
    at: datetime


def all_schools_answers(*, count_now: bool = False) -> Counted:
    """The answers' counts for every school, as the worker last counted them
    (within the hour); counted here and kept if there are none yet."""
    kept = None if count_now else cache.get(ALL_SCHOOLS_KEY)
    if kept is None:
        # A dict and a datetime: what the cache keeps must read back after a deploy changes this module.
        kept = (answer_counts(Student.objects.all()), timezone.now())
        cache.set(ALL_SCHOOLS_KEY, kept, ALL_SCHOOLS_SECONDS)
    return Counted(*kept)


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, oldest first, this week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _weekly(events: QuerySet[AuditEvent], key: Any, today: date, weeks: int) -> tuple[list[date], dict]:
    """Count events per (week, key) with one GROUP BY on the local date.

    Grouping by day (not by a database week function) keeps weeks Monday-based
    in Singapore time on every database; the 7×weeks day rows are folded into
    weeks here.
    """
    starts = week_starts(today, weeks)
    tz = timezone.get_current_timezone()
    since = datetime.combine(starts[0], time.min, tzinfo=tz)
    rows = (
        events.filter(created__gte=since)
        .annotate(day=TruncDate("created", tzinfo=tz), key=key)
        .order_by()
        .values("day", "key")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[date, Any], int] = {}
    for row in rows:
        day = row["day"]
        week = day - timedelta(days=day.weekday())
        counts[week, row["key"]] = counts.get((week, row["key"]), 0) + row["n"]
    return starts, counts


def resets_per_week(events: QuerySet[AuditEvent], today: date, weeks: int = WEEKS) -> Weekly:
    """Password resets per week by channel: self-service, teacher, IT."""
    actions = sorted({action for action, _ in RESET_CHANNELS})
    # The key combines action and channel in SQL: "password.reset:sspr".
    channel = Coalesce(KeyTextTransform("channel", "details"), Value(""), output_field=CharField())
    key = Concat("action", Value(":"), channel, output_field=CharField())
    done = events.filter(action__in=actions, outcome=AuditEvent.Outcome.SUCCESS)
    starts, counts = _weekly(done, key, today, weeks)
    series: dict[str, list[int]] = {}
    for (action, channel), name in RESET_CHANNELS.items():
        series[name] = [counts.get((week, f"{action}:{channel}"), 0) for week in starts]
    return starts, series


def lockouts_per_week(events: QuerySet[AuditEvent], today: date, weeks: int = WEEKS) -> Weekly:
    """Sign-in and self-service reset lockouts per week (recorded as refused)."""
    starts, counts = _weekly(events.filter(action__in=list(LOCK_ACTIONS)), F("action"), today, weeks)
    return starts, {action: [counts.get((week, action), 0) for week in starts] for action in LOCK_ACTIONS}


# --- SVG -----------------------------------------------------------------------

# Colours told apart by people with the common colour-vision deficiencies
# (Okabe–Ito); the table beside each chart carries the same numbers.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]


def _attr(value: Any) -> str:
    return escape(str(value))


def bar_chart_svg(
    title: str, desc: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, chart_id: str
) -> str:
    """A stacked bar chart as SVG markup, every text escaped.

    ``series`` is (name, one value per label). The result is marked safe by the
    caller; it contains only numbers computed here and escaped text.
    """
    width, height, left, bottom, top, right = 640, 300, 44, 56, 16, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    peak = max([*totals, 1])
    step = _nice_step(peak)
    y_max = step * -(-peak // step)
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 24 * len(series)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="mims-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for tick in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * tick / y_max
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{tick}</text>')
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        base = top + plot_h
        for n, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / y_max
            base -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)}: {escape(name)} {value}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="end" font-size="11" '
            f'transform="rotate(-40 {x + bar_w / 2:.1f} {top + plot_h + 16})">{escape(label)}</text>'
        )
    for n, (name, _values) in enumerate(series):
        y = height + 24 * n
        parts.append(f'<rect x="{left}" y="{y - 12}" width="14" height="14" fill="{PALETTE[n % len(PALETTE)]}"/>')
        parts.append(f'<text x="{left + 20}" y="{y}" font-size="13">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def share_chart_svg(title: str, shares: Sequence[Share], *, chart_id: str) -> str:
    """Horizontal bars from 0 to 100 %, one per share."""
    width, row_h, left = 640, 56, 8
    height = row_h * len(shares) + 8
    desc = "; ".join(f"{s.label}: {s.percent}% ({s.part} / {s.total})" for s in shares)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="mims-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    bar_w = width - left - 80
    for n, share in enumerate(shares):
        y = 8 + row_h * n
        parts.append(f'<text x="{left}" y="{y + 14}" font-size="13">{escape(share.label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 22}" width="{bar_w}" height="18" fill="#e6e6e6"/>')
        parts.append(
            f'<rect x="{left}" y="{y + 22}" width="{bar_w * share.percent / 100:.1f}" height="18" '
            f'fill="{PALETTE[n % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{left + bar_w + 8}" y="{y + 36}" font-size="13">{share.percent}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(peak: int) -> int:
    """A tick step of 1, 2 or 5 × 10ⁿ giving about five gridlines."""
    raw = max(peak / 5, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude

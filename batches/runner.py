"""Make, run, resume, hand over and clean up batches.

A batch runs unit by unit (a class each). For one unit the runner draws the
new secrets and hashes them (outside any transaction: that is the slow part),
writes the unit's printable data to a part file in the private directory,
and then, in ONE transaction, stores the hashes, marks the unit done, names
its part file and adds to the batch's progress. A worker that dies anywhere
leaves each class either done (hashes and part file agree) or untouched;
running the batch again picks up at the first unit not done. When every unit
is done the parts become one PDF and are deleted.

Plain answers and passwords exist only in those part files and in the PDF,
under ``VAR_DIR/private`` (never web-served, mode 0600), and both are deleted
at the first download or after ``MIMS_BATCH_FILE_HOURS``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import School, Student, User
from sspr import cards

from . import pdf, slips
from .hashing import HashPool
from .models import Batch, BatchUnit, file_lifetime, private_dir

logger = logging.getLogger(__name__)


class BatchRefused(Exception):
    """A clear, translatable reason why a batch cannot start; shown as is."""


@dataclass(frozen=True)
class Kind:
    prepare: Callable[[list[Student], Callable[[list[str]], list[str]]], Any]
    store: Callable[[Any, Batch], None]
    render: Callable[[Any, Iterable[dict[str, Any]]], int]
    filename: str


def _store_cards(prepared: cards.PreparedCards, batch: Batch) -> None:
    cards.store(prepared, actor=batch.requested_by, batch_id=batch.pk, reissue=bool(batch.params.get("reissue")))


def _store_slips(prepared: slips.PreparedSlips, batch: Batch) -> None:
    slips.store(prepared, actor=batch.requested_by, batch_id=batch.pk, channel=batch.params.get("channel", "slip"))


KINDS = {
    Batch.Kind.CARDS: Kind(cards.prepare, _store_cards, pdf.render_cards, "challenge-cards"),
    Batch.Kind.SLIPS: Kind(slips.prepare, _store_slips, pdf.render_slips, "sign-in-slips"),
}


# --- Making a batch -------------------------------------------------------


def create_batch(
    *,
    kind: str,
    requested_by: User,
    school: School,
    students: Iterable[Student],
    params: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    queue: bool = True,
) -> Batch:
    """Make a batch with one unit per class (in class order) and queue it
    (``queue=False``: the caller runs it, as the management commands do).

    Refuses with :class:`BatchRefused` when there is nobody to do, or when
    some of these children are already in a batch of the same kind that is
    still working: two batches racing would leave one printout with answers
    or passwords that no longer work.
    """
    students = [s for s in students if s.school_id == school.pk]
    if kind == Batch.Kind.CARDS:
        try:
            cards.card_questions()
        except cards.CardsUnavailable as e:
            raise BatchRefused(str(e)) from None
        students = [s for s in students if s.school_class and s.school_class.level in cards.CARD_LEVELS]
    students = [s for s in students if s.user.is_active]
    if not students:
        if kind == Batch.Kind.CARDS:
            raise BatchRefused(_("There are no Primary 2 or Primary 3 children here to make cards for."))
        raise BatchRefused(_("There are no children here to make slips for."))
    params = {"language": translation.get_language() or "en", **(params or {})}

    by_class: dict[int | None, list[Student]] = {}
    for s in sorted(students, key=_class_order):
        by_class.setdefault(s.school_class_id, []).append(s)

    with transaction.atomic():
        # One school at a time: concurrent requests for the same children wait
        # here, then see each other's batch below.
        School.objects.select_for_update().get(pk=school.pk)
        wanted = {s.pk for s in students}
        busy = BatchUnit.objects.filter(
            batch__school=school, batch__kind=kind, batch__status__in=[Batch.Status.QUEUED, Batch.Status.RUNNING],
            done=False,
        ).values_list("student_ids", flat=True)
        if any(wanted.intersection(ids) for ids in busy):
            raise BatchRefused(
                _("Some of these children are already in a batch that is still working. Wait for it to finish.")
            )
        batch = Batch.objects.create(
            kind=kind, requested_by=requested_by, school=school, params=params, total=len(students)
        )
        BatchUnit.objects.bulk_create(
            BatchUnit(
                batch=batch, school_class_id=class_id, student_ids=[s.pk for s in group], size=len(group)
            )
            for class_id, group in by_class.items()
        )
        audit.record(
            request, f"batch.{kind}.requested", actor=requested_by, target=f"batch {batch.pk}", school=school,
            children=len(students), classes=len(by_class),
            params={k: v for k, v in params.items() if k != "language"},
        )
        if queue:
            transaction.on_commit(lambda: enqueue(batch.pk))
    return batch


def _class_order(student: Student) -> tuple:
    c = student.school_class
    return (c.level, c.name, c.pk) if c else (0, "", 0)


def enqueue(batch_id: int) -> None:
    from .tasks import run_batch_task

    result = run_batch_task.enqueue(batch_id)
    # The immediate backend has run it already; a queue has not.
    Batch.objects.filter(pk=batch_id).update(task_id=str(result.id)[:64])


def resume(batch: Batch, *, request: HttpRequest | None = None) -> bool:
    """Queue a stopped batch again; it carries on at the first unit not done."""
    if not batch.can_resume:
        return False
    updated = Batch.objects.filter(pk=batch.pk, status=batch.status, updated=batch.updated).update(
        status=Batch.Status.QUEUED, error="", updated=timezone.now()
    )
    if updated:
        audit.record(
            request, "batch.resumed", actor=batch.requested_by, target=f"batch {batch.pk}", school=batch.school
        )
        transaction.on_commit(lambda: enqueue(batch.pk))
    return bool(updated)


# --- Running a batch ------------------------------------------------------


def run_batch(batch_id: int, *, hash_workers: int | None = None) -> str:
    """Do every unit not yet done, then make the PDF. Returns the status."""
    cleanup_expired()
    batch = Batch.objects.select_related("requested_by", "school").filter(pk=batch_id).first()
    if batch is None or batch.status not in (Batch.Status.QUEUED, Batch.Status.RUNNING):
        return batch.status if batch else "missing"
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.RUNNING, updated=timezone.now())
    kind = KINDS[batch.kind]
    try:
        with translation.override(batch.params.get("language") or "en"), HashPool(hash_workers) as pool:
            for unit in batch.units.filter(done=False).order_by("pk"):
                _run_unit(batch, unit, kind, pool)
            _assemble(batch, kind)
    except Exception as exc:
        # The message and traceback name no secret: plain values stay in locals.
        logger.exception("Batch %s stopped", batch.pk)
        reason = str(exc) if isinstance(exc, cards.CardsUnavailable) else _("Something went wrong. Try again.")
        Batch.objects.filter(pk=batch.pk, status=Batch.Status.RUNNING).update(
            status=Batch.Status.FAILED, error=reason[:200]
        )
        audit.record(
            None, f"batch.{batch.kind}.failed", actor=batch.requested_by, target=f"batch {batch.pk}",
            school=batch.school, outcome="failure", error=type(exc).__name__,
        )
    return Batch.objects.values_list("status", flat=True).get(pk=batch.pk)


def _run_unit(batch: Batch, unit: BatchUnit, kind: Kind, pool: HashPool) -> None:
    students = list(unit.students())
    prepared = kind.prepare(students, pool.hash_many)
    part = f"unit-{unit.pk}-{secrets.token_hex(8)}.json"
    _write_private(batch.work_dir() / part, json.dumps(prepared.printable()).encode())
    with transaction.atomic():
        locked = BatchUnit.objects.select_for_update().get(pk=unit.pk)
        if locked.done:  # another run of this batch got here first
            (batch.work_dir() / part).unlink(missing_ok=True)
            return
        kind.store(prepared, batch)
        locked.done, locked.part = True, part
        locked.save(update_fields=["done", "part"])
        Batch.objects.filter(pk=batch.pk).update(done=F("done") + unit.size, updated=timezone.now())


def _assemble(batch: Batch, kind: Kind) -> None:
    units = list(batch.units.order_by("pk"))
    work = batch.work_dir()

    def items() -> Iterable[dict[str, Any]]:
        for unit in units:
            yield from json.loads((work / unit.part).read_text())

    name = f"{kind.filename}-{batch.pk}-{secrets.token_hex(8)}.pdf"
    tmp = work / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        kind.render(out, items())
    os.replace(tmp, work / name)
    now = timezone.now()
    updated = Batch.objects.filter(pk=batch.pk, status=Batch.Status.RUNNING).update(
        status=Batch.Status.DONE, file_path=f"{batch.pk}/{name}", finished=now, expires_at=now + file_lifetime(),
        updated=now,
    )
    if not updated:  # another run finished first: keep its file
        (work / name).unlink(missing_ok=True)
        return
    for unit in units:
        (work / unit.part).unlink(missing_ok=True)
    audit.record(
        None, f"batch.{batch.kind}.ready", actor=batch.requested_by, target=f"batch {batch.pk}", school=batch.school,
        children=batch.total,
    )


def _write_private(path: Path, data: bytes) -> None:
    private_dir().parent.parent.mkdir(parents=True, exist_ok=True)  # VAR_DIR
    for folder in (private_dir().parent, private_dir(), path.parent):
        folder.mkdir(exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# --- Handing over and cleaning up -----------------------------------------


def take_file(batch: Batch, user: User, *, request: HttpRequest | None = None) -> bytes | None:
    """The PDF for its requester, once: reading it deletes it. None otherwise."""
    if batch.requested_by_id != user.pk or not batch.downloadable or not batch.file_path:
        return None
    if not may_still_see(batch, user):
        return None
    path = private_dir() / batch.file_path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    # Only one of two simultaneous downloads wins.
    won = Batch.objects.filter(pk=batch.pk, status=Batch.Status.DONE).update(
        status=Batch.Status.DOWNLOADED, downloaded_at=timezone.now(), file_path=""
    )
    if not won:
        return None
    shutil.rmtree(batch.work_dir(), ignore_errors=True)
    audit.record(request, f"batch.{batch.kind}.downloaded", actor=user, target=f"batch {batch.pk}", school=batch.school)
    return data


def may_still_see(batch: Batch, user: User) -> bool:
    """Whether ``user`` may see every class of the batch today (see
    ``Batch.objects.for_user``): a teacher moved off a class (or an ICT admin
    who is no longer one) after asking must not still collect the PDF."""
    return Batch.objects.for_user(user).filter(pk=batch.pk).exists()


def cleanup_expired() -> int:
    """Delete files no one downloaded in time, and the parts of batches that
    never finished. Returns how many batches were cleaned."""
    now = timezone.now()
    stale = list(
        Batch.objects.filter(status=Batch.Status.DONE, expires_at__lte=now)
        | Batch.objects.filter(
            status__in=[Batch.Status.QUEUED, Batch.Status.RUNNING, Batch.Status.FAILED],
            updated__lte=now - file_lifetime(),
        )
    )
    for batch in stale:
        if Batch.objects.filter(pk=batch.pk, status=batch.status).update(status=Batch.Status.EXPIRED, file_path=""):
            shutil.rmtree(batch.work_dir(), ignore_errors=True)
            audit.record(None, f"batch.{batch.kind}.expired", target=f"batch {batch.pk}", school=batch.school_id)
    return len(stale)

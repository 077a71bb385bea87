"""Steps that touch several models: taking a request from the public form, and
the actions on a child's account, by a teacher on the child's page or by IT
in the admin (staff/admin.py and the lockouts page call the same functions).

Every teacher action locks the child's user row first and then the request
row (always in that order, so two actions cannot deadlock), checks the state
it was shown, then acts. Two teachers pressing the same button at the same
moment therefore run one after the other, and the second is told who was
first instead of doing it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts import audit, notices
from accounts.lockouts import unlock_signin as _unlock_signin
from accounts.models import AuditEvent, School, Student, Teacher, User
from accounts.passwords import issue_temporary_password
from accounts.site import site_url
from sspr.answers import clear_answers as _clear_answers
from sspr.locks import unlock_reset as _unlock_reset

from .matching import match_request
from .models import ReferenceCode, ResetRequest, make_code

FOLD_WINDOW = timedelta(hours=24)


# --- The public form --------------------------------------------------------


def submit_request(
    http_request: HttpRequest,
    *,
    school: School,
    full_name: str,
    class_name: str,
    login_id: str,
    requester: str,
    contact: str,
    note: str,
) -> ReferenceCode:
    """Record a request (or fold it into today's open one for the same child)
    and return a new reference code for this submission."""
    match = match_request(school, full_name, class_name, login_id)
    with transaction.atomic():
        # Lock the school row so that two submissions for the same child at the
        # same moment fold into one request instead of racing to create two.
        School.objects.select_for_update().filter(pk=school.pk).first()
        recent = ResetRequest.objects.select_for_update().open().filter(
            school=school, created__gte=timezone.now() - FOLD_WINDOW
        )
        if match.student is not None:
            reset_request = recent.filter(student=match.student).first()
        else:
            reset_request = recent.filter(student__isnull=True, match_key=match.key).first()
        folded = reset_request is not None
        if folded:
            # Keep what the first person typed: a stranger must not be able to
            # change the contact on someone else's request.
            ResetRequest.objects.filter(pk=reset_request.pk).update(submissions=F("submissions") + 1)
        else:
            reset_request = ResetRequest.objects.create(
                school=school,
                full_name=full_name,
                class_name=class_name,
                login_id=login_id,
                requester=requester,
                contact=contact,
                note=note,
                match_key=match.key,
                student=match.student,
            )
        code = _new_code(reset_request, folded=folded)
    audit.record(
        http_request,
        "helpdesk.request",
        target=code.display,
        school=school,
        request_id=reset_request.pk,
        matched=match.student is not None,
        candidates=match.candidates,
        folded=folded,
        requester=requester,
    )
    if not folded:
        notify_new_request(reset_request)
    return code


def _new_code(reset_request: ResetRequest, *, folded: bool) -> ReferenceCode:
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the outer block usable
                return ReferenceCode.objects.create(code=make_code(), request=reset_request, folded=folded)
        except IntegrityError:
            continue
    raise RuntimeError("Could not make a unique reference code")  # 5 clashes in 8.5e11: never


def notify_new_request(reset_request: ResetRequest) -> None:
    """E-mail the child's form teachers, or the school's ICT admins when no
    child matched yet, through the task queue (accounts/notices.py): the
    request is saved and shows in the teachers' queue whatever the mail
    server does, and a teacher without an address is flagged to the ICT admin."""
    student = reset_request.student
    if student is not None and student.school_class_id:
        teachers = student.form_teachers()
        link = site_url(reverse("teacher:home"))
    else:
        teachers = Teacher.objects.filter(school_id=reset_request.school_id, user__is_staff=True).select_related(
            "user"
        )
        link = site_url(reverse("admin:helpdesk_resetrequest_match", args=[reset_request.pk]))
    # Each teacher reads it in their own language, whatever the requester chose.
    notices.notify(
        "reset-request", [t.user for t in teachers if t.user.is_active], school_id=reset_request.school_id,
        about=student.login_id if student is not None else "",
        refs={"reset_request": reset_request, "student": student}, link=link,
    )  # fmt: skip


# --- Teacher actions --------------------------------------------------------


class ActionRefused(Exception):
    """The action was not done; ``message`` says why, in words for the teacher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def password_stamp(user: User) -> str:
    """Changes whenever the password does. The child page carries it, so a
    temporary password is issued only if nobody changed the password since
    the teacher looked (a second click, a second teacher)."""
    return salted_hmac("helpdesk.password-stamp", user.password, algorithm="sha256").hexdigest()[:20]


@dataclass
class _Locked:
    user: User
    reset_request: ResetRequest | None


def _act[T](
    http_request: HttpRequest,
    student: Student,
    actor: User,
    action: str,
    request_id: int | None,
    body: Callable[[_Locked], T],
) -> T:
    """Lock the child's user row, then the request row; refuse if the request
    was closed meanwhile; else run ``body``. A refusal rolls everything back
    and is then audited on its own."""
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=student.user_id)
            reset_request = None
            if request_id is not None:
                reset_request = ResetRequest.objects.select_for_update().filter(pk=request_id, student=student).first()
                if reset_request is None:
                    raise ActionRefused(_("That request is not about this child. Nothing was changed."))
                if not reset_request.is_open:
                    raise ActionRefused(
                        _("%(name)s already handled this request at %(time)s. Nothing was changed.")
                        % {
                            "name": reset_request.handled_by_name(),
                            "time": timezone.localtime(reset_request.handled_at).strftime("%H:%M"),
                        }
                    )
            return body(_Locked(user, reset_request))
    except ActionRefused:
        audit.record(
            http_request, "teacher.conflict", actor=actor, target=student.login_id, school=student.school_id,
            outcome=AuditEvent.Outcome.REFUSED, action_tried=action, request_id=request_id,
        )
        raise


def _close_done(http_request: HttpRequest, reset_request: ResetRequest | None, actor: User, how: str) -> None:
    if reset_request is not None:
        reset_request.close(ResetRequest.State.DONE, by=actor)
        audit.record(
            http_request, "helpdesk.request.closed", actor=actor, target=str(reset_request.pk),
            school=reset_request.school_id, state=ResetRequest.State.DONE, how=how,
        )


def _in_progress(reset_request: ResetRequest | None, actor: User) -> None:
    if reset_request is not None:
        reset_request.mark_in_progress(actor)


def issue_password(
    http_request: HttpRequest,
    student: Student,
    *,
    actor: User,
    request_id: int | None,
    stamp: str | None,
    channel: str = "teacher",
) -> str:
    """Issue a temporary password (closing the request as done, if any) and
    return it, to be shown once. ``stamp`` is the password stamp the teacher's
    page was drawn with; None from the admin, whose confirmation page lists
    children, not their passwords' state."""

    def body(locked: _Locked) -> str:
        if stamp is not None and not constant_time_compare(stamp, password_stamp(locked.user)):
            last = (
                AuditEvent.objects.filter(
                    action="password.temporary", target=student.login_id,
                    created__gte=timezone.now() - timedelta(minutes=30),
                )
                .select_related("actor")
                .first()
            )
            if last is not None and last.actor_id:
                raise ActionRefused(
                    _("%(name)s gave this child a temporary password at %(time)s. Nothing was changed.")
                    % {"name": _staff_name(last.actor), "time": timezone.localtime(last.created).strftime("%H:%M")}
                )
            raise ActionRefused(_("This child's password changed after you opened the page. Nothing was changed."))
        password = issue_temporary_password(locked.user, request=http_request, actor=actor, channel=channel)
        _close_done(http_request, locked.reset_request, actor, "temporary_password")
        return password

    return _act(http_request, student, actor, "temporary_password", request_id, body)


def _staff_name(user: User) -> str:
    return user.get_full_name() or user.username


def _act_and_record(
    http_request: HttpRequest,
    student: Student,
    *,
    actor: User,
    request_id: int | None,
    action: str,
    do: Callable[[User], int],
    audited_as: str,
    **details: str,
) -> int:
    """An action that changes something about the child's account and leaves
    the request open (marked as being handled): ``do`` gets the locked user
    and returns how many rows it removed, audited as ``audited_as``."""

    def body(locked: _Locked) -> int:
        removed = do(locked.user)
        _in_progress(locked.reset_request, actor)
        audit.record(
            http_request, audited_as, actor=actor, target=student.login_id, school=student.school_id,
            removed=removed, **details,
        )  # fmt: skip
        return removed

    return _act(http_request, student, actor, action, request_id, body)


def clear_answers(
    http_request: HttpRequest, student: Student, *, actor: User, request_id: int | None, channel: str = "teacher"
) -> int:
    def clear_and_tell(user: User) -> int:
        removed = _clear_answers(user)
        notices.answers_changed(user, how="cleared")
        return removed

    return _act_and_record(
        http_request, student, actor=actor, request_id=request_id, action="clear_answers", do=clear_and_tell,
        audited_as="answers.cleared", channel=channel,
    )  # fmt: skip


#: How each kind of lock is lifted, by login key: sign-in (django-axes) and self-service reset.
UNLOCKS: dict[str, Callable[[str], int]] = {"signin": _unlock_signin, "reset": _unlock_reset}


def unlock(
    http_request: HttpRequest,
    student: Student,
    *,
    kind: str,
    actor: User,
    request_id: int | None,
    channel: str = "teacher",
) -> int:
    return _act_and_record(
        http_request, student, actor=actor, request_id=request_id, action=f"unlock_{kind}",
        do=lambda user: UNLOCKS[kind](user.username), audited_as="lockout.unlocked", kind=kind, channel=channel,
    )  # fmt: skip


def close_request(
    http_request: HttpRequest, student: Student, *, actor: User, request_id: int, state: str, reason: str
) -> ResetRequest:
    def body(locked: _Locked) -> ResetRequest:
        assert locked.reset_request is not None
        locked.reset_request.close(state, by=actor, reason=reason)
        audit.record(
            http_request, "helpdesk.request.closed", actor=actor, target=str(request_id),
            school=student.school_id, state=state,
        )
        return locked.reset_request

    return _act(http_request, student, actor, "close", request_id, body)


# --- ICT admin: requests no child matched -----------------------------------


def match_by_hand(http_request: HttpRequest, request_id: int, student: Student, *, actor: User) -> ResetRequest:
    """Attach an unmatched request to ``student`` and tell the class's form teachers."""
    with transaction.atomic():
        reset_request = ResetRequest.objects.select_for_update().get(pk=request_id)
        if not reset_request.is_open or reset_request.student_id is not None:
            raise ActionRefused(_("This request was already handled. Nothing was changed."))
        if student.school_id != reset_request.school_id:
            raise ActionRefused(_("That child is in another school. Nothing was changed."))
        reset_request.student = student
        reset_request.match_key = f"student:{student.pk}"
        reset_request.save(update_fields=["student", "match_key", "updated"])
        audit.record(
            http_request, "helpdesk.request.matched", actor=actor, target=str(request_id),
            school=reset_request.school_id, student=student.login_id,
        )
    notify_new_request(reset_request)
    return reset_request


def decline_by_admin(http_request: HttpRequest, request_id: int, *, actor: User, reason: str) -> ResetRequest:
    with transaction.atomic():
        reset_request = ResetRequest.objects.select_for_update().get(pk=request_id)
        if not reset_request.is_open:
            raise ActionRefused(_("This request was already handled. Nothing was changed."))
        reset_request.close(ResetRequest.State.DECLINED, by=actor, reason=reason)
        audit.record(
            http_request, "helpdesk.request.closed", actor=actor, target=str(request_id),
            school=reset_request.school_id, state=ResetRequest.State.DECLINED,
        )
    return reset_request

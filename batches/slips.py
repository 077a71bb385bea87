"""Handbook sign-in slips: a temporary password for each child, printed once.

Used for new students, for a class, and for the yearly reset (IT picks the
school and levels). Each password comes from ``generate_temporary_password``
(easy to read aloud, no 0/O or 1/l/I, passes the password rules) and must be
changed at the next sign-in. Setting it changes the session auth hash, so
every session the child has open ends at its next request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import audit, notices
from accounts.models import Student, User, temporary_password_expiry
from accounts.passwords import generate_temporary_password
from accounts.signals import revoke_sign_ins

# The sign-in steps printed on every slip: plain words for a child and parent.
STEPS = (
    _("Go to the address below, or scan the square code with a phone or tablet."),
    _("Type your login ID and the password on this slip."),
    _("Choose a new password of your own. Keep it secret."),
)


@dataclass
class Slip:
    school: str
    school_class: str
    name: str
    login_id: str
    password: str
    url: str
    ref: str = ""


@dataclass
class PreparedSlips:
    slips: list[Slip]
    users: list[User]
    hashes: list[str]

    def printable(self) -> list[dict[str, Any]]:
        return [asdict(slip) for slip in self.slips]


def slip_for(student: Student, password: str) -> Slip:
    """What one child's slip prints (the batches and the admin's page use it)."""
    from sspr.cards import login_url, printed_ref

    return Slip(
        school=student.school.name,
        school_class=student.school_class.name if student.school_class else "",
        name=student.full_name,
        login_id=student.user.login_id,
        password=password,
        url=login_url(student.user.login_id),
        ref=printed_ref(student),
    )


def prepare(students: list[Student], hash_many: Any) -> PreparedSlips:
    """Make and hash new temporary passwords (no database writes)."""
    passwords = [generate_temporary_password() for _student in students]
    hashes = hash_many(passwords)
    slips = [slip_for(s, p) for s, p in zip(students, passwords, strict=True)]
    return PreparedSlips(slips=slips, users=[s.user for s in students], hashes=hashes)


def slips_pdf(issued: list[tuple[Student, str]]) -> bytes:
    """A sheet of slips for passwords just issued (the admin's temporary-password page)."""
    import io

    from . import pdf

    out = io.BytesIO()
    pdf.render_slips(out, [asdict(slip_for(student, password)) for student, password in issued])
    return out.getvalue()


def store(prepared: PreparedSlips, *, actor: User, batch_id: int, channel: str) -> None:
    """Set the new passwords (inside the caller's transaction)."""
    expires = temporary_password_expiry(settings.MIMS_SLIP_PASSWORD_DAYS)
    for user, password_hash in zip(prepared.users, prepared.hashes, strict=True):
        user.password = password_hash
        user.must_change_password = True
        user.temporary_password_expires = expires
    User.objects.bulk_update(prepared.users, ["password", "must_change_password", "temporary_password_expires"])
    for user in prepared.users:
        revoke_sign_ins(user, "password_reset", actor=actor)
        audit.record(
            None, "password.temporary", actor=actor, target=user.login_id, school=user.student.school_id,
            channel=channel, batch=batch_id,
        )
        notices.temporary_password(user)

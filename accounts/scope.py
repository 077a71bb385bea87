"""Who may see what: the one place where a staff member's reach is decided.

A user's scope is worked out once (:func:`scope_of`) and is one of:

* **everything**: MOE IT (active superusers);
* **one school**: the school's ICT admin (a staff user with a Teacher profile);
* **these classes**: a form teacher, for the classes they take that are still
  active (a class made inactive at year end is kept for the record but is
  nobody's to work on), and only the children of those classes still at
  school (a child who left has an inactive account);
* **nothing**: everyone else (students, staff without a school, inactive accounts).

Every scoped model asks it through its queryset's ``for_user(user)``:
``School``, ``SchoolClass`` and ``Student`` (accounts/models.py), ``ResetRequest``
(helpdesk/models.py) and ``Batch`` (batches/models.py). The admin's
``SchoolScopedAdmin`` (accounts/admin_scoping.py) filters by :meth:`Scope.filter`.

School-wide scopes cover the school's records, old classes and children who
left included (the admin and the reports show them). Work on a class or a
child (the teacher pages, batches) is for what is current only: pages fetch
their objects with :func:`class_or_404`, :func:`student_or_404` and
:func:`school_or_404` below, behind one decorator per role
(:func:`teacher_required`, :func:`it_required`). Anything outside the scope
answers 404, exactly like a missing object, and is audited as ``scope.refused``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from .models import School, SchoolClass, Student

EVERYTHING = "everything"
SCHOOL = "school"
CLASSES = "classes"
NOTHING = "nothing"


@dataclass(frozen=True)
class Scope:
    kind: str
    school_id: int | None = None  # the ICT admin's school
    teacher_id: int | None = None  # the form teacher's profile

    @property
    def everything(self) -> bool:
        return self.kind == EVERYTHING

    @property
    def is_it(self) -> bool:
        """MOE IT or a school's ICT admin: school-wide work and the admin."""
        return self.kind in (EVERYTHING, SCHOOL)

    @property
    def works_with_classes(self) -> bool:
        """May open the teacher pages and class batches (for some class)."""
        return self.kind != NOTHING

    def administers(self, school_id: int | None) -> bool:
        """Whether this is IT for the school (MOE IT for every school)."""
        return self.everything or (self.kind == SCHOOL and school_id is not None and school_id == self.school_id)

    def form_class_ids(self) -> QuerySet:
        """The form teacher's active classes, as a subquery (read when used, so never stale)."""
        from .models import SchoolClass

        return SchoolClass.objects.filter(form_teachers=self.teacher_id, is_active=True).values("pk")

    def filter(
        self,
        queryset: QuerySet,
        *,
        school: str,
        school_class: str | None = None,
        user: str | None = None,
    ) -> QuerySet:
        """``queryset`` cut to this scope, given the lookup paths from its model
        to the school, to the class (rows a form teacher may see) and to the
        child's account (a child who left is outside a form teacher's scope)."""
        if self.kind == EVERYTHING:
            return queryset
        if self.kind == SCHOOL:
            return queryset.filter(**{school: self.school_id})
        if self.kind == CLASSES and school_class is not None:
            queryset = queryset.filter(**{f"{school_class}__in": self.form_class_ids()})
            return queryset.filter(**{f"{user}__is_active": True}) if user is not None else queryset
        return queryset.none()


_NOBODY = Scope(NOTHING)


def scope_of(user: Any) -> Scope:
    """The user's scope, worked out once per user object (a request's user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOBODY
    teacher = getattr(user, "teacher", None)
    key = (user.is_superuser, user.is_staff, getattr(teacher, "pk", None), getattr(teacher, "school_id", None))
    cached = getattr(user, "_mims_scope", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if user.is_superuser:
        scope = Scope(EVERYTHING)
    elif teacher is None:
        scope = _NOBODY
    elif user.is_staff:
        scope = Scope(SCHOOL, school_id=teacher.school_id)
    else:
        scope = Scope(CLASSES, teacher_id=teacher.pk)
    user._mims_scope = (key, scope)
    return scope


# --- Pages ------------------------------------------------------------------


def refuse(request: HttpRequest, target: str) -> NoReturn:
    """Answer 404, as for a missing object, and audit the attempt."""
    from . import audit
    from .models import AuditEvent

    audit.record(request, "scope.refused", target=target, outcome=AuditEvent.Outcome.REFUSED, path=request.path)
    raise Http404


def _role_required(check: Callable[[Scope], bool]) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(scope_of(request.user)):
                refuse(request, request.path)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


#: Pages about classes and children: form teachers, ICT admins, MOE IT.
teacher_required = _role_required(lambda scope: scope.works_with_classes)
#: School-wide pages: ICT admins (their school) and MOE IT.
it_required = _role_required(lambda scope: scope.is_it)


def class_or_404(request: HttpRequest, pk: int) -> SchoolClass:
    """A class ``request.user`` may work on today."""
    from .models import SchoolClass

    found = SchoolClass.objects.current().for_user(request.user).select_related("school").filter(pk=pk).first()
    if found is None:
        refuse(request, f"class:{pk}")
    return found


def student_or_404(request: HttpRequest, pk: int) -> Student:
    """A child ``request.user`` may act for today: still at school, in an active class in scope."""
    from .models import Student

    found = (
        Student.objects.current()
        .for_user(request.user)
        .select_related("user", "school", "school_class")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        refuse(request, f"student:{pk}")
    return found


def school_or_404(request: HttpRequest, pk: int) -> School:
    """A school ``request.user`` does school-wide work for (IT only)."""
    from .models import School

    found = School.objects.for_user(request.user).filter(pk=pk).first()
    if found is None:
        refuse(request, f"school:{pk}")
    return found

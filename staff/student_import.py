"""Admin pages for the student import (upload → preview → confirm) and the
class login-ID export.

``StudentAdmin.get_urls`` includes :func:`import_urls`, so the pages live under
``admin/accounts/student/``. They call the same functions as the
``import_students`` command (accounts/importing.py).

Between upload and confirm the parsed file is kept in the session (plain
rows, not the upload), with the preview's fingerprint. Confirming plans the
rows again against the database as it is then, and commits only if the
outcome is exactly what the preview showed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts import audit, importing
from accounts.models import SchoolClass, Student
from accounts.plain_errors import PlainErrorsMixin
from accounts.scope import scope_of

from .reports import csv_response

SESSION_KEY = "student_import"
# Room for the multipart framing and the form's other fields around the file.
_MULTIPART_SLACK = 64 * 1024


def import_urls(admin_site: admin.AdminSite) -> list[URLPattern]:
    """URL patterns for ``StudentAdmin.get_urls`` (mounted under accounts/student/).

    The first one, the upload page, takes no arguments; the changelist links to it.
    """
    return [
        path("import/", admin_site.admin_view(_upload_view(admin_site)), name="accounts_student_import"),
        path(
            "import/confirm/",
            admin_site.admin_view(_confirm_view(admin_site)),
            name="accounts_student_import_confirm",
        ),
        path(
            "export-class/<int:class_id>/",
            admin_site.admin_view(_export_view(admin_site)),
            name="accounts_student_export_class",
        ),
    ]


def _check_may_import(request: HttpRequest) -> None:
    # Raises PermissionDenied for staff who are neither MOE IT nor a school's ICT admin.
    importing.allowed_school_ids(request.user)


class ImportUploadForm(PlainErrorsMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Class list (CSV file)"),
        help_text=gettext_lazy(
            "Columns: school_code, class, level, full_name, student_ref and, if needed, login_id. "
            'Save from Excel as "CSV UTF-8". Nothing is saved until you confirm the preview.'
        ),
    )

    def clean_file(self) -> importing.ParsedFile:
        upload = self.cleaned_data["file"]
        try:
            data = importing.read_limited(upload)
            return importing.parse_csv(data, name=upload.name)
        except importing.ImportFileError as e:
            raise forms.ValidationError(e.message, code="file") from None


def _context(admin_site: admin.AdminSite, request: HttpRequest, title: str, **extra: object) -> dict:
    return {
        **admin_site.each_context(request),
        "title": title,
        "opts": Student._meta,
        "changelist_url": reverse(f"{admin_site.name}:accounts_student_changelist"),
        "max_upload": importing._megabytes(importing.max_upload_bytes()),
        "columns": list(importing.COLUMNS),
        **extra,
    }


def _upload_view(admin_site: admin.AdminSite):
    @csrf_protect
    def upload(request: HttpRequest) -> HttpResponse:
        _check_may_import(request)
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                return _preview(admin_site, request, form.cleaned_data["file"])
        else:
            form = ImportUploadForm()
        return _upload_page(admin_site, request, form)

    # CSRF is checked by ``upload`` after the size check below: finding the
    # token means parsing the body, and a 50 MB body is refused unread.
    @csrf_exempt
    def upload_or_refuse(request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and _content_length(request) > importing.max_upload_bytes() + _MULTIPART_SLACK:
            _check_may_import(request)
            message = importing.too_large_message(_content_length(request), importing.max_upload_bytes())
            return _upload_page(admin_site, request, ImportUploadForm(), status=413, refused=message)
        return upload(request)

    return upload_or_refuse


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _upload_page(
    admin_site: admin.AdminSite, request: HttpRequest, form: ImportUploadForm, status: int = 200, refused: str = ""
) -> HttpResponse:
    context = _context(admin_site, request, _("Import students"), form=form, refused=refused)
    return TemplateResponse(request, "admin/accounts/import_upload.html", context, status=status)


def _preview(
    admin_site: admin.AdminSite,
    request: HttpRequest,
    parsed: importing.ParsedFile,
    *,
    result: importing.ImportResult | None = None,
    notice: str = "",
) -> HttpResponse:
    if result is None:
        plan = importing.plan_import(parsed, actor=request.user)
        result = importing.apply_plan(plan, commit=False, source="admin")
    token = ""
    if result.errors:
        request.session.pop(SESSION_KEY, None)
    else:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "parsed": parsed.to_dict(),
            "year": result.plan.year,
            "fingerprint": result.fingerprint,
        }
    rows = [
        {
            "line": p.row.line,
            "action": importing.action_label(p),
            "is_transfer": p.action == importing.Action.TRANSFER,
            "is_new": p.action == importing.Action.NEW,
            "login_id": p.login_id,
            "school": p.school.code if p.school else p.row.school_code,
            "class_name": p.row.class_name,
            "level": p.row.level,
            "full_name": p.row.full_name,
            "student_ref": p.row.student_ref,
            "flags": importing.row_flags(p),
        }
        for p in result.rows
    ]
    context = _context(
        admin_site,
        request,
        _("Check the import"),
        file_name=parsed.name,
        rows=rows,
        errors=[str(e) for e in result.errors],
        counts=result.counts,
        flagged=sum(1 for r in rows if r["flags"]),
        token=token,
        notice=notice,
        domain=settings.MIMS_USERNAME_DOMAIN,
    )
    return TemplateResponse(request, "admin/accounts/import_preview.html", context)


def _say_next_step(request: HttpRequest, plan: importing.ImportPlan) -> None:
    """After an import, the next step: the classes' login slips and challenge
    cards (batches app), one link per class in the file."""
    keys = {p.class_key for p in plan.rows if p.class_key}
    classes = [plan.classes.get(k) or plan.new_classes.get(k) for k in keys]
    classes = sorted((c for c in classes if c is not None and c.pk), key=lambda c: (c.level, c.name))
    if not classes:
        return
    links = format_html_join(
        ", ", '<a href="{}">{}</a>', ((reverse("batches:class", args=[c.pk]), c.name) for c in classes[:40])
    )
    messages.info(
        request,
        format_html(
            "{} {}", _("Next: print login slips or challenge cards for the new children, class by class:"), links
        ),
    )


def _confirm_view(admin_site: admin.AdminSite):
    @require_POST
    def confirm(request: HttpRequest) -> HttpResponse:
        _check_may_import(request)
        stored = request.session.get(SESSION_KEY)
        if not stored or not secrets.compare_digest(stored["token"], request.POST.get("token", "")):
            messages.error(request, _("This preview is no longer valid. Upload the file again."))
            return HttpResponseRedirect(reverse(f"{admin_site.name}:accounts_student_import"))
        parsed = importing.ParsedFile.from_dict(stored["parsed"])
        plan = importing.plan_import(parsed, actor=request.user, year=stored["year"])
        result = importing.apply_plan(
            plan, commit=True, request=request, expected_fingerprint=stored["fingerprint"], source="admin"
        )
        if result.committed:
            request.session.pop(SESSION_KEY, None)
            counts = result.counts
            messages.success(
                request,
                _(
                    "Imported %(file)s: %(created)d new students, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(classes)d new classes, %(transferred)d moved from other schools."
                )
                % {
                    "file": parsed.name,
                    "created": counts["created"],
                    "transferred": counts["transferred"],
                    "updated": counts["updated"],
                    "unchanged": counts["unchanged"],
                    "classes": counts["classes_created"],
                },
            )
            _say_next_step(request, plan)
            return HttpResponseRedirect(reverse(f"{admin_site.name}:accounts_student_changelist"))
        notice = ""
        if result.changed_since_preview:
            notice = _(
                "Something changed since your preview (another import or a new student), so nothing was saved. "
                "Check the login IDs below again, then confirm."
            )
        return _preview(admin_site, request, parsed, result=result, notice=notice)

    return confirm


# --- class export ---------------------------------------------------------------


def class_login_ids_response(request: HttpRequest, classes: Iterable[SchoolClass]) -> HttpResponse:
    """A CSV of the classes' students for their form teacher: class, full name,
    login ID (with the domain) and student reference. Formula-safe cells;
    audited. The caller has checked that ``request.user`` may see the classes."""
    classes = list(classes)
    students = (
        Student.objects.filter(school_class__in=classes)
        .select_related("user", "school_class")
        .order_by("school_class__name", "full_name", "pk")
    )
    header = [_("Class"), _("Full name"), _("Login ID"), _("Student reference")]
    rows = [(s.school_class.name, s.full_name, s.login_id, s.student_ref) for s in students]
    if len(classes) == 1:
        c = classes[0]
        filename = f"{slugify(c.school.code)}-{slugify(c.name)}-{c.year}-login-ids.csv"
    else:
        filename = "login-ids.csv"
    school_ids = {c.school_id for c in classes}
    audit.record(
        request,
        "students.export",
        target=", ".join(str(c) for c in classes)[:200],
        school=next(iter(school_ids)) if len(school_ids) == 1 else None,
        classes=len(classes),
        students=len(rows),
    )
    return csv_response(filename, header, rows)


def _export_view(admin_site: admin.AdminSite):
    def export(request: HttpRequest, class_id: int) -> HttpResponse:
        classes = SchoolClass.objects.for_user(request.user).select_related("school")
        if not scope_of(request.user).is_it:
            raise Http404
        return class_login_ids_response(request, [get_object_or_404(classes, pk=class_id)])

    return export


@admin.action(description=gettext_lazy("Download login IDs (CSV) for the form teacher"))
def export_login_ids(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    """For ``SchoolClassAdmin.actions``: the queryset is the admin's scoped changelist."""
    if not scope_of(request.user).is_it:
        modeladmin.message_user(request, _("Only MOE IT and school ICT admins may download login IDs."), messages.ERROR)
        return None
    return class_login_ids_response(request, queryset.for_user(request.user).select_related("school"))

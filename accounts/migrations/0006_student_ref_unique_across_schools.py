"""The student reference becomes unique across all schools.

Before the constraint changes, the data is checked: if two schools already
hold the same reference, the migration stops and names them, because only a
person can tell whether that is one child imported twice (merge by hand) or a
mistyped reference (correct it). Nothing is changed in that case.
"""

from django.db import migrations, models
from django.db.models import Count


def check_no_shared_refs(apps, schema_editor):
    Student = apps.get_model("accounts", "Student")
    shared = list(
        Student.objects.values("student_ref")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("student_ref")
        .values_list("student_ref", flat=True)[:20]
    )
    if not shared:
        return
    lines = []
    for ref in shared:
        rows = Student.objects.filter(student_ref=ref).values_list("school__code", "user__username")
        lines.append(f"  {ref}: " + ", ".join(f"{code} ({username})" for code, username in rows))
    raise RuntimeError(
        "These student references are used at more than one school. A reference must name one child "
        "across all schools: for each, either the same child was imported twice (keep one account, "
        "remove the other) or a reference is mistyped (correct it in the admin). Then migrate again.\n"
        + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_reserved_login_ids_and_leavers"),
    ]

    operations = [
        migrations.RunPython(check_no_shared_refs, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="student", name="unique_student_ref_per_school"),
        migrations.AddConstraint(
            model_name="student",
            constraint=models.UniqueConstraint(fields=("student_ref",), name="unique_student_ref"),
        ),
    ]

"""Login IDs reserved for life, and the date a child left.

Every student's current login ID is reserved here, so that removing a child's
records later can never free it for another child. Children already
deactivated (Primary 6 leavers of an earlier promotion) are dated as leaving
today: when they really left is not known, and the retention period must not
start earlier than the day it could be known.
"""

from django.db import migrations, models
from django.utils import timezone


def reserve_existing(apps, schema_editor):
    Student = apps.get_model("accounts", "Student")
    ReservedLoginId = apps.get_model("accounts", "ReservedLoginId")
    usernames = Student.objects.values_list("user__username", flat=True).iterator(chunk_size=2000)
    batch = []
    for username in usernames:
        batch.append(ReservedLoginId(username=username))
        if len(batch) >= 2000:
            ReservedLoginId.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ReservedLoginId.objects.bulk_create(batch, ignore_conflicts=True)


def date_earlier_leavers(apps, schema_editor):
    Student = apps.get_model("accounts", "Student")
    Student.objects.filter(user__is_active=False, left_on__isnull=True).update(left_on=timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_student_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="student",
            name="left_on",
            field=models.DateField(
                blank=True,
                db_index=True,
                help_text="Set when the child leaves MOE schools (account deactivated); cleared on return.",
                null=True,
                verbose_name="left on",
            ),
        ),
        migrations.CreateModel(
            name="ReservedLoginId",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(max_length=150, unique=True, verbose_name="login ID")),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="reserved")),
            ],
            options={
                "verbose_name": "reserved login ID",
                "verbose_name_plural": "reserved login IDs",
            },
        ),
        migrations.RunPython(reserve_existing, migrations.RunPython.noop),
        migrations.RunPython(date_earlier_leavers, migrations.RunPython.noop),
    ]

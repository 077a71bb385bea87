from django.db import migrations, models


def mark_folded(apps, schema_editor) -> None:
    """Every code but the first of its request came from a folded submission."""
    ReferenceCode = apps.get_model("helpdesk", "ReferenceCode")
    first_of_request = models.Subquery(
        ReferenceCode.objects.filter(request_id=models.OuterRef("request_id")).order_by("created", "id").values("id")[:1]
    )
    ReferenceCode.objects.exclude(id=first_of_request).update(folded=True)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_staff_group_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="referencecode",
            name="folded",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_folded, migrations.RunPython.noop),
    ]

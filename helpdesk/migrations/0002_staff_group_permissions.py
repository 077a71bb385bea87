"""Let the school ICT admin group see and handle reset requests in the admin
(matching by hand, declining). Form teachers work in /teacher/, which checks
their classes itself; the view permission names what those pages show."""

from django.db import migrations

PERMISSIONS = {
    "School ICT admin": ["view_resetrequest", "change_resetrequest"],
    "Form teacher": ["view_resetrequest"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("helpdesk")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="helpdesk", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="helpdesk", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_reset_requests"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

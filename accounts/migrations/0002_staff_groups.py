"""Groups for the two kinds of school staff, with their permissions.

Other apps add their own permissions to these groups in their own data
migrations (look the group up by name; never rename it).
"""

from django.db import migrations

FORM_TEACHER = "Form teacher"
SCHOOL_ICT_ADMIN = "School ICT admin"

PERMISSIONS = {
    # Form teachers work in the portal's own pages, which check their form
    # classes; these permissions name what those pages show.
    FORM_TEACHER: [
        ("accounts", "view_student"),
        ("accounts", "view_schoolclass"),
    ],
    # An ICT admin runs their school in Django admin; the admin scopes every
    # page to that school (accounts/admin_scoping.py).
    SCHOOL_ICT_ADMIN: [
        ("accounts", "view_school"),
        ("accounts", "change_school"),
        ("accounts", "view_schoolclass"),
        ("accounts", "add_schoolclass"),
        ("accounts", "change_schoolclass"),
        ("accounts", "delete_schoolclass"),
        ("accounts", "view_teacher"),
        ("accounts", "add_teacher"),
        ("accounts", "change_teacher"),
        ("accounts", "delete_teacher"),
        ("accounts", "view_student"),
        ("accounts", "add_student"),
        ("accounts", "change_student"),
        ("accounts", "view_user"),
        ("accounts", "change_user"),
        ("accounts", "view_auditevent"),
        ("sspr", "view_challengequestion"),
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after the whole migrate run; make them now
    # so that the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sspr", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

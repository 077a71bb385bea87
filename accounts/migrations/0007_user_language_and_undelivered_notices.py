"""The language each user reads, and notices that reached no one (for the
school's ICT admin, who may see and clear them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def grant_ict_admins(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="School ICT admin").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="accounts", codename__in=["view_undeliverednotice", "delete_undeliverednotice"]
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_student_ref_unique_across_schools'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='language',
            field=models.CharField(blank=True, help_text='The language the user last signed in with; their e-mails are written in it.', max_length=10, verbose_name='language'),
        ),
        migrations.CreateModel(
            name='UndeliveredNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                ('notice', models.CharField(max_length=40, verbose_name='notice')),
                ('about', models.CharField(blank=True, help_text="The child's login ID, if any.", max_length=200, verbose_name='about')),
                ('reason', models.CharField(choices=[('no_address', 'no e-mail address'), ('no_recipient', 'no one to send it to'), ('send_failed', 'the mail server refused it')], max_length=20, verbose_name='why not sent')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='meant for')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.school', verbose_name='school')),
            ],
            options={
                'verbose_name': 'notice not sent',
                'verbose_name_plural': 'notices not sent',
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.RunPython(grant_ict_admins, migrations.RunPython.noop),
    ]

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


def hmac_keys(apps, schema_editor):
    """Existing locks were keyed by the typed login ID in plain text: key them by its HMAC."""
    from django.utils.crypto import salted_hmac

    ResetLock = apps.get_model("sspr", "ResetLock")
    User = apps.get_model(settings.AUTH_USER_MODEL.split(".")[0], settings.AUTH_USER_MODEL.split(".")[1])
    for lock in ResetLock.objects.all():
        lock.key = salted_hmac("mims.sspr.reset-lock", lock.login_key, algorithm="sha256").hexdigest()
        lock.user = User.objects.filter(username=lock.login_key).first()
        lock.save(update_fields=["key", "user"])


class Migration(migrations.Migration):
    dependencies = [
        ("sspr", "0002_seed_questions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="resetlock", name="key", field=models.CharField(max_length=64, null=True, verbose_name="key")
        ),
        migrations.AddField(
            model_name="resetlock",
            name="user",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to=settings.AUTH_USER_MODEL, verbose_name="account",
            ),
        ),
        migrations.AddField(
            model_name="resetlock", name="lock_count",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="locks so far"),
        ),
        migrations.AddField(
            model_name="resetlock", name="needs_teacher",
            field=models.BooleanField(default=False, verbose_name="only a teacher can unlock"),
        ),
        migrations.AddField(
            model_name="resetlock", name="dealt",
            field=models.JSONField(blank=True, default=list, verbose_name="questions dealt"),
        ),
        migrations.AddField(
            model_name="resetlock", name="dealt_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="questions kept until"),
        ),
        migrations.AddField(
            model_name="resetlock", name="pending",
            field=models.BooleanField(default=False, verbose_name="attempt started, not answered"),
        ),
        migrations.RunPython(hmac_keys, migrations.RunPython.noop),
        migrations.RemoveField(model_name="resetlock", name="login_key"),
        migrations.AlterField(
            model_name="resetlock", name="key", field=models.CharField(max_length=64, unique=True, verbose_name="key")
        ),
    ]

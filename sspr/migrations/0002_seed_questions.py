from django.db import migrations


def seed(apps, schema_editor):
    from sspr.questions import seed_questions

    seed_questions(apps.get_model("sspr", "ChallengeQuestion"))


class Migration(migrations.Migration):
    dependencies = [("sspr", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""On PostgreSQL the database itself refuses to change or delete audit events.

The model and the admin refuse too; this also stops raw SQL and other
programs. The one UPDATE allowed is the one Django's ``on_delete=SET_NULL``
makes when an actor's account or a school is deleted: actor_id and/or
school_id set to NULL with every other column unchanged (the event keeps
``actor_label``). TRUNCATE is not blocked: the test runner empties tables
with it, and only the database owner can run it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id)
       AND (NEW.school_id IS NULL OR NEW.school_id IS NOT DISTINCT FROM OLD.school_id)
       AND (to_jsonb(NEW) - 'actor_id' - 'school_id') = (to_jsonb(OLD) - 'actor_id' - 'school_id')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: RAISE uses a literal %

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_staff_groups")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]

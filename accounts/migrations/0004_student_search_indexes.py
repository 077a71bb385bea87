"""PostgreSQL indexes for the admin's student list at 500,000 students.

* trigram GIN on ``UPPER(full_name)``: the name search is ``icontains``,
  which Django writes as ``UPPER(full_name::text) LIKE UPPER('%…%')``;
* ``(full_name, id)`` and ``(school_id, full_name, id)``: the first page in
  name order for MOE IT and for one school's ICT admin, without sorting;
* the login ID prefix search uses the ``varchar_pattern_ops`` index Django
  already makes for the unique ``username``.

Measured in docs/benchmarks.md (bench/admin_scale.py). pg_trgm is a trusted
extension (PostgreSQL 13+): the database owner may create it. SQLite needs
none of this at the sizes it serves.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS accounts_student_name_trgm "
    "ON accounts_student USING gin (UPPER(full_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS accounts_student_name_order ON accounts_student (full_name, id)",
    "CREATE INDEX IF NOT EXISTS accounts_student_school_name_order ON accounts_student (school_id, full_name, id)",
]
DROP = [
    "DROP INDEX IF EXISTS accounts_student_name_trgm",
    "DROP INDEX IF EXISTS accounts_student_name_order",
    "DROP INDEX IF EXISTS accounts_student_school_name_order",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_auditevent_append_only")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]

"""python manage.py import_students FILE.csv [--commit]"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, Student, User

CSV = (
    "\ufeffschool_code;class;level;full_name;student_ref;login_id\r\n"
    "NPS;5 Courage;P5;Muhammad Ali Bin Muhammad Raihan;R1;\r\n"
    "NPS;5 Courage;P5;Tan Wei;R2;\r\n"
    "NPS;5 Courage;P5;Tan Wei;R3;\r\n"
)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_students", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "class.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.mark.django_db
class TestImportStudentsCommand:
    def test_it_previews_every_line_and_saves_nothing(self, school, csv_file):
        out, _ = run(csv_file)
        lines = out.splitlines()
        assert lines[1].split("\t")[:3] == ["2", "new student", "muhammad_ali_muhammad_raihan"]
        assert "connector dropped: bin" in lines[1]
        assert lines[3].split("\t")[2] == "tan_wei_1"
        assert "duplicate numbered: tan_wei_1" in lines[3]
        assert "Preview only, nothing saved: 3 new, 0 updated, 0 unchanged, 1 new classes." in out
        assert not Student.objects.exists()
        assert not AuditEvent.objects.filter(action="students.import").exists()

    def test_it_imports_with_commit(self, school, csv_file):
        out, _ = run(csv_file, "--commit")
        assert "Imported: 3 new" in out
        assert sorted(User.objects.values_list("username", flat=True)) == [
            "muhammad_ali_muhammad_raihan",
            "tan_wei",
            "tan_wei_1",
        ]
        out, _ = run(csv_file, "--commit")
        assert "Imported: 0 new, 0 updated, 3 unchanged" in out
        assert AuditEvent.objects.filter(action="students.import", details__source="command").count() == 2

    def test_it_lists_errors_and_saves_nothing(self, school, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_text(CSV + "XYZ;5 Courage;P5;Lim Mei;R4;\r\nNPS;5 Courage;P7;Ong Li;R5;\r\n", encoding="utf-8")
        with pytest.raises(CommandError, match="2 errors; nothing was imported") as e:
            out, err = run(path, "--commit")
        assert "2 errors" in str(e.value)
        assert not Student.objects.exists()

    def test_it_writes_each_error_with_line_and_column(self, school, tmp_path, capsys):
        path = tmp_path / "bad.csv"
        path.write_text(CSV + "XYZ;5 Courage;P5;Lim Mei;R4;\r\n", encoding="utf-8")
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_students", str(path), stdout=io.StringIO(), stderr=err)
        assert "Line 5, column “school_code”: there is no school with the code “XYZ”." in err.getvalue()

    def test_it_refuses_a_50_mb_file_by_its_size(self, school, tmp_path):
        path = tmp_path / "huge.csv"
        with path.open("wb") as f:
            f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
        with pytest.raises(CommandError, match=r"The file is 50\.0 MB; the most the import takes is 5\.0 MB"):
            run(path, "--commit")

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The file is empty."),
            (
                "school_code,class,level,full_name,student_ref\nNPS,5 A,P5,Zoë Tan,R1\n".encode("cp1252"),
                "Line 2 is not UTF-8",
            ),
            (b"school_code,class,level,full_name\nNPS,5 A,P5,Tan Wei\n", "Missing: student_ref"),
        ],
    )
    def test_it_explains_a_file_it_cannot_take(self, school, tmp_path, content, message):
        path = tmp_path / "x.csv"
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message):
            run(path, "--commit")
        assert not Student.objects.exists()

    def test_it_explains_a_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read .*nope.csv: No such file"):
            run(tmp_path / "nope.csv")

"""accounts/importing.py: parse → plan → apply, against the real database."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import importing
from accounts.importing import Action, Flag, ImportFileError
from accounts.models import AuditEvent, SchoolClass, Student, User
from tests import factories

HEADER = ["school_code", "class", "level", "full_name", "student_ref", "login_id"]


def csv_bytes(rows, header=HEADER, delimiter=",", bom=False, encoding="utf-8"):
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def row(name, ref, cls="5 Courage", level="P5", school="NPS", login_id=""):
    return [school, cls, level, name, ref, login_id]


def preview(data, actor=None):
    return importing.apply_plan(
        importing.plan_import(importing.parse_csv(data, name="t.csv"), actor=actor), commit=False
    )


def commit(data, actor=None):
    plan = importing.plan_import(importing.parse_csv(data, name="t.csv"), actor=actor)
    return importing.apply_plan(plan, commit=True)


def by_line(result):
    return {p.row.line: p for p in result.rows}


def world_counts():
    return (User.objects.count(), Student.objects.count(), SchoolClass.objects.count())


class TestParsing:
    def test_it_reads_utf8_with_bom_and_semicolons(self):
        data = csv_bytes([row("Zoë Tan", "R1")], delimiter=";", bom=True)
        parsed = importing.parse_csv(data)
        assert parsed.rows[0].full_name == "Zoë Tan"
        assert parsed.rows[0].school_code == "NPS"
        assert parsed.rows[0].line == 2

    def test_it_accepts_header_spellings(self):
        header = ["School Code", " CLASS ", "Level", "Full Name", "Student Reference", "Login ID (optional)"]
        parsed = importing.parse_csv(csv_bytes([row("Tan Wei", "R1", login_id="tw")], header=header))
        assert parsed.headers["student_ref"] == "Student Reference"
        assert parsed.rows[0].login_id == "tw"

    def test_it_does_without_the_login_id_column(self):
        parsed = importing.parse_csv(csv_bytes([row("Tan Wei", "R1")[:5]], header=HEADER[:5]))
        assert parsed.rows[0].login_id == ""

    def test_it_skips_blank_lines_and_counts_them(self):
        data = csv_bytes([row("Tan Wei", "R1"), ["", "", "", "", "", ""], row("Lim Mei", "R2")])
        data = data.replace(b"\r\n", b"\r\n\r\n", 1)
        parsed = importing.parse_csv(data)
        assert [r.line for r in parsed.rows] == [3, 5]

    def test_it_keeps_line_numbers_after_a_quoted_line_break(self):
        data = b'school_code,class,level,full_name,student_ref\nNPS,5 A,P5,"Tan\nWei",R1\nNPS,5 A,P5,Lim Mei,R2\n'
        parsed = importing.parse_csv(data)
        assert [r.line for r in parsed.rows] == [2, 4]
        assert parsed.rows[0].full_name == "Tan Wei"

    def test_it_refuses_another_encoding(self):
        data = csv_bytes([row("Tan Wei", "R1"), row("Zoë Lim", "R2")], encoding="cp1252")
        with pytest.raises(ImportFileError, match=r"Line 3 is not UTF-8.*CSV UTF-8"):
            importing.parse_csv(data)

    def test_it_refuses_utf16(self):
        data = "\ufeff" + "school_code,class\n"
        with pytest.raises(ImportFileError, match="UTF-16"):
            importing.parse_csv(data.encode("utf-16"))

    def test_it_refuses_an_excel_workbook(self):
        with pytest.raises(ImportFileError, match="Excel workbook"):
            importing.parse_csv(b"PK\x03\x04\x14\x00\x06\x00binary")

    @pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b" ;;;\n"])
    def test_it_refuses_an_empty_file(self, data):
        with pytest.raises(ImportFileError, match="empty"):
            importing.parse_csv(data)

    def test_it_refuses_a_header_without_students(self):
        with pytest.raises(ImportFileError, match="no students"):
            importing.parse_csv(csv_bytes([]))

    def test_it_names_a_missing_column(self):
        header = ["school_code", "class", "level", "full_name"]
        with pytest.raises(ImportFileError, match="Missing: student_ref"):
            importing.parse_csv(csv_bytes([["NPS", "5 A", "P5", "Tan Wei"]], header=header))

    def test_it_names_an_unknown_column(self):
        header = HEADER[:5] + ["nric"]
        with pytest.raises(ImportFileError, match="“nric”"):
            importing.parse_csv(csv_bytes([row("Tan Wei", "R1")], header=header))

    def test_it_refuses_a_column_named_twice(self):
        header = HEADER[:5] + ["Full Name"]
        with pytest.raises(ImportFileError, match="twice"):
            importing.parse_csv(csv_bytes([row("Tan Wei", "R1")], header=header))

    def test_it_reports_a_line_of_10000_characters(self):
        data = csv_bytes([row("Tan Wei", "R1"), row("x" * 10_000, "R2"), row("Lim Mei", "R3")])
        parsed = importing.parse_csv(data)
        assert [r.line for r in parsed.rows] == [2, 4]
        [error] = parsed.errors
        assert error.line == 3
        assert "10,0" in error.message and "at most 1,000" in error.message

    def test_it_refuses_a_first_line_of_10000_characters(self):
        with pytest.raises(ImportFileError, match="first line is 10,000 characters"):
            importing.parse_csv(b"a" * 10_000 + b"\n")

    def test_it_reports_a_missing_closing_quote(self):
        data = csv_bytes([row("Tan Wei", "R1")]) + b'NPS,5 A,P5,"Lim Mei,R2\n' + b"x" * 200_000
        parsed = importing.parse_csv(data)
        assert parsed.errors[0].line == 3
        assert "quote" in parsed.errors[0].message

    def test_it_reports_a_line_with_too_many_values(self):
        parsed = importing.parse_csv(csv_bytes([row("Tan Wei", "R1") + ["extra"]]))
        assert parsed.errors[0].line == 2
        assert "7 values" in parsed.errors[0].message

    def test_it_survives_the_session_round_trip(self):
        parsed = importing.parse_csv(csv_bytes([row("Tan Wei", "R1"), row("x" * 2000, "R2")]))
        again = importing.ParsedFile.from_dict(parsed.to_dict())
        assert again == parsed


class CountingReader(io.RawIOBase):
    """A 50 MB file that is never in memory: produces zeros and counts bytes read."""

    def __init__(self, size):
        self.remaining = size
        self.read_bytes = 0

    def read(self, n=-1):
        n = self.remaining if n < 0 else min(n, self.remaining)
        self.remaining -= n
        self.read_bytes += n
        return b"0" * n


class TestReadLimited:
    def test_it_refuses_a_large_file_by_its_size_without_reading(self, settings):
        reader = CountingReader(50 * 1024 * 1024)
        with pytest.raises(ImportFileError, match=r"50\.0 MB.*5\.0 MB"):
            importing.read_limited(reader, size=50 * 1024 * 1024)
        assert reader.read_bytes == 0

    def test_it_stops_reading_a_large_stream_at_the_limit(self, settings):
        settings.MIMS_MAX_UPLOAD_BYTES = 1024 * 1024
        reader = CountingReader(50 * 1024 * 1024)
        with pytest.raises(ImportFileError, match=r"larger than 1\.0 MB"):
            importing.read_limited(reader)
        assert reader.read_bytes <= 1024 * 1024 + importing.READ_CHUNK

    def test_it_reads_a_file_within_the_limit(self):
        assert importing.read_limited(io.BytesIO(b"abc")) == b"abc"


@pytest.mark.django_db
class TestPreview:
    def test_it_lists_every_line_with_its_login_id_and_flags(self, school):
        factories.make_student(factories.make_class(school, 4, "4 Joy"), "Tan Wei", username="tan_wei")
        data = csv_bytes(
            [
                row("Muhammad Ali Bin Muhammad Raihan", "R1"),
                row("Rajesh s/o Kumar", "R2"),
                row("Nur Aisyah Binte Abdul Rahman Ismail", "R3"),
                row("Tan Wei", "R4"),
                row("Tan Wei", "R5"),
                row("Chen Jia Hui", "R6", login_id="jiahui_chen@students.edu.sg"),
                row("A" + "a" * 70, "R7"),
                row("Lee Wei Bin (李伟斌)", "R8"),
            ]
        )
        result = preview(data)
        assert result.errors == []
        rows = by_line(result)
        assert len(rows) == 8
        assert rows[2].login_id == "muhammad_ali_muhammad_raihan"
        assert rows[2].flags[Flag.CONNECTOR_DROPPED] == "bin"
        assert rows[3].login_id == "rajesh_kumar"
        assert rows[3].flags[Flag.CONNECTOR_DROPPED] == "s/o"
        assert rows[4].login_id == "nur_aisyah_abdul_rahman"
        assert rows[4].flags[Flag.WORDS_CUT] == "ismail"
        assert rows[5].login_id == "tan_wei_1"
        assert rows[5].flags[Flag.DUPLICATE_NUMBERED] == "tan_wei_1"
        assert rows[6].login_id == "tan_wei_2"
        assert rows[7].login_id == "jiahui_chen"
        assert Flag.OVERRIDE_USED in rows[7].flags
        assert len(rows[8].login_id) == 64 and Flag.TRUNCATED in rows[8].flags
        assert rows[9].login_id == "lee_wei_bin" and not rows[9].flags.keys() - {Flag.CLASS_CREATED}
        assert all(p.action == Action.NEW for p in rows.values())
        assert all(Flag.CLASS_CREATED in p.flags for p in rows.values())
        assert "connector dropped: bin" in importing.row_flags(rows[2])

    def test_it_changes_nothing(self, school):
        before = world_counts()
        events = AuditEvent.objects.count()
        result = preview(csv_bytes([row("Tan Wei", "R1"), row("Lim Mei", "R2", cls="2 Joy", level="P2")]))
        assert result.counts["created"] == 2 and not result.committed
        assert world_counts() == before
        assert AuditEvent.objects.count() == events

    def test_it_numbers_a_name_after_an_override_that_took_it(self, school):
        result = preview(csv_bytes([row("Ong Li", "R1", login_id="tan_wei"), row("Tan Wei", "R2")]))
        assert [p.login_id for p in result.rows] == ["tan_wei", "tan_wei_1"]

    def test_a_plan_is_applied_once(self, school):
        plan = importing.plan_import(importing.parse_csv(csv_bytes([row("Tan Wei", "R1")])))
        importing.apply_plan(plan, commit=False)
        with pytest.raises(RuntimeError):
            importing.apply_plan(plan, commit=True)


@pytest.mark.django_db
class TestLineErrors:
    def errors_for(self, rows, actor=None):
        before = world_counts()
        result = commit(csv_bytes(rows), actor=actor)
        assert not result.committed
        assert world_counts() == before, "an error must change nothing"
        return [(e.line, e.column, e.message) for e in result.errors]

    def test_it_names_line_and_column(self, school):
        errors = self.errors_for(
            [
                row("Tan Wei", "R1"),
                row("Tan Wei", "R2", school="XYZ"),
                row("Tan Wei", "R3", level="Sec 1"),
                row("", "R4"),
                row("陈伟", "R5"),
                row("Lim Mei", "S1234567D"),
                row("Lim Mei", "R1"),
                row("Lim Mei", "R8", login_id="Bad ID!"),
                row("Lim Mei", ""),
            ]
        )
        columns = {(line, column) for line, column, _ in errors}
        assert columns == {
            (3, "school_code"),
            (4, "level"),
            (5, "full_name"),
            (6, "full_name"),
            (7, "student_ref"),
            (8, "student_ref"),
            (9, "login_id"),
            (10, "student_ref"),
        }
        messages = {line: message for line, _, message in errors}
        assert "XYZ" in messages[3]
        assert "NRIC" in messages[7]
        assert "line 2" in messages[8]

    def test_it_uses_the_header_as_written_in_the_message(self, school):
        header = ["School Code", "Class", "Level", "Full Name", "Student Ref"]
        result = commit(csv_bytes([["NPS", "5 A", "P9", "Tan Wei", "R1"]], header=header))
        [error] = result.errors
        assert str(error) == "Line 2, column “Level”: “P9” is not a level; use P1 to P6."

    def test_a_bad_last_line_stops_the_whole_file(self, school):
        rows = [row(f"Child Number {chr(97 + i)}", f"R{i}") for i in range(20)] + [row("Tan Wei", "R1")]
        assert self.errors_for(rows)[0][0] == 22

    def test_it_refuses_an_override_already_taken(self, school, p5_class):
        factories.make_student(p5_class, "Tan Wei", username="tan_wei")
        errors = self.errors_for([row("Lim Mei", "R9", login_id="tan_wei")])
        assert errors == [(2, "login_id", "the login ID “tan_wei” is already taken.")]

    def test_it_refuses_the_same_override_twice(self, school):
        errors = self.errors_for([row("Lim Mei", "R1", login_id="mei"), row("Ong Li", "R2", login_id="mei")])
        assert errors[0][:2] == (3, "login_id")

    def test_it_refuses_a_class_with_another_level(self, school, p5_class):
        errors = self.errors_for([row("Lim Mei", "R1", cls="5 courage", level="P4")])
        assert errors == [(2, "level", f"class “5 Courage” is P5 in {p5_class.year}, not P4.")]

    def test_it_refuses_a_new_class_given_two_levels(self, school):
        errors = self.errors_for([row("Lim Mei", "R1", cls="3 Joy", level="3"), row("Ong Li", "R2", cls="3 Joy")])
        assert errors == [(3, "level", "class “3 Joy” is P3 on line 2, not P5.")]

    def test_it_records_a_refused_commit(self, school):
        commit(csv_bytes([row("Lim Mei", "R1", school="XYZ")]))
        event = AuditEvent.objects.get(action="students.import")
        assert event.outcome == AuditEvent.Outcome.REFUSED
        assert event.details["errors"] == 1


@pytest.mark.django_db
class TestCommit:
    def test_it_creates_students_classes_and_one_audit_event(self, school, p5_class):
        result = commit(
            csv_bytes(
                [
                    row("Tan Wei", "R1"),
                    row("Lim Mei", "R2", cls="2 Joy", level="P2"),
                    row("Tan Wei", "R3", cls="2 Joy", level="2"),
                ]
            )
        )
        assert result.committed and result.errors == []
        tan = Student.objects.get(student_ref="R1")
        assert tan.school_class == p5_class
        assert tan.user.username == "tan_wei" and tan.login_base == "tan_wei"
        assert tan.user.must_change_password and not tan.user.has_usable_password()
        other = Student.objects.get(student_ref="R3")
        assert other.user.username == "tan_wei_1" and other.login_base == "tan_wei"
        joy = SchoolClass.objects.get(school=school, name="2 Joy")
        assert joy.level == 2 and joy.year == p5_class.year
        assert other.school_class == joy
        event = AuditEvent.objects.get(action="students.import")
        assert event.outcome == AuditEvent.Outcome.SUCCESS
        assert event.school == school
        assert event.details == {
            "source": "command",
            "lines": 3,
            "errors": 0,
            "created": 3,
            "updated": 0,
            "unchanged": 0,
            "names_changed": 0,
            "classes_created": 1,
            "transferred": 0,
            "reactivated": 0,
        }

    def test_it_is_idempotent(self, school):
        data = csv_bytes([row("Tan Wei", "R1"), row("Tan Wei", "R2"), row("Lim Mei", "R3", login_id="meimei")])
        first = commit(data)
        ids = sorted(User.objects.values_list("username", flat=True))
        before = world_counts()
        second = commit(data)
        assert second.committed
        assert second.counts["created"] == 0 and second.counts["unchanged"] == 3
        assert {p.action for p in second.rows} == {Action.UNCHANGED}
        assert [p.login_id for p in second.rows] == [p.login_id for p in first.rows]
        assert sorted(User.objects.values_list("username", flat=True)) == ids
        assert world_counts() == before

    def test_a_reimport_moves_class_and_keeps_the_login_id(self, school):
        commit(csv_bytes([row("Tan Wei", "R1"), row("Lim Mei", "R2", login_id="meimei")]))
        result = commit(
            csv_bytes(
                [
                    row("Tan Wei Ming", "R1", cls="6 Hope", level="P6"),
                    row("Lim Mei", "R2", cls="6 Hope", level="P6", login_id="another_one"),
                ]
            )
        )
        rows = by_line(result)
        assert rows[2].action == Action.UPDATE and rows[2].flags[Flag.NAME_CHANGED] == "Tan Wei"
        assert rows[3].flags[Flag.OVERRIDE_IGNORED] == "another_one"
        tan = Student.objects.select_related("user", "school_class").get(student_ref="R1")
        assert tan.full_name == "Tan Wei Ming"
        assert tan.user.username == "tan_wei"
        assert tan.school_class.name == "6 Hope" and tan.level == 6
        assert Student.objects.get(student_ref="R2").user.username == "meimei"
        assert not User.objects.filter(username="another_one").exists()
        event = AuditEvent.objects.filter(action="students.import").first()
        assert event.details["updated"] == 2 and event.details["names_changed"] == 1

    def test_it_matches_by_reference_across_schools_as_a_transfer(self, school, other_school):
        # The reference is unique across all schools: the same child, not a
        # second account (tests/accounts/test_transfers.py has the whole story).
        commit(csv_bytes([row("Tan Wei", "R1")]))
        result = commit(csv_bytes([row("Tan Wei", "R1", school="SPS")]))
        assert result.counts["created"] == 0 and result.counts["transferred"] == 1
        assert list(User.objects.values_list("username", flat=True)) == ["tan_wei"]

    def test_it_refuses_a_commit_that_differs_from_its_preview(self, school, p5_class):
        data = csv_bytes([row("Tan Wei", "R1")])
        seen = preview(data).fingerprint
        factories.make_student(p5_class, "Tan Wei", username="tan_wei")  # someone else, meanwhile
        before = world_counts()
        plan = importing.plan_import(importing.parse_csv(data))
        result = importing.apply_plan(plan, commit=True, expected_fingerprint=seen)
        assert result.changed_since_preview and not result.committed
        assert result.rows[0].login_id == "tan_wei_1"
        assert world_counts() == before

    def test_a_student_added_meanwhile_rolls_the_whole_import_back(self, school, p5_class):
        plan = importing.plan_import(importing.parse_csv(csv_bytes([row("Lim Mei", "R0"), row("Tan Wei", "R1")])))
        # Another import commits the same reference between our checks and our writes.
        other = factories.make_student(p5_class, "Tan Wei", username="someone_else")
        Student.objects.filter(pk=other.pk).update(student_ref="R1")
        before = world_counts()
        result = importing.apply_plan(plan, commit=True)
        assert not result.committed
        assert "Another import changed the same students" in result.errors[0].message
        assert world_counts() == before

    def test_its_queries_grow_with_batches_not_lines(self, school, p5_class):
        def queries_for(n, offset):
            data = csv_bytes(
                [row(f"Child {chr(97 + i % 26)}{chr(97 + i // 26)} Tan", f"Q{offset + i}") for i in range(n)]
            )
            with CaptureQueriesContext(connection) as ctx:
                result = commit(data)
            assert result.counts["created"] == n
            return len(ctx.captured_queries)

        assert queries_for(10, 0) == queries_for(300, 1000)


@pytest.mark.django_db
class TestScope:
    def test_an_ict_admin_imports_their_own_school_only(self, school, other_school, ict_admin):
        result = commit(csv_bytes([row("Tan Wei", "R1"), row("Lim Mei", "R2", school="SPS")]), actor=ict_admin.user)
        assert not result.committed
        [error] = result.errors
        assert (error.line, error.column) == (3, "school_code")
        assert "own school" in error.message

    def test_an_ict_admin_imports_their_school(self, school, ict_admin):
        result = commit(csv_bytes([row("Tan Wei", "R1")]), actor=ict_admin.user)
        assert result.committed
        assert AuditEvent.objects.get(action="students.import").actor == ict_admin.user

    def test_moe_it_imports_any_school(self, school, other_school, moe_it):
        result = commit(csv_bytes([row("Tan Wei", "R1"), row("Lim Mei", "R2", school="sps")]), actor=moe_it)
        assert result.committed
        assert Student.objects.get(student_ref="R2").school == other_school

    def test_a_form_teacher_may_not_import(self, school, form_teacher):
        with pytest.raises(PermissionDenied):
            commit(csv_bytes([row("Tan Wei", "R1")]), actor=form_teacher.user)

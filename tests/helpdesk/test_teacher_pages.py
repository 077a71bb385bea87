from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from sspr.models import ChallengeAnswer
from tests.sspr.helpers import lock_reset as lock_reset_for

from .. import factories
from .conftest import give_answers, lock_reset, lock_signin, open_request

pytestmark = pytest.mark.django_db


def _pages(student, school_class) -> list[str]:
    return [
        f"/teacher/class/{school_class.pk}/",
        f"/teacher/class/{school_class.pk}/dashboard/",
        f"/teacher/child/{student.pk}/",
    ]


def _actions(student, reset_request=None) -> list[str]:
    urls = [
        f"/teacher/child/{student.pk}/temporary-password/",
        f"/teacher/child/{student.pk}/clear-answers/",
        f"/teacher/child/{student.pk}/unlock-signin/",
        f"/teacher/child/{student.pk}/unlock-reset/",
    ]
    if reset_request is not None:
        urls.append(f"/teacher/request/{reset_request.pk}/close/")
    return urls


class TestAccess:
    def test_it_sends_strangers_to_sign_in(self, client, student, p5_class):
        for url in ["/teacher/", *_pages(student, p5_class)]:
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/login/?next=")

    def test_it_hides_the_pages_from_students(self, client, student, p5_class):
        give_answers(student.user, school_set=False)  # else the set-up page comes first
        client.force_login(student.user)
        for url in ["/teacher/", *_pages(student, p5_class)]:
            assert client.get(url).status_code == 404
        assert AuditEvent.objects.filter(action="scope.refused", actor=student.user).count() == 4

    def test_it_404s_and_audits_another_class_and_its_children(self, client, student, p5_class, other_teacher):
        reset_request = open_request(student)
        give_answers(student.user, school_set=False)
        password_before = student.user.password
        client.force_login(other_teacher.user)
        for url in _pages(student, p5_class):
            assert client.get(url).status_code == 404, url
        for url in _actions(student, reset_request):
            assert client.post(url, {"stamp": "x", "state": "done", "reason": "x"}).status_code == 404, url
        events = AuditEvent.objects.filter(action="scope.refused", actor=other_teacher.user)
        assert events.count() == 8
        assert all(e.outcome == "refused" and e.school_id == student.school_id for e in events)
        # Nothing changed.
        student.user.refresh_from_db()
        reset_request.refresh_from_db()
        assert student.user.password == password_before and not student.user.must_change_password
        assert ChallengeAnswer.objects.filter(user=student.user).count() == 3
        assert reset_request.is_open

    def test_it_404s_for_a_child_or_request_that_does_not_exist(self, client, form_teacher):
        client.force_login(form_teacher.user)
        assert client.get("/teacher/child/999999/").status_code == 404
        assert client.post("/teacher/request/999999/close/", {"state": "done"}).status_code == 404
        assert AuditEvent.objects.filter(action="scope.refused").count() == 2

    def test_it_keeps_an_unmatched_request_away_from_form_teachers(self, client, school, form_teacher):
        from helpdesk.models import ResetRequest

        unmatched = ResetRequest.objects.create(
            school=school, full_name="Who Knows", class_name="5 Courage", requester="parent", match_key="x"
        )
        client.force_login(form_teacher.user)
        assert client.post(f"/teacher/request/{unmatched.pk}/close/", {"state": "done"}).status_code == 404
        unmatched.refresh_from_db()
        assert unmatched.is_open

    def test_it_lets_co_form_teachers_share_a_class(self, client, student, p5_class, co_teacher):
        client.force_login(co_teacher.user)
        for url in _pages(student, p5_class):
            assert client.get(url).status_code == 200, url

    def test_it_lets_the_ict_admin_see_every_class_of_their_school_only(self, client, school, student, p5_class,
                                                                        ict_admin, other_school):
        elsewhere = factories.make_student(factories.make_class(other_school, 5, "5 Courage"), "Other Child")
        client.force_login(ict_admin.user)
        for url in _pages(student, p5_class):
            assert client.get(url).status_code == 200, url
        for url in _pages(elsewhere, elsewhere.school_class):
            assert client.get(url).status_code == 404, url
        assert "5 Courage" in client.get("/teacher/").content.decode()

    @pytest.mark.parametrize("who", ["form_teacher", "ict_admin"])
    def test_it_shows_only_active_classes_to_form_teachers_and_ict_admins_alike(
        self, client, request, school, form_teacher, ict_admin, who
    ):
        # Last year's class, kept for the record: not a class anyone takes now.
        old = factories.make_class(school, 4, "4 Last Year")
        old.is_active = False
        old.save()
        form_teacher.form_classes.add(old)
        client.force_login(request.getfixturevalue(who).user)
        assert "4 Last Year" not in client.get("/teacher/").content.decode()
        assert client.get(f"/teacher/class/{old.pk}/").status_code == 404
        assert client.get(f"/teacher/class/{old.pk}/dashboard/").status_code == 404

    def test_it_refuses_get_on_actions(self, client, student, form_teacher):
        client.force_login(form_teacher.user)
        for url in _actions(student):
            assert client.get(url).status_code == 405


class TestQueue:
    def test_it_lists_open_requests_of_my_classes_oldest_first(self, client, school, student, p2_student,
                                                              form_teacher, other_teacher):
        newer = open_request(student, contact="9123 4567")
        older = open_request(p2_student)
        older.created = timezone.now() - timedelta(hours=3)
        older.save()
        elsewhere = factories.make_student(other_teacher.form_classes.get(), "Someone Else Entirely")
        open_request(elsewhere)
        client.force_login(form_teacher.user)
        page = client.get("/teacher/").content.decode()
        assert page.index("Tan Xiao Ming") < page.index("Muhammad Ali Bin Muhammad Raihan")
        assert "Someone Else Entirely" not in page
        assert f"/teacher/child/{student.pk}/" in page
        assert newer.contact not in page  # contacts are on the child page only

    def test_it_leaves_closed_requests_out(self, client, student, form_teacher):
        open_request(student).close("done", by=form_teacher.user)
        client.force_login(form_teacher.user)
        assert "No open requests" in client.get("/teacher/").content.decode()

    def test_it_points_the_ict_admin_to_unmatched_requests(self, client, school, ict_admin):
        from helpdesk.models import ResetRequest

        ResetRequest.objects.create(
            school=school, full_name="Who Knows", class_name="5 Courage", requester="parent", match_key="x"
        )
        client.force_login(ict_admin.user)
        page = client.get("/teacher/").content.decode()
        assert "1 request could not be matched to a child" in page


class TestRoster:
    def test_it_shows_each_childs_state_without_secrets(self, client, p5_class, student, form_teacher,
                                                       django_assert_max_num_queries):
        own = student
        school_set = factories.make_student(p5_class, "Lee Wei Ling")
        nothing = factories.make_student(p5_class, "Ong Bee Hoon")
        give_answers(own.user, school_set=False)
        give_answers(school_set.user, school_set=True)
        give_answers(nothing.user, school_set=False, count=2)  # not enough answers
        lock_signin(school_set.user.username)
        lock_reset(nothing.user.username)
        own.user.last_login = timezone.now()
        own.user.save()
        for n in range(20):
            factories.make_student(p5_class, f"Extra Child {'abcdefghijklmnopqrstu'[n]}")
        client.force_login(form_teacher.user)
        with django_assert_max_num_queries(15):  # not one query per child
            response = client.get(f"/teacher/class/{p5_class.pk}/")
        page = response.content.decode()
        rows = {
            name: page[page.index(name):].split("</tr>")[0] for name in ("Muhammad Ali", "Lee Wei Ling", "Ong Bee Hoon")
        }
        assert "Set up by the child" in rows["Muhammad Ali"] and "Never" not in rows["Muhammad Ali"]
        assert "Never" in rows["Ong Bee Hoon"]
        assert "Set up by the school" in rows["Lee Wei Ling"] and "Sign-in</span>" in rows["Lee Wei Ling"]
        assert "Not set up" in rows["Ong Bee Hoon"] and "Self-service reset</span>" in rows["Ong Bee Hoon"]
        assert own.user.login_id in page.replace("<wbr>", "")  # breakable after "_", "@", "."
        for answer in ChallengeAnswer.objects.all():
            assert answer.answer_hash not in page
        assert "answer number" not in page and student.user.password not in page

    def test_its_dashboard_counts_and_draws_a_chart(self, client, p5_class, student, form_teacher):
        school_set = factories.make_student(p5_class, "Lee Wei Ling")
        factories.make_student(p5_class, "Ong Bee Hoon")
        give_answers(student.user, school_set=False)
        give_answers(school_set.user, school_set=True)
        lock_signin(school_set.user.username)
        client.force_login(form_teacher.user)
        response = client.get(f"/teacher/class/{p5_class.pk}/dashboard/")
        page = response.content.decode()
        assert "<svg" in page and 'role="img"' in page and "<script" not in page.split("</main>")[0]
        numbers = page[page.index('class="chart-numbers"'):][:600]
        assert "Set up by the child: <strong>1</strong>" in numbers
        assert "Set up by the school: <strong>1</strong>" in numbers
        assert "Not set up: <strong>1</strong>" in numbers
        assert "Locked: <strong>1</strong>" in numbers
        assert 'width="67"' in page  # 1 of 3 children: a third of 200 pixels
        not_set_up = page[page.index("Not set up yet"):]
        assert "Ong Bee Hoon" in not_set_up
        assert "style=" not in page  # the CSP forbids inline styles

    def test_its_child_page_shows_state_and_open_requests(self, client, student, form_teacher):
        open_request(student, contact="9123 4567", note="Forgot answers")
        give_answers(student.user, school_set=False)
        client.force_login(form_teacher.user)
        page = client.get(f"/teacher/child/{student.pk}/").content.decode()
        assert student.user.login_id in page.replace("<wbr>", "") and "9123 4567" in page and "Forgot answers" in page
        assert "Give a temporary password" in page and 'name="stamp"' in page
        assert "answer number" not in page and student.user.password not in page


@pytest.mark.django_db
def test_the_class_page_links_the_cards_and_slips_page(client, form_teacher, p5_class):
    client.force_login(form_teacher.user)
    page = client.get(f"/teacher/class/{p5_class.pk}/").content.decode()
    assert f"/batches/class/{p5_class.pk}/" in page


class TestLockedChildrenOnTheHomePage:
    """Locked children, with when each lock ends, from accounts/lockouts.py and
    sspr's locks: the same answer as the child's page and the admin's lockouts."""

    def _home(self, client, user) -> str:
        client.force_login(user)
        return client.get("/teacher/").content.decode()

    def test_it_lists_a_child_locked_out_of_sign_in_with_when_it_ends(self, client, student, form_teacher):
        from accounts.lockouts import signin_locks

        lock_signin(student.user.username)
        until = signin_locks([student.user.username])[student.user.username].until
        page = self._home(client, form_teacher.user)
        section = page.split('id="locked-title"', 1)[1].split("</section>", 1)[0]
        assert student.full_name in section and "Sign-in" in section
        assert f'datetime="{timezone.localtime(until).isoformat()}"' in section
        assert timezone.localtime(until).strftime("%H:%M") in section

    def test_it_lists_a_self_service_lock_and_one_only_a_teacher_lifts(self, client, p5_class, student, form_teacher):
        from sspr.models import ResetLock

        other = factories.make_student(p5_class, "Lee Wei Ling")
        lock_reset_for(student.user.username, minutes=30)
        lock_reset_for(other.user.username)
        ResetLock.objects.filter(user=other.user).update(needs_teacher=True)
        section = self._home(client, form_teacher.user).split('id="locked-title"', 1)[1].split("</section>", 1)[0]
        assert student.full_name in section and "Lee Wei Ling" in section
        assert "locked until a teacher unlocks it" in section
        end = ResetLock.objects.get(user=student.user).locked_until
        assert timezone.localtime(end).strftime("%H:%M") in section

    def test_it_shows_only_children_in_the_teachers_scope(self, client, school, student, other_teacher):
        lock_signin(student.user.username)
        page = self._home(client, other_teacher.user)
        assert student.full_name not in page and "No child is locked out." in page

    def test_an_ict_admin_sees_the_locked_children_of_the_whole_school(self, client, school, student, ict_admin):
        lock_signin(student.user.username)
        assert student.full_name in self._home(client, ict_admin.user)

    def test_a_lock_that_ended_is_not_listed(self, client, student, form_teacher):
        lock_reset_for(student.user.username, minutes=-1)
        assert "No child is locked out." in self._home(client, form_teacher.user)

    def test_it_asks_nothing_more_when_no_child_is_locked(self, django_assert_num_queries):
        from helpdesk import roster

        with django_assert_num_queries(0):
            assert roster.student_rows([]) == []


class TestNamesAndLoginIdsOnNarrowScreens:
    def test_the_header_shows_the_teachers_name_not_the_username(self, client, form_teacher):
        client.force_login(form_teacher.user)
        page = client.get("/teacher/").content.decode()
        assert '<span class="who">Mei Ling Tan</span>' in page

    def test_a_teacher_without_a_name_sees_the_username(self, client, form_teacher):
        form_teacher.user.first_name = form_teacher.user.last_name = ""
        form_teacher.user.save()
        client.force_login(form_teacher.user)
        page = client.get("/teacher/").content.decode()
        assert f'<span class="who">{form_teacher.user.username}</span>' in page.replace("<wbr>", "")

    def test_login_ids_break_only_after_underscores_at_signs_and_dots(self):
        from accounts.templatetags.login_ids import breakable

        assert breakable("tan_wei@students.edu.sg") == "tan_<wbr>wei@<wbr>students.<wbr>edu.<wbr>sg"
        assert breakable("<b>x_y</b>") == "&lt;b&gt;x_<wbr>y&lt;/b&gt;"  # escaped first

import pytest

from accounts.models import AuditEvent
from sspr.answers import normalise_answer
from sspr.models import ChallengeAnswer, ChallengeQuestion
from tests import factories

from .helpers import give_answers, post_setup


def form(q=(1, 2, 3), a=("blue bunny", "ah ma", "fried rice"), **extra):
    data = {}
    for i, (question, answer) in enumerate(zip(q, a, strict=True), 1):
        data[f"question_{i}"] = question
        data[f"answer_{i}"] = answer
    return {**data, **extra}


@pytest.fixture
def qids(db):
    return list(ChallengeQuestion.objects.filter(for_cards=False).values_list("pk", flat=True)[:4])


@pytest.mark.django_db
class TestFirstSignIn:
    def test_a_temporary_password_must_be_changed_first(self, client, student):
        student.user.set_temporary_password("bamo-tize-47")
        student.user.save()
        r = client.post("/login/", {"username": student.user.username, "password": "bamo-tize-47"})
        assert client.get(r["Location"])["Location"] == "/account/password/"
        assert client.get("/sspr/setup/")["Location"] == "/account/password/"
        r = client.get("/account/password/")
        assert b"Make your own password" in r.content and b"old_password" not in r.content
        r = client.post("/account/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
        assert r["Location"] == "/sspr/setup/"  # a P5 child sets up questions next
        student.user.refresh_from_db()
        assert not student.user.must_change_password
        assert AuditEvent.objects.filter(action="password.change").exists()

    def test_a_p5_child_must_set_up_questions_before_going_on(self, client, student, qids):
        client.force_login(student.user)
        assert client.get("/account/")["Location"] == "/sspr/setup/"
        r = client.get("/sspr/setup/")
        assert b"Before you go on" in r.content and b"current_password" in r.content
        r = post_setup(client, form(qids[:3]))  # even the first time: the password now
        assert r.status_code == 200 and student.user.challenge_answers.status() == "none"
        r = post_setup(client, form(qids[:3], current_password=factories.PASSWORD))
        assert r["Location"] == "/account/"
        assert student.user.challenge_answers.status() == "own"
        page = client.get("/account/").content.decode()
        for q in ChallengeQuestion.objects.filter(pk__in=qids[:3]):
            assert q.text in page
        assert "blue bunny" not in page

    def test_a_p5_child_with_school_set_answers_must_set_their_own(self, client, student):
        give_answers(student.user, school_set=True)
        client.force_login(student.user)
        assert client.get("/account/")["Location"] == "/sspr/setup/"

    def test_a_p2_child_with_a_card_is_not_forced_but_may_change_where_the_school_allows(
        self, client, p2_student, qids
    ):
        school = p2_student.school
        school.card_children_choose_answers = True
        school.save()
        give_answers(p2_student.user, school_set=True)
        client.force_login(p2_student.user)
        r = client.get("/account/")
        assert r.status_code == 200 and b"card in your student handbook" in r.content
        r = post_setup(client, form(qids[:3]))  # no password: refused
        assert r.status_code == 200 and p2_student.user.challenge_answers.status() == "school"
        r = post_setup(client, form(qids[:3], current_password=factories.PASSWORD))
        assert r["Location"] == "/account/" and p2_student.user.challenge_answers.status() == "own"

    def test_changing_own_answers_asks_for_the_password_again(self, client, student, qids):
        give_answers(student.user)
        client.force_login(student.user)
        r = post_setup(client, form(qids[1:4], current_password="wrong-one1"))
        assert b"That is not your password" in r.content
        r = post_setup(client, form(qids[1:4], current_password=factories.PASSWORD))
        assert r["Location"] == "/account/"
        assert set(ChallengeAnswer.objects.filter(user=student.user).values_list("question", flat=True)) == set(
            qids[1:4]
        )
        assert AuditEvent.objects.filter(action="answers.set").count() == 1

    def test_staff_have_no_challenge_questions(self, client, form_teacher):
        client.force_login(form_teacher.user)
        assert client.get("/sspr/setup/").status_code == 404


@pytest.mark.django_db
class TestAnswerRules:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, student):
        client.force_login(student.user)

    @pytest.mark.parametrize(
        "answers, message",
        [
            (("ab", "ah ma", "fried rice"), b"3 to 40 letters"),
            (("x" * 41, "ah ma", "fried rice"), b"3 to 40 letters"),
            (("   ", "ah ma", "fried rice"), b"3 to 40 letters"),
            (("Tiger ", "tiger", "fried rice"), b"three different answers"),
            (("ali baba", "ah ma", "fried rice"), b"Do not use your name"),
            (("Raihan", "ah ma", "fried rice"), b"Do not use your name"),
        ],
    )
    def test_it_refuses_bad_answers(self, client, student, qids, answers, message):
        r = post_setup(client, form(qids[:3], answers, current_password=factories.PASSWORD))
        assert r.status_code == 200
        assert message in r.content
        assert not ChallengeAnswer.objects.filter(user=student.user).exists()

    def test_it_refuses_the_same_question_twice(self, client, student, qids):
        r = post_setup(client, form((qids[0], qids[0], qids[1]), current_password=factories.PASSWORD))
        assert r.status_code == 200 and b"Pick one of the questions in the list." in r.content
        assert f'value="{qids[0]}"' not in r.content.decode()  # the question of step 1 is not offered again
        assert not ChallengeAnswer.objects.filter(user=student.user).exists()

    def test_it_refuses_an_answer_that_repeats_the_question(self, client, student, qids):
        question = ChallengeQuestion.objects.get(pk=qids[0])
        data = form(qids[:3], (question.text, "ah ma", "fried rice"), current_password=factories.PASSWORD)
        r = post_setup(client, data)
        assert b"Do not copy the question" in r.content

    def test_it_refuses_an_inactive_or_card_question(self, client, student, qids):
        card = ChallengeQuestion.objects.filter(for_cards=True).first()
        r = post_setup(client, form((card.pk, qids[1], qids[2])))
        assert b"Pick one of the questions in the list." in r.content
        ChallengeQuestion.objects.filter(pk=qids[0]).update(is_active=False)
        r = post_setup(client, form(qids[:3], current_password=factories.PASSWORD))
        assert b"Pick one of the questions in the list." in r.content
        assert not ChallengeAnswer.objects.filter(user=student.user).exists()

    def test_it_stores_only_argon2_hashes_of_normalised_answers(self, client, student, qids, argon2):
        student.user.set_password(factories.PASSWORD)  # under Argon2, which is now the only hasher
        student.user.save()
        client.force_login(student.user)
        post_setup(
            client,
            form(qids[:3], ("  Ｂlue   BUNNY ", "ah ma", "fried rice"), current_password=factories.PASSWORD),
        )
        stored = ChallengeAnswer.objects.get(user=student.user, question_id=qids[0])
        assert stored.answer_hash.startswith("argon2$argon2id$")
        from django.contrib.auth.hashers import check_password

        assert check_password("blue bunny", stored.answer_hash)


def test_normalising_answers():
    assert normalise_answer("  Tiger\u3000 King ") == "tiger king"
    assert normalise_answer("ＴＩＧＥＲ") == "tiger"
    assert normalise_answer("Straße") == "strasse"


@pytest.mark.django_db
class TestRecoveryDataNeedsThePassword:
    """Issue 18: answers cleared by the school cannot be planted from a borrowed session."""

    def test_answers_cleared_by_the_school_need_the_password_to_set_again(self, client, student, qids):
        from sspr.answers import clear_answers

        give_answers(student.user)
        clear_answers(student.user)
        client.force_login(student.user)
        r = post_setup(client, form(qids[:3]))
        assert r.status_code == 200 and b"Type your password." in r.content
        assert b"This field is required" not in r.content
        assert student.user.challenge_answers.status() == "none"

    def test_after_a_temporary_password_the_new_one_just_chosen_is_asked(self, client, student, qids):
        student.user.set_temporary_password("bamo-tize-47")
        student.user.save()
        client.post("/login/", {"username": student.user.username, "password": "bamo-tize-47"})
        client.post("/account/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
        r = post_setup(client, form(qids[:3], current_password="bamo-tize-47"))
        assert b"That is not your password" in r.content
        r = post_setup(client, form(qids[:3], current_password="rainbow42go"))
        assert r["Location"] == "/account/"

    def test_setting_answers_ends_the_other_sessions_and_sends_a_notice(self, client, student, qids):
        from django.core import mail
        from django.test import Client

        laptop = Client()
        laptop.force_login(student.user)
        client.force_login(student.user)
        r = post_setup(client, form(qids[:3], current_password=factories.PASSWORD))
        assert r["Location"] == "/account/"
        assert client.get("/account/").status_code == 200
        assert laptop.get("/account/")["Location"].startswith("/login/")
        (notice,) = mail.outbox
        assert notice.to == [student.user.login_id] and "challenge questions" in notice.subject
        assert "blue bunny" not in notice.body
        assert AuditEvent.objects.get(action="answers.set").details["other_sessions_ended"] == 1

    def test_a_wrong_password_is_audited(self, client, student, qids):
        client.force_login(student.user)
        post_setup(client, form(qids[:3], current_password="not-it-at-all"))
        assert AuditEvent.objects.filter(action="password.recheck", outcome="failure").count() == 1

"""The set-up, one question per page: what is kept between the steps, going back,
and steps that come stale or twice (issue #15)."""

import re

import pytest
from django.contrib.messages import get_messages

from accounts.models import AuditEvent
from sspr.answers import is_same_answer
from sspr.models import ChallengeAnswer, ChallengeQuestion
from sspr.views import SETUP_KEY
from tests import factories

START_AGAIN = "Let's start again from question 1."


@pytest.fixture
def qids(db):
    return list(ChallengeQuestion.objects.filter(for_cards=False, is_active=True).values_list("pk", flat=True)[:4])


@pytest.fixture
def child(client, student):
    client.force_login(student.user)
    return student.user


def step(client, n, question, answer, **extra):
    return client.post(f"/sspr/setup/?step={n}", {"question": question, "answer": answer, **extra})


def first_two(client, qids):
    assert step(client, 1, qids[0], "Blue Bunny", current_password=factories.PASSWORD)["Location"] == (
        "/sspr/setup/?step=2"
    )
    assert step(client, 2, qids[1], "ah ma")["Location"] == "/sspr/setup/?step=3"


def told_to_start_again(client, r):
    return r["Location"] == "/sspr/setup/" and any(START_AGAIN in str(m) for m in get_messages(r.wsgi_request))


@pytest.mark.django_db
class TestBetweenSteps:
    def test_nothing_is_saved_and_no_answer_is_readable_until_the_last_step(self, client, child, qids):
        first_two(client, qids)
        assert not ChallengeAnswer.objects.filter(user=child).exists()
        assert not AuditEvent.objects.filter(action="answers.set").exists()
        state = client.session[SETUP_KEY]
        assert [q for q, _h in state["steps"]] == qids[:2]
        assert "bunny" not in str(dict(client.session.items())).casefold()
        assert "ah ma" not in str(dict(client.session.items()))
        assert is_same_answer("blue bunny", state["steps"][0][1])
        r = step(client, 3, qids[2], "fried rice")
        assert r["Location"] == "/account/" and SETUP_KEY not in client.session
        # The hashes kept between the steps are the ones saved.
        saved = dict(ChallengeAnswer.objects.filter(user=child).values_list("question_id", "answer_hash"))
        assert saved[qids[0]] == state["steps"][0][1] and saved[qids[1]] == state["steps"][1][1]
        assert is_same_answer("Fried Rice", saved[qids[2]])
        assert AuditEvent.objects.filter(action="answers.set").count() == 1

    def test_the_password_is_asked_on_the_first_step_only(self, client, child, qids):
        assert b'name="current_password"' in client.get("/sspr/setup/").content
        r = step(client, 1, qids[0], "blue bunny")
        assert r.status_code == 200 and b"Type your password." in r.content
        r = step(client, 1, qids[0], "blue bunny", current_password=factories.PASSWORD)
        page = client.get(r["Location"]).content.decode()
        assert 'name="current_password"' not in page and "Question 2 of 3" in page

    def test_the_back_link_lets_the_child_change_an_earlier_step(self, client, child, qids):
        first_two(client, qids)
        page = client.get("/sspr/setup/?step=3").content.decode()
        assert 'href="/sspr/setup/?step=2"' in page
        page = client.get("/sspr/setup/?step=2").content.decode()
        assert 'href="/sspr/setup/?step=1"' in page
        checked = re.findall(r'<input type="radio" name="question" value="(\d+)"[^>]* checked>', page)
        assert checked == [str(qids[1])]  # the question picked before is picked again
        assert "ah ma" not in page  # an answer is typed again, never shown back
        # Step 2 again, another question: step 3 now offers the first pick of step 2.
        assert step(client, 2, qids[3], "kaya toast")["Location"] == "/sspr/setup/?step=3"
        page = client.get("/sspr/setup/?step=3").content.decode()
        assert f'value="{qids[1]}"' in page and f'value="{qids[3]}"' not in page
        assert step(client, 3, qids[1], "fried rice")["Location"] == "/account/"
        saved = set(ChallengeAnswer.objects.filter(user=child).values_list("question_id", flat=True))
        assert saved == {qids[0], qids[3], qids[1]}

    def test_the_first_step_has_no_back_link(self, client, child):
        page = client.get("/sspr/setup/").content.decode()
        assert "back-link" not in page and "Question 1 of 3" in page


@pytest.mark.django_db
class TestStaleSteps:
    def test_a_last_step_without_the_earlier_ones_starts_again(self, client, child, qids):
        r = step(client, 3, qids[2], "fried rice")
        assert told_to_start_again(client, r)
        assert told_to_start_again(client, client.get("/sspr/setup/?step=2"))
        assert not ChallengeAnswer.objects.filter(user=child).exists()

    def test_a_last_step_after_the_session_lost_the_first_starts_again(self, client, child, qids):
        first_two(client, qids)
        session = client.session
        session[SETUP_KEY] = {**session[SETUP_KEY], "steps": session[SETUP_KEY]["steps"][1:]}
        session.save()
        r = step(client, 3, qids[2], "fried rice")
        assert told_to_start_again(client, r) and SETUP_KEY not in client.session
        assert not ChallengeAnswer.objects.filter(user=child).exists()

    def test_the_last_step_sent_twice_saves_once(self, client, child, qids):
        first_two(client, qids)
        assert step(client, 3, qids[2], "fried rice")["Location"] == "/account/"
        r = step(client, 3, qids[3], "kaya toast")
        assert told_to_start_again(client, r)
        saved = set(ChallengeAnswer.objects.filter(user=child).values_list("question_id", flat=True))
        assert saved == set(qids[:3])
        assert AuditEvent.objects.filter(action="answers.set").count() == 1

    def test_two_last_steps_from_the_same_moment_save_once(self, client, child, qids):
        # Two tabs (or a double click) both holding steps 1 and 2: the second finds the run already saved.
        first_two(client, qids)
        held = client.session[SETUP_KEY]
        assert step(client, 3, qids[2], "fried rice")["Location"] == "/account/"
        session = client.session
        session[SETUP_KEY] = held
        session.save()
        assert told_to_start_again(client, step(client, 3, qids[3], "kaya toast"))
        saved = set(ChallengeAnswer.objects.filter(user=child).values_list("question_id", flat=True))
        assert saved == set(qids[:3])
        assert AuditEvent.objects.filter(action="answers.set").count() == 1

    def test_a_half_done_set_up_left_too_long_starts_again(self, client, child, qids):
        first_two(client, qids)
        session = client.session
        session[SETUP_KEY] = {**session[SETUP_KEY], "started": session[SETUP_KEY]["started"] - 31 * 60}
        session.save()
        assert told_to_start_again(client, step(client, 3, qids[2], "fried rice"))
        assert not ChallengeAnswer.objects.filter(user=child).exists()
        # Question 1 again asks for the password: the old check is gone too.
        assert b'name="current_password"' in client.get("/sspr/setup/").content

    def test_a_question_switched_off_before_the_last_step_starts_again(self, client, child, qids):
        first_two(client, qids)
        ChallengeQuestion.objects.filter(pk=qids[0]).update(is_active=False)
        assert told_to_start_again(client, step(client, 3, qids[2], "fried rice"))
        assert not ChallengeAnswer.objects.filter(user=child).exists()

    @pytest.mark.parametrize("bad", ["0", "4", "x", "-1", "2.0"])
    def test_a_made_up_step_number_is_the_first_step(self, client, child, bad):
        r = client.get(f"/sspr/setup/?step={bad}")
        assert r.status_code == 200 and b"Question 1 of 3" in r.content


@pytest.mark.django_db
def test_a_wrong_password_on_the_first_step_leaves_no_answer_in_the_sign_in_lock_records(client, child, qids):
    from axes.models import AccessAttempt

    r = step(client, 1, qids[0], "Sparkle Pony", current_password="not-it-at-all")
    assert b"That is not your password" in r.content
    # The set-up's answer box is "answer" (one per page), masked like the reset's "answer_1".
    kept = list(AccessAttempt.objects.values_list("post_data", flat=True))
    assert kept  # the failure was recorded, with the form's data masked
    assert not any("sparkle" in data.casefold() for data in kept)

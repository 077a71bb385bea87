"""Errors a child can act on, on every form: a summary at the top linking to each
field, "Error:" in the title, each message under its own field and tied to it,
and words that say what to type instead of "This field is required."."""

import importlib
import re

import pytest
from django import forms

from accounts.plain_errors import PlainErrorsMixin, required_message
from tests import factories


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def summary_links(html):
    box = re.search(r'<div class="form-errors error-summary".*?</div>', html, re.S).group(0)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)


def message_under(html, field_id):
    found = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


@pytest.mark.django_db
class TestSignInErrors:
    def test_empty_boxes_say_what_to_type(self, client):
        html = client.post("/login/", {"username": "", "password": ""}).content.decode()
        assert title(html).startswith("Error: Sign in")
        assert "There is a problem" in html and "This field is required" not in html
        assert summary_links(html) == [("id_username", "Type your login ID."), ("id_password", "Type your password.")]
        assert message_under(html, "id_username") == "Error: Type your login ID."
        assert re.search(r'<input[^>]+aria-describedby="[^"]*id_username_error[^"]*"[^>]+id="id_username"', html)
        assert 'data-error-summary' in html and "js/error-summary.js" in html

    def test_a_page_without_errors_has_a_plain_title_and_no_summary(self, client):
        html = client.get("/login/").content.decode()
        assert title(html).startswith("Sign in") and "There is a problem" not in html

    def test_the_title_asks_nothing_lazy_of_the_page(self):
        """Deciding on "Error:" loads no user and makes no CSP nonce (both lazy in every page's context)."""
        from django.template import Context
        from django.test import RequestFactory
        from django.utils.functional import SimpleLazyObject

        from accounts.forms import LoginForm
        from accounts.templatetags.form_errors import page_has_errors

        loaded = []
        lazy = SimpleLazyObject(lambda: loaded.append("loaded"))
        empty = LoginForm(RequestFactory().post("/login/"), data={})
        assert page_has_errors(Context({"user": lazy, "form": LoginForm(None)})) is False
        assert page_has_errors(Context({"user": lazy, "form": empty})) is True
        assert loaded == []

    def test_staff_are_asked_for_their_username(self, client, db):
        html = client.post("/staff/sign-in/", {"username": "", "password": "x"}).content.decode()
        assert ("id_username", "Type your username.") in summary_links(html)

    def test_a_wrong_password_is_listed_and_links_to_the_first_box(self, client, student):
        html = client.post("/login/", {"username": "nobody_here", "password": "wrong-one1"}).content.decode()
        first = summary_links(html)[0]
        assert first == ("id_username", "That login ID and password do not match. Check both and try again.")


@pytest.fixture
def child(student):
    """A Primary 5 child with answers set up (so no page sends them to set-up first)."""
    from tests.sspr.helpers import give_answers

    give_answers(student.user)
    return student


@pytest.mark.django_db
class TestPasswordErrors:
    def test_the_password_rule_speaks_under_the_new_password(self, client, child):
        client.force_login(child.user)
        html = client.post("/account/password/", {"old_password": factories.PASSWORD, "new_password1": "abc",
                                                  "new_password2": "abc"}).content.decode()  # fmt: skip
        assert message_under(html, "id_new_password1")
        assert message_under(html, "id_new_password2") == ""
        assert [i for i, _ in summary_links(html)] == ["id_new_password1"] * len(summary_links(html))

    def test_two_different_passwords_are_said_under_the_second_box(self, client, child):
        client.force_login(child.user)
        html = client.post("/account/password/", {"old_password": factories.PASSWORD,
                                                  "new_password1": "rainbow42go", "new_password2": "rainbow42gox"}
                           ).content.decode()  # fmt: skip
        assert "not the same" in message_under(html, "id_new_password2")

    def test_empty_password_boxes_say_what_to_type(self, client, child):
        client.force_login(child.user)
        empty = {"old_password": "", "new_password1": "", "new_password2": ""}
        html = client.post("/account/password/", empty).content.decode()
        assert dict(summary_links(html)) == {
            "id_old_password": "Type your password now.",
            "id_new_password1": "Type your new password.",
            "id_new_password2": "Type your new password again.",
        }


@pytest.mark.django_db
class TestShowPassword:
    @pytest.mark.parametrize("url", ["/login/", "/staff/sign-in/"])
    def test_sign_in_pages_have_a_show_button(self, client, url):
        html = client.get(url).content.decode()
        button = r'<button type="button" class="secondary show-password" hidden aria-controls="id_password"'
        assert re.search(button, html)
        assert 'type="password"' in html and "js/show-password.js" in html

    def test_every_box_of_the_password_pages_has_one(self, client, child):
        client.force_login(child.user)
        html = client.get("/account/password/").content.decode()
        for box in ("id_old_password", "id_new_password1", "id_new_password2"):
            assert f'aria-controls="{box}"' in html
        html = client.get("/sspr/setup/").content.decode()
        assert 'aria-controls="id_current_password"' in html


@pytest.mark.django_db
class TestQuestionLists:
    def test_each_set_up_step_lists_the_questions_left_as_radios(self, client, student):
        from sspr.models import ChallengeQuestion

        client.force_login(student.user)
        own = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False))
        html = client.get("/sspr/setup/").content.decode()
        assert "<select" not in html.split('id="main"')[1].split("</main>")[0]
        assert html.count('type="radio" name="question"') == len(own)
        assert "<legend>Pick question 1</legend>" in html and "Question 1 of 3" in html
        for question in own:
            assert question.text in html  # in full, never cut off by a drop-down
        data = {"current_password": factories.PASSWORD, "question": own[0].pk, "answer": "blue bunny"}
        client.post("/sspr/setup/?step=1", data)
        html = client.get("/sspr/setup/?step=2").content.decode()
        assert html.count('type="radio" name="question"') == len(own) - 1  # the one picked is left out
        assert "<legend>Pick question 2</legend>" in html and "Question 2 of 3" in html
        assert own[0].text not in html.split('id="main"')[1]

    def test_a_question_not_picked_is_said_under_its_list(self, client, student):
        client.force_login(student.user)
        html = client.post("/sspr/setup/", {"current_password": factories.PASSWORD}).content.decode()
        assert message_under(html, "id_question") == "Error: Pick a question."
        assert ("id_question_0", "Pick a question.") in summary_links(html)
        assert re.search(r'<fieldset class="field choices has-error" aria-describedby=" ?id_question_error"', html)

    def test_a_repeated_answer_is_said_under_its_box(self, client, student):
        from sspr.models import ChallengeQuestion

        client.force_login(student.user)
        q = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False).values_list("pk", flat=True)[:2])
        first = {"current_password": factories.PASSWORD, "question": q[0], "answer": "ah ma"}
        client.post("/sspr/setup/?step=1", first)
        html = client.post("/sspr/setup/?step=2", {"question": q[1], "answer": "Ah  Ma "}).content.decode()
        assert message_under(html, "id_answer") == "Error: Give three different answers."


class TestRequiredWords:
    def test_a_field_without_its_own_words_gets_them_from_its_label_and_kind(self):
        assert required_message(forms.CharField(label="Class")) == "Type something in “Class”."
        assert required_message(forms.ChoiceField(label="School")) == "Pick one for “School”."
        assert required_message(forms.BooleanField(label="I agree")) == "Tick “I agree” to go on."

    def test_every_portal_form_uses_the_pattern(self):
        for module in ("accounts.forms", "sspr.forms", "second_factor.forms", "helpdesk.forms", "batches.forms",
                       "staff.records", "staff.student_import", "staff.admin_pages"):  # fmt: skip
            importlib.import_module(module)

        def every(cls):
            for sub in cls.__subclasses__():
                yield sub
                yield from every(sub)

        ours = {c for c in every(forms.BaseForm) if c.__module__.split(".")[0] in
                {"accounts", "sspr", "second_factor", "helpdesk", "batches", "staff", "signin", "sso"}
                and not issubclass(c, forms.ModelForm) and not c.__name__.startswith("_")}  # fmt: skip
        assert ours and not [c.__name__ for c in ours if not issubclass(c, PlainErrorsMixin)]


@pytest.mark.django_db
class TestAfterwards:
    def test_after_a_reset_the_sign_in_page_has_the_login_id(self, client, student):
        from tests.sspr.helpers import answers_for, give_answers

        answers = give_answers(student.user)
        client.post("/sspr/", {"login_id": "muhammad_ali_muhammad_raihan"})
        client.post("/sspr/questions/", answers_for(client, answers))
        client.post("/sspr/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
        html = client.get("/login/").content.decode()
        assert 'value="muhammad_ali_muhammad_raihan@students.edu.sg"' in html
        # The password box is next: the focus starts there.
        assert re.search(r'<input type="password" name="password"[^>]* autofocus', html)

    def test_after_signing_out_it_says_so(self, client, student):
        client.force_login(student.user)
        html = client.post("/logout/", follow=True).content.decode()
        assert "You have signed out." in html

"""The step that locks a reset takes the same path for a real and a made-up ID:
the teachers' notice goes through the task queue, never the request."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from accounts.tasks import sspr_locked_notice
from tests.sspr.helpers import give_answers

MAIL_DELAY = 1.5


class SlowMailServer:
    """Accepts a connection, waits MAIL_DELAY seconds, then says it is busy."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            time.sleep(MAIL_DELAY)
            conn.sendall(b"421 busy\r\n")
            conn.close()


@pytest.fixture
def slow_mail(settings):
    server = SlowMailServer()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield server
    server.sock.close()


def _fifth_wrong_answer(login_id: str) -> float:
    client = Client()
    client.post("/sspr/", {"login_id": login_id})
    for _ in range(4):
        client.post("/sspr/questions/", {"answer_1": "xxx", "answer_2": "yyy"})
    started = time.monotonic()
    r = client.post("/sspr/questions/", {"answer_1": "xxx", "answer_2": "yyy"})
    elapsed = time.monotonic() - started
    assert b"Let a grown-up help you" in r.content
    return elapsed


@pytest.mark.django_db
def test_the_locking_step_does_not_wait_for_the_mail_server(slow_mail, student, form_teacher):
    form_teacher.user.email = "ms.tan@school.edu.sg"
    form_teacher.user.save()
    give_answers(student.user)
    real = _fifth_wrong_answer(student.user.username)
    made_up = _fifth_wrong_answer("made_up_child_name")
    # Neither request talked to the mail server; both queued one task.
    assert slow_mail.connections == 0
    assert DBTaskResult.objects.filter(task_path="accounts.tasks.sspr_locked_notice").count() == 2
    assert real < MAIL_DELAY and made_up < MAIL_DELAY, (real, made_up)
    # The worker sends the real child's notice, and finds nobody for the made-up ID.
    assert sspr_locked_notice.call(student.user.username) is True
    assert slow_mail.connections == 1
    assert sspr_locked_notice.call("~" + "0" * 32) is False
    assert slow_mail.connections == 1

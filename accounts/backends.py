"""Django's ``ModelBackend`` with the account's profile loaded along with it.

* **Every signed-in request** loads the user from the session; almost every page then asks whether
  the user is a student or a teacher (``is_student``, ``is_form_teacher``, the scope), which with
  Django's backend were two more queries. ``get_user`` joins both profiles into the user's query, and
  a child's class: every page a child opens asks its level (``signin.middleware.RequiredSetupMiddleware``).
* **Every sign-in** looked the account up twice: once for the lock key ("is the typed ID an
  account?", :func:`accounts.lockouts.account_for_key`, with its profile) and once more in
  ``authenticate``. ``authenticate`` asks that look-up, which loads the row once a request.

Permissions, ``user_can_authenticate`` and the password check (with a hash for an unknown ID too, so
the answer takes as long) are Django's. Sessions signed in with Django's backend keep working:
:mod:`accounts.session_store` reads that path as this one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .lockouts import account_for_key

PATH = "accounts.backends.AccountBackend"
DJANGO_PATH = "django.contrib.auth.backends.ModelBackend"


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        user = account_for_key(request, username)
        if user is None:
            get_user_model()().set_password(password)  # as long as for a real account (Django's #20760)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("student__school_class", "teacher").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

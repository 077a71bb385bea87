"""A staff sign-in is complete only after the second factor.

django-axes forgets a login ID's failures when Django says someone signed in
(AXES_RESET_ON_SUCCESS). After a password alone that would wipe the count of
wrong codes: someone with a stolen password could sign in again every four
tries and guess codes for ever. So axes hears of a staff member's sign-in only
once the second factor is passed (flows.passed); everyone else as before.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import handle_user_logged_in
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY

from . import rules

user_logged_in.disconnect(handle_user_logged_in)


@receiver(user_logged_in, dispatch_uid="second_factor.axes_logged_in")
def _axes_logged_in(sender, request, user, **kwargs):
    if request is not None and rules.is_staff_member(user):
        # Every sign-in asks again, even in a session that had passed before.
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.session.pop(rules.VERIFIED_AT, None)
        request.session.pop(rules.SIGNED_IN_AT, None)
        rules.start_working_day(request.session)
        if rules.must_verify(user):
            return
    AxesProxyHandler.user_logged_in(sender, request=request, user=user, **kwargs)

"""The one client-address rule (accounts/client_address.py) and everything that uses it."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from accounts import audit, ratelimits
from accounts.client_address import client_address


def request(remote="10.0.0.1", **headers):
    return RequestFactory().post("/login/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: a forwarded header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the leftmost was forged by the client
        (2, "198.51.100.1, 203.0.113.9, 192.0.2.7", "203.0.113.9"),
        (2, "192.0.2.7", "10.0.0.1"),  # did not come through both proxies
        (1, "", "10.0.0.1"),
        (1, "not-an-address", None),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_it_takes_the_address_the_nearest_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.MIMS_NUM_PROXIES = proxies
    assert client_address(request(HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_it_reads_the_header_the_setting_names(settings):
    settings.MIMS_NUM_PROXIES = 1
    settings.MIMS_PROXY_CLIENT_HEADER = "X-Real-IP"
    assert client_address(request(HTTP_X_REAL_IP="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")) == "203.0.113.9"


@pytest.mark.django_db
def test_it_gives_axes_the_rate_limits_and_the_audit_log_one_address(settings):
    settings.MIMS_NUM_PROXIES = 1
    r = request(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert get_client_ip_address(r) == "203.0.113.9"
    assert ratelimits._ip_key("login", r) == "203.0.113.9"
    assert audit.record(r, "test.event").ip == "203.0.113.9"

"""The client address used by rate limits and the sign-in lockout: X-Forwarded-For is believed
only when it comes through our own proxies, and only as far as our proxies wrote it."""

import pytest
from django.test import RequestFactory

from lapor.core.ratelimit import _trusted_networks, client_address

rf = RequestFactory()


def _request(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return rf.get("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture(autouse=True)
def _clear_cache():
    _trusted_networks.cache_clear()
    yield
    _trusted_networks.cache_clear()


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.LAPOR_TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_from_an_untrusted_peer_the_forwarded_header_is_ignored(settings):
    settings.LAPOR_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        ("198.51.100.7", "198.51.100.7"),  # one proxy
        ("198.51.100.7, 10.0.0.2", "198.51.100.7"),  # two of our proxies
        ("1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a forged left part is not believed
        ("1.2.3.4, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("not-an-ip", "10.0.0.1"),  # garbage: count the proxy, never the garbage
        ("", "10.0.0.1"),
    ],
)
def test_through_trusted_proxies_the_rightmost_foreign_hop_is_the_client(settings, forwarded, expected):
    settings.LAPOR_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("10.0.0.1", forwarded)) == expected


def test_the_sign_in_lockout_counts_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.LAPOR_TRUSTED_PROXIES = ["127.0.0.1"]
    assert get_client_ip_address(_request("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_a_request_without_an_address_has_none(settings):
    from lapor.core.ratelimit import client_ip

    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_ip(request) is None and client_address(request) == "unknown"

"""Endpoint URLs: only http(s) to public addresses, unless the settings allow loopback or private ones."""

from __future__ import annotations

import pytest
from webhook_fixtures import Resolver

from extracted.extensions.webhooks import TargetPolicy, TargetRefusedError

PUBLIC = "93.184.215.14"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.8.9.10:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", r"::ffff:7f00:1 \(that is 127.0.0.1\) is a loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("http://192.168.1.1/hook", "private"),
        ("http://100.64.0.1/hook", "private"),
        ("http://[fd00::1]/hook", "private"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://[64:ff9b::a00:1]/hook", r"that is 10.0.0.1\) is a private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://[ff02::1]/hook", "multicast"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://[::]/hook", "unspecified"),
        ("http://240.0.0.1/hook", "reserved"),
        ("http://192.0.2.10/hook", "reserved"),
        ("http://[2001:db8::1]/hook", "reserved"),
        ("ftp://example.com/hook", "http or https URLs only, not 'ftp'"),
        ("example.com/hook", "http or https URLs only, not 'no scheme'"),
        ("http:///hook", "has no host"),
        ("http://user:pw@example.com/hook", "credentials"),
        ("http://example.com:99999/hook", "not a usable URL"),
    ],
)
def test_refused_targets_say_why(url: str, problem: str) -> None:
    policy = TargetPolicy(resolver=Resolver({"example.com": [PUBLIC]}))
    with pytest.raises(TargetRefusedError, match=problem):
        policy.check(url)


def test_public_targets_pass_with_their_addresses() -> None:
    policy = TargetPolicy(resolver=Resolver({"hooks.example.com": [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}))
    target = policy.check("https://hooks.example.com/in?x=1")
    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 443)
    assert target.addresses == (PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert policy.check("http://8.8.8.8:8080/").port == 8080


def test_a_name_resolving_to_loopback_is_refused() -> None:
    policy = TargetPolicy(resolver=Resolver({"innocent.example.com": [PUBLIC, "127.0.0.1"]}))
    with pytest.raises(TargetRefusedError, match=r"resolves to 93.184.215.14, 127.0.0.1\): 127.0.0.1 is a loopback"):
        policy.check("https://innocent.example.com/hook")


def test_unresolvable_names_are_refused() -> None:
    with pytest.raises(TargetRefusedError, match="cannot resolve"):
        TargetPolicy(resolver=Resolver({})).check("https://nowhere.example.com/")
    with pytest.raises(TargetRefusedError, match="resolves to no address"):
        TargetPolicy(resolver=Resolver({"empty.example.com": []})).check("https://empty.example.com/")


def test_settings_allow_loopback_and_private_but_never_link_local() -> None:
    loopback = TargetPolicy(allow_loopback=True, resolver=Resolver())
    assert loopback.check("http://127.0.0.1/hook").addresses == ("127.0.0.1",)
    assert loopback.check("http://hooks.example.test:9000/hook").addresses == ("127.0.0.1",)
    assert loopback.check("http://[::ffff:127.0.0.1]/").addresses == ("::ffff:7f00:1",)
    with pytest.raises(TargetRefusedError, match="private"):
        loopback.check("http://10.0.0.1/")
    private = TargetPolicy(allow_private=True)
    assert private.check("http://192.168.1.20/").addresses == ("192.168.1.20",)
    with pytest.raises(TargetRefusedError, match="loopback"):
        private.check("http://127.0.0.1/")
    both = TargetPolicy(allow_private=True, allow_loopback=True)
    for url in ("http://169.254.169.254/", "http://[fe80::1]/", "http://224.0.0.1/", "http://0.0.0.0/"):
        with pytest.raises(TargetRefusedError):
            both.check(url)


def test_the_system_resolver_resolves_localhost() -> None:
    with pytest.raises(TargetRefusedError, match="loopback"):
        TargetPolicy().check("http://localhost:8080/hook")
    assert "127.0.0.1" in TargetPolicy(allow_loopback=True).check("http://localhost:8080/hook").addresses

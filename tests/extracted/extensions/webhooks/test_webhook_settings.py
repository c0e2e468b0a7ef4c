"""The webhook settings: defaults, every field, and errors that name the file and the field."""

from __future__ import annotations

from typing import Any

import pytest

from extracted.extensions.webhooks import RetrySchedule, WebhookSettings
from extracted.runtime import ConfigurationError


def test_defaults() -> None:
    settings = WebhookSettings.from_mapping({}, "site.json")
    assert settings == WebhookSettings()
    assert (settings.allow_private, settings.allow_loopback, settings.disable_after_days) == (False, False, 5.0)
    assert (settings.timeout_s, settings.content_type, settings.schedule) == (15.0, "application/json", RetrySchedule())


def test_every_field() -> None:
    raw = {
        "allow_private": True,
        "allow_loopback": True,
        "disable_after_days": 2,
        "timeout_s": 30,
        "content_type": "application/cloudevents+json",
        "retry_delays_s": [1, 10, 100],
        "jitter": 0.2,
        "max_retry_after_s": 600,
    }
    settings = WebhookSettings.from_mapping(raw, "site.json")
    assert settings.schedule == RetrySchedule(delays_s=(1.0, 10.0, 100.0), jitter=0.2, max_retry_after_s=600.0)
    policy = settings.target_policy()
    assert policy.allow_private and policy.allow_loopback
    assert (settings.disable_after_days, settings.timeout_s) == (2.0, 30.0)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"allow_loopback": "yes"}, "site.json: webhooks.allow_loopback: expected true or false, got 'yes'"),
        ({"disable_after_days": 0}, "webhooks.disable_after_days: expected a number of days > 0"),
        ({"timeout_s": True}, "webhooks.timeout_s: expected seconds"),
        ({"timeout_s": 1000}, r"webhooks.timeout_s: expected seconds in \(0, 300\]"),
        ({"retry_delays_s": []}, "webhooks.retry_delays_s: expected a non-empty list"),
        ({"retry_delays_s": [5, -1]}, "webhooks.retry_delays_s"),
        ({"retry_delays_s": "5,10"}, "webhooks.retry_delays_s"),
        ({"jitter": 1.5}, r"webhooks.jitter: expected a fraction in \[0, 1\)"),
        ({"content_type": "text/plain"}, "webhooks.content_type: expected one of"),
        ({"allow_privat": True}, r"unknown field\(s\) \['allow_privat'\]"),
    ],
)
def test_errors_name_the_field(raw: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        WebhookSettings.from_mapping(raw, "site.json")


def test_not_an_object() -> None:
    with pytest.raises(ConfigurationError, match=r"site\.json: webhooks: expected an object, got list"):
        WebhookSettings.from_mapping([], "site.json")  # type: ignore[arg-type]

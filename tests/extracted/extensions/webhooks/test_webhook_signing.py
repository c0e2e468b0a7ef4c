"""Signatures: the published Standard Webhooks / svix vector, secrets, rotation and the receiver's checks."""

from __future__ import annotations

import base64

import pytest

from extracted.extensions.webhooks import SignatureError, new_secret, sign, verify
from extracted.extensions.webhooks.signing import decode_secret, signature

# the vector of the spec's reference libraries (standard-webhooks and svix test suites)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
WEBHOOK_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers(value: str, timestamp: int = TIMESTAMP) -> dict[str, str]:
    return {"Webhook-Id": WEBHOOK_ID, "Webhook-Timestamp": str(timestamp), "Webhook-Signature": value}


def test_the_published_vector() -> None:
    assert signature(SECRET, WEBHOOK_ID, TIMESTAMP, BODY) == EXPECTED
    assert sign([SECRET], WEBHOOK_ID, TIMESTAMP, BODY) == EXPECTED
    verify(SECRET, headers(EXPECTED), BODY, now=TIMESTAMP + 10)


def test_new_secrets_are_24_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(decode_secret(secret)) == 24
    assert new_secret() != secret
    assert new_secret(lambda size: bytes(range(size))) == "whsec_" + base64.b64encode(bytes(range(24))).decode()


def test_rotation_signs_with_both_and_either_verifies() -> None:
    new = new_secret()
    value = sign([new, SECRET], WEBHOOK_ID, TIMESTAMP, BODY)
    first, second = value.split(" ")
    assert second == EXPECTED and first.startswith("v1,")
    verify(new, headers(value), BODY, now=TIMESTAMP)
    verify(SECRET, headers(value), BODY, now=TIMESTAMP)
    with pytest.raises(SignatureError, match=r"no signature .* matches"):
        verify(new_secret(), headers(value), BODY, now=TIMESTAMP)


@pytest.mark.parametrize(
    ("given", "body", "now", "problem"),
    [
        (headers(EXPECTED), b'{"test": 2432232315}', TIMESTAMP, "no signature .* matches"),
        (headers(EXPECTED), BODY, TIMESTAMP + 301, "more than 300 s from now"),
        (headers(EXPECTED), BODY, TIMESTAMP - 301, "more than 300 s from now"),
        (headers("v1a,abc v2,xyz"), BODY, TIMESTAMP, "no v1 signature"),
        (headers(EXPECTED, timestamp=-5), BODY, TIMESTAMP, "not a Unix time"),
        ({"webhook-id": WEBHOOK_ID}, BODY, TIMESTAMP, "missing header.*webhook-timestamp, webhook-signature"),
    ],
)
def test_verify_says_what_is_wrong(given: dict[str, str], body: bytes, now: float, problem: str) -> None:
    with pytest.raises(SignatureError, match=problem):
        verify(SECRET, given, body, now=now)


def test_malformed_secrets_and_ids_are_refused() -> None:
    with pytest.raises(SignatureError, match="starts with 'whsec_'"):
        sign(["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], WEBHOOK_ID, TIMESTAMP, BODY)
    with pytest.raises(SignatureError, match="not base64"):
        sign(["whsec_not*base64"], WEBHOOK_ID, TIMESTAMP, BODY)
    with pytest.raises(SignatureError, match=r"must not contain '\.'"):
        sign([SECRET], "msg_a.b", TIMESTAMP, BODY)
    with pytest.raises(SignatureError, match="at least one secret"):
        sign([], WEBHOOK_ID, TIMESTAMP, BODY)

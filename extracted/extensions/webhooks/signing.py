"""Standard Webhooks 1.0 symmetric signatures: ``whsec_`` secrets and ``v1,`` HMAC-SHA256 signatures.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``, the key the bytes after ``whsec_``
(base64). ``webhook-signature`` is a space-separated list, one ``v1,<base64>`` per secret: during a
secret rotation both the new and the previous secret sign, so receivers never miss a beat. Pure: the
only I/O is :func:`new_secret`'s random bytes, which can be injected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as random_source
from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "SECRET_BYTES",
    "SECRET_PREFIX",
    "SignatureError",
    "decode_secret",
    "new_secret",
    "sign",
    "signature",
    "verify",
]

SECRET_PREFIX = "whsec_"
#: the spec's minimum (192 bits); svix uses the same
SECRET_BYTES = 24
_VERSION = "v1"


class SignatureError(ValueError):
    """A secret is malformed, or a delivery's headers do not prove it came from us."""


def new_secret(random_bytes: Callable[[int], bytes] = random_source.token_bytes) -> str:
    """A new endpoint secret: ``whsec_`` + base64 of :data:`SECRET_BYTES` random bytes."""
    return SECRET_PREFIX + base64.b64encode(random_bytes(SECRET_BYTES)).decode("ascii")


def decode_secret(secret: str) -> bytes:
    """The HMAC key of ``secret`` (``whsec_<base64>``)."""
    if not secret.startswith(SECRET_PREFIX):
        raise SignatureError(f"a webhook secret starts with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as error:
        raise SignatureError(
            f"the part of the webhook secret after {SECRET_PREFIX!r} is not base64: {error}"
        ) from error
    if not key:
        raise SignatureError("the webhook secret is empty")
    return key


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64 HMAC-SHA256>`` signature of ``{webhook_id}.{timestamp}.{body}``."""
    if "." in webhook_id:  # the spec: ids must not contain the separator (it would make contents ambiguous)
        raise SignatureError(f"a webhook id must not contain '.': {webhook_id!r}")
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(decode_secret(secret), content, hashlib.sha256).digest()
    return f"{_VERSION},{base64.b64encode(digest).decode('ascii')}"


def sign(secrets: Sequence[str], webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: a signature per secret, space-separated."""
    if not secrets:
        raise SignatureError("signing needs at least one secret")
    return " ".join(signature(secret, webhook_id, timestamp, body) for secret in secrets)


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float, tolerance_s: int = 300) -> None:
    """Check a delivery as a receiver would; raises :class:`SignatureError` saying what is wrong.

    ``headers`` are matched case-insensitively. The timestamp must be within ``tolerance_s`` of ``now``
    (either way: replayed old deliveries and clocks far ahead are both refused).
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    missing = [name for name in ("webhook-id", "webhook-timestamp", "webhook-signature") if name not in lowered]
    if missing:
        raise SignatureError(f"missing header(s): {', '.join(missing)}")
    webhook_id, raw_timestamp = lowered["webhook-id"], lowered["webhook-timestamp"]
    if not raw_timestamp.isascii() or not raw_timestamp.isdigit():
        raise SignatureError(f"webhook-timestamp {raw_timestamp!r} is not a Unix time in seconds")
    timestamp = int(raw_timestamp)
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError(f"webhook-timestamp {timestamp} is more than {tolerance_s} s from now ({int(now)})")
    expected = signature(secret, webhook_id, timestamp, body)
    offered = [item for item in lowered["webhook-signature"].split(" ") if item]
    versioned = [item for item in offered if item.partition(",")[0] == _VERSION]
    if not versioned:
        raise SignatureError(f"webhook-signature has no {_VERSION} signature")
    # compare every one in constant time: which (if any) matched must not leak through timing
    matched = [hmac.compare_digest(item.encode(), expected.encode()) for item in versioned]
    if not any(matched):
        raise SignatureError("no signature in webhook-signature matches the secret")

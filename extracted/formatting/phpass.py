"""The portable phpass hashes WordPress 6.1 stores (``wp-includes/class-phpass.php``, ``PasswordHash(8, true)``).

``$P$`` + the iteration count (``B``: 2^13 MD5 rounds) + 8 characters of salt + 22 of hash, in phpass's
own base-64 alphabet. WordPress hashes passwords (``wp_hash_password``) and password-reset keys
(``get_password_reset_key``) this way and checks them with ``CheckPassword``, so what the legacy sync
writes into ``wp_users`` is checked by WordPress's own code. Also WordPress's ``wp_generate_password``
for the alphanumeric secrets it makes (``$special_chars = false``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["check_password", "generate_password", "hash_password"]

ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: ``PasswordHash(8, true)``: log2 of the rounds is 8 + 5 (phpass adds 5 for PHP 5 and later)
ITERATION_COUNT_LOG2 = 8 + 5
#: phpass refuses longer passwords (a denial-of-service guard): its hash is then ``*``
MAX_PASSWORD_BYTES = 4096
#: ``wp_generate_password( $length, false )``'s characters
ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _encode64(data: bytes, count: int) -> str:
    """phpass's ``encode64``: little-endian groups of 3 bytes, 6 bits per character."""
    output: list[str] = []
    index = 0
    while index < count:
        value = data[index]
        index += 1
        output.append(ITOA64[value & 0x3F])
        if index < count:
            value |= data[index] << 8
        output.append(ITOA64[(value >> 6) & 0x3F])
        if index >= count:
            break
        index += 1
        if index < count:
            value |= data[index] << 16
        output.append(ITOA64[(value >> 12) & 0x3F])
        if index >= count:
            break
        index += 1
        output.append(ITOA64[(value >> 18) & 0x3F])
    return "".join(output)


def _crypt_private(password: bytes, setting: str) -> str:
    failure = "*1" if setting.startswith("*0") else "*0"
    if setting[:3] not in ("$P$", "$H$") or len(setting) < 12:
        return failure
    count_log2 = ITOA64.find(setting[3])
    if count_log2 < 7 or count_log2 > 30:
        return failure
    salt = setting[4:12].encode("latin-1", "replace")
    digest = hashlib.md5(salt + password).digest()
    for _ in range(1 << count_log2):
        digest = hashlib.md5(digest + password).digest()
    return setting[:12] + _encode64(digest, 16)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``PasswordHash::HashPassword`` (portable): ``salt`` is 6 random bytes unless given (tests)."""
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return "*"
    random = secrets.token_bytes(6) if salt is None else salt
    setting = "$P$" + ITOA64[min(ITERATION_COUNT_LOG2, 30)] + _encode64(random, 6)
    return _crypt_private(encoded, setting)


def check_password(password: str, stored: str) -> bool:
    """``PasswordHash::CheckPassword`` for portable hashes (what a key or password must match)."""
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    return hmac.compare_digest(_crypt_private(encoded, stored), stored)


def generate_password(length: int) -> str:
    """``wp_generate_password( $length, false )``: letters and digits from a CSPRNG."""
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))

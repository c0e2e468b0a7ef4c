"""``register_new_user``'s rules, ours against the installed WordPress's, on a site without users.

A table of tricky logins and addresses (every pair of them), then random ones (hypothesis, one batched
php-cli call per example). Existing users and the database's collation: ``test_registration_live.py``.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registration_harness import RuleEvaluator
from registration_sites import OFFLINE_RULES, our_outcome, wordpress_outcome

from extracted.formatting.sanitize import is_email, sanitize_email, sanitize_user, validate_username
from extracted.users.registration.validation import NoUsers, RegistrationRules, check_registration

pytestmark = pytest.mark.php

LOGINS = [
    "",
    " ",
    "\t",
    "0",
    "00",
    " 0",
    "+0",
    "0.0",
    "admin",
    "Admin",
    "joe",
    " joe",
    "joe ",
    "jo  e",
    "jo e",
    "jo\te",
    "joe\n",
    "\njoe",
    "José",
    "jose",
    "ÄÖÜäöüß",
    "Æøå",
    "Đđ",
    "col·lega",
    "£",
    "£joe",
    "%41",
    "%41b",
    "%Ä0",
    "%ÄE",
    "&amp;",
    "&x;",
    "a&b;c",
    "&\n;",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "<SCRIPT>x</script>joe",
    "<style a>x</STYLE>",
    "a<b",
    "<",
    "a < b",
    ">",
    "<!-- c -->",
    "<?php x ?>y",
    "x" * 60,
    "x" * 61,
    "x " * 31,
    "é" * 61,
    "joe@example.com",
    "j.o-e_",
    "UPPER",
    "+1",
    "-1",
    " 12",
    "12 ",
    "1e3",
    "1e+3",
    "+.5",
    ".5",
    "1.",
    " 99999999999999999999",
    "99999999999999999999",
    " 123456789012345678901.5",
    "\t5",
    "5\x0b",
    " 1e400",
    "١٢٣",
    "ｊｏｅ",
    "\u212a",
    "\u017fcript",
    "joe\\",
    "jo'e",
    'jo"e',
    "jo\0e",
    "\u00a0joe",
    "joe\u00a0",
    "jo\u200be",
    "Ⓙoe",
    "🙂",
    "a" + "\u0301",
]
EMAILS = [
    "", " ", "a@b.c", "ab@c.de", "joe@example.com", "Joe@Example.COM", "JOE@EXAMPLE.COM", "joe+tag@example.com",
    "joe@bücher.de", "joe@xn--bcher-kva.de", " joe@example.com", "joe@example.com ", "joe\n@example.com",
    "joe@example.com\n", "jo e@example.com", "joe@@example.com", "@example.com", "joe@example", "joe@.example.com",
    "joe@example..com", "joe@-example.com", "joe@example-.com", "joe@exa_mple.com", "a&b@example.com",
    "a&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&@example.com", "o'brien@example.com", "<joe>@example.com",
    "joé@example.com", "x" * 94 + "@e.com", "x" * 95 + "@e.com", "x" * 200 + "@example.com", "é@b.cd",
    "joe@localhost", "joe@127.0.0.1", "joe@[127.0.0.1]", "\"joe\"@example.com", "joe.@example.com",
    "joe@example.com.", "joe@ex\tample.com", "!#$%&'*+/=?^_`{|}~.-@example.com", "joe@EXAMPLE.com",
]  # fmt: skip
LOCALES = ["en_US", "de_DE", "de_CH_informal", "da_DK", "ca", "sr_RS", "bs_BA", "fr_FR"]


def compare_registrations(
    php: RuleEvaluator, pairs: list[tuple[str, str]], rules: RegistrationRules = OFFLINE_RULES, **options: Any
) -> int:
    requests = [{"fn": "register", "login": login, "email": email, "options": options} for login, email in pairs]
    answers = php.evaluate(requests)
    differences = []
    for (login, email), answer in zip(pairs, answers, strict=True):
        ours = our_outcome(check_registration(login, email, rules=rules, lookup=NoUsers()))
        if ours != wordpress_outcome(answer):
            differences.append((login, email, ours, wordpress_outcome(answer)))
    assert differences == []
    return len(pairs)


def test_every_pair_of_tricky_logins_and_addresses(offline_rules: RuleEvaluator) -> None:
    assert compare_registrations(offline_rules, list(itertools.product(LOGINS, EMAILS))) > 3000


def test_the_sites_language_decides_some_accents(offline_rules: RuleEvaluator) -> None:
    for locale in LOCALES:
        rules = RegistrationRules(OFFLINE_RULES.login_url, OFFLINE_RULES.admin_email, locale=locale)
        compare_registrations(offline_rules, [(login, "joe@example.com") for login in LOGINS], rules, WPLANG=locale)


def compare_functions(php: RuleEvaluator, texts: list[str], locales: list[str]) -> None:
    requests: list[dict[str, Any]] = []
    expected: list[object] = []
    for text in texts:
        for locale in locales:
            for strict in (False, True):
                requests.append({"fn": "sanitize_user", "text": text, "strict": strict, "options": {"WPLANG": locale}})
                expected.append(sanitize_user(text, strict=strict, locale=locale))
        requests.append({"fn": "validate_username", "text": text})
        expected.append(validate_username(text))
        requests.append({"fn": "is_email", "text": text})
        expected.append(text if is_email(text) else False)
        requests.append({"fn": "sanitize_email", "text": text})
        expected.append(sanitize_email(text))
    answers = php.evaluate(requests)
    assert [(r, a, e) for r, a, e in zip(requests, answers, expected, strict=True) if a != e] == []


def test_sanitizing_and_checking_functions(offline_rules: RuleEvaluator) -> None:
    compare_functions(offline_rules, LOGINS + EMAILS, LOCALES)


# Random fields, from the characters the rules care about and from anywhere.
TRICKY = " \t\n\r\x0b\x0c\0<>/&;%@.-_+eE019aAzZ'\"\\£éÄßø·!#$*=?^`{|}~[]()"
login_text = st.one_of(
    st.text(alphabet=TRICKY, max_size=12),
    st.text(max_size=8),
    st.from_regex(r"[ +-]?[0-9.e+-]{1,25} ?", fullmatch=True),
)
local_part = st.text(alphabet="abcXYZ09.+'&\n !#<é", min_size=1, max_size=10)
domain = st.lists(st.text(alphabet="abc09-_.ü ", min_size=0, max_size=6), min_size=1, max_size=4).map(".".join)
email_text = st.one_of(st.builds(lambda a, b: f"{a}@{b}", local_part, domain), st.text(alphabet=TRICKY, max_size=12))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(login_text, email_text), min_size=40, max_size=40))
def test_random_registrations(offline_rules: RuleEvaluator, pairs: list[tuple[str, str]]) -> None:
    compare_registrations(offline_rules, pairs)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(st.text(max_size=10), st.text(alphabet=TRICKY, max_size=10)), min_size=50, max_size=50),
       st.sampled_from(LOCALES))  # fmt: skip
def test_random_sanitizing(offline_rules: RuleEvaluator, texts: list[str], locale: str) -> None:
    compare_functions(offline_rules, texts, [locale])

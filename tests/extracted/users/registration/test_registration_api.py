"""The registration package's API as the users service calls it (no PHP: the behaviour is proven elsewhere)."""

from __future__ import annotations

import pytest

from extracted.users.registration import (
    Accepted,
    NoUsers,
    RegistrationRequest,
    RegistrationSettings,
    Rejected,
    answer_registration,
)

SETTINGS = RegistrationSettings.from_options(
    {"siteurl": "http://example.test", "home": "http://example.test", "blogname": "Site", "users_can_register": "1"}
)


class Taken:
    def login_exists(self, login: str) -> bool:
        return login.lower() == "taken"

    def email_exists(self, email: str) -> bool:
        return email.lower() == "taken@example.test"


def test_options_are_read_with_php_truthiness() -> None:
    options = {"siteurl": "https://example.test", "home": "https://example.test", "blog_public": "0", "WPLANG": ""}
    settings = RegistrationSettings.from_options(options)
    assert (settings.blog_public, settings.users_can_register, settings.locale) == (False, False, "en_US")
    assert settings.forces_ssl_admin


def test_an_accepted_registration_is_a_redirect_carrying_the_user() -> None:
    request = RegistrationRequest("POST", form={"user_login": "Joe", "user_email": "joe@example.test"})
    answer = answer_registration(request, SETTINGS, NoUsers())
    assert answer.status == 302 and answer.body == ""
    assert dict(answer.headers)["Location"] == "/wp-login.php?checkemail=registered"
    assert answer.accepted == Accepted("Joe", "joe@example.test", "Joe", "joe@example.test")


def test_a_refused_registration_is_the_page_with_the_errors() -> None:
    request = RegistrationRequest("POST", form={"user_login": "TAKEN", "user_email": "Taken@Example.test"})
    answer = answer_registration(request, SETTINGS, Taken())
    assert answer.status == 200 and answer.accepted is None
    assert "This username is already registered" in answer.body and "This email address is already" in answer.body


def test_only_registration_requests_are_answered() -> None:
    with pytest.raises(ValueError, match="checkemail"):
        answer_registration(RegistrationRequest(query={"action": "register", "checkemail": "1"}), SETTINGS, NoUsers())


def test_outcomes_name_their_codes() -> None:
    from extracted.users.registration import RegistrationRules, check_registration

    outcome = check_registration("", "", rules=RegistrationRules("http://x/wp-login.php", "a@x.test"), lookup=NoUsers())
    assert isinstance(outcome, Rejected) and outcome.codes == ("empty_username", "empty_email")

"""The sites the registration differential tests render for, as WordPress options and as our settings."""

from __future__ import annotations

from typing import Any

from extracted.users.registration.validation import Accepted, Outcome, RegistrationRules

#: an offline site: the options WordPress boots with (the autoload query's answer)
OFFLINE_OPTIONS: dict[str, Any] = {
    "siteurl": "http://example.test",
    "home": "http://example.test",
    "blogname": "Registration",
    "blogdescription": "Just another WordPress site",
    "users_can_register": "1",
    "admin_email": "admin@example.test",
    "template": "twentytwentythree",
    "stylesheet": "twentytwentythree",
    "blog_charset": "UTF-8",
    "html_type": "text/html",
    "permalink_structure": "/%postname%/",
    "WPLANG": "",
    "blog_public": "1",
    "db_version": "53496",
    "active_plugins": [],
    "default_role": "subscriber",
}

OFFLINE_RULES = RegistrationRules(login_url="http://example.test/wp-login.php", admin_email="admin@example.test")


def our_outcome(outcome: Outcome) -> dict[str, Any]:
    """Our outcome in the form ``php/evaluate.php`` answers a registration."""
    if isinstance(outcome, Accepted):
        return {"login": outcome.user_login, "email": outcome.user_email,
                "stored_login": outcome.stored_login, "stored_email": outcome.stored_email}  # fmt: skip
    return {"errors": [[error.code, error.message] for error in outcome.errors]}


def wordpress_outcome(answer: dict[str, Any]) -> dict[str, Any]:
    """``php/evaluate.php``'s answer to a registration, keeping what the outcome says."""
    if "user" in answer:
        user = answer["user"]
        return {"login": user["login"], "email": user["email"],
                "stored_login": user["stored"]["user_login"], "stored_email": user["stored"]["user_email"]}  # fmt: skip
    return {"errors": answer["errors"]}

"""A visit of ``wp-login.php`` as WordPress reads it: its arguments through PHP's superglobals.

WordPress adds magic quotes to every argument (``addslashes``) and undoes them only where it says so: the
posted login and address are unslashed, but ``redirect_to`` reaches the page and the redirect still
slashed, and so does the ``wp_lang`` cookie set from the query's language choice. ``$_REQUEST`` is the
query with the form's
arguments over it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from extracted.formatting.php import addslashes, php_empty
from extracted.rest.text import sanitize_text_field

_NOT_LOCALE_NAME = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class RegistrationRequest:
    """One request to ``wp-login.php``.

    ``query``/``form``/``cookies`` hold each argument as PHP reads it: for a name given more than once its
    last value; a name PHP reads as an array (``name[]``) should not be passed (WordPress treats such
    values in ways not followed here). ``request_uri`` is the request's path and query.
    A POST's ``form`` is what PHP reads from a form-encoded or multipart body (nothing otherwise).
    """

    method: str = "GET"
    query: Mapping[str, str] = field(default_factory=lambda: {"action": "register"})
    form: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    https: bool = False  # is_ssl(): the request came over https (the stack: or X-Forwarded-Proto says so)
    request_uri: str = "/wp-login.php?action=register"
    host: str | None = None  # the Host header; None: the home URL's

    @property
    def is_post(self) -> bool:
        return self.method == "POST"

    def argument(self, name: str) -> str | None:
        """``$_REQUEST[name]`` (unslashed): the form's value, else the query's."""
        return self.form[name] if name in self.form else self.query.get(name)

    @property
    def action(self) -> str:
        """The action ``wp-login.php`` performs (a registration when ``"register"``)."""
        if "key" in self.query:
            return "resetpass"
        if "checkemail" in self.query:
            return "checkemail"
        return self.argument("action") or "login"

    @property
    def is_registration(self) -> bool:
        return self.action == "register"

    def posted(self, name: str) -> str:
        """A posted field (``user_login``, ``user_email``): ``""`` unless the request is a POST giving it."""
        return self.form.get(name, "") if self.is_post else ""

    @property
    def redirect_to_field(self) -> str:
        """The registration form's hidden ``redirect_to``: ``$_REQUEST['redirect_to']`` still slashed."""
        value = self.argument("redirect_to")
        return "" if value is None or php_empty(value) else addslashes(value)

    @property
    def interim_login(self) -> bool:
        """``interim-login`` given (the login modal of the editor): a bare page, no link back to the site."""
        return self.argument("interim-login") is not None

    @property
    def chosen_language(self) -> str | None:
        """``wp_lang`` of the query, else of the cookies, as ``determine_locale`` reads it (a locale's characters)."""
        chosen = self.query.get("wp_lang")
        if chosen is None or php_empty(chosen):
            chosen = self.cookies.get("wp_lang")
            if chosen is None or php_empty(chosen):
                return None
        language = _NOT_LOCALE_NAME.sub("", chosen)
        return None if php_empty(language) else language

    @property
    def language_cookie(self) -> str | None:
        """The ``wp_lang`` cookie ``wp-login.php`` sets when the query has ``wp_lang`` (sanitized text, slashed)."""
        chosen = self.query.get("wp_lang")
        return None if chosen is None else sanitize_text_field(addslashes(chosen))

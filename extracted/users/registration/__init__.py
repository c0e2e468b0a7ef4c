"""WordPress 6.1.9's registration (``wp-login.php?action=register``) as pure functions: page, rules, answer.

    from extracted.users.registration import RegistrationRequest, RegistrationSettings, answer_registration

    settings = RegistrationSettings.from_options(options)  # siteurl, home, blogname, WPLANG, ...
    answer = answer_registration(RegistrationRequest(method="POST", form=form, ...), settings, lookup)

``answer_registration`` gives the status, WordPress's headers and the page (``page``), and for a POST
WordPress accepts the user it would create (``validation.Accepted``); ``lookup`` (a ``UserLookup``) says
whether a login or an address is taken. The pieces are usable alone: ``check_registration`` (the rules
of ``register_new_user``, with their error codes and messages), ``render_registration_page``,
``registered_location``/``disabled_location`` (the redirects). No I/O, no storing: creating the user is the
caller's. Proven against the installed WordPress by ``tests/extracted/users/registration``.
"""

from extracted.formatting.redirects import SiteUrls, sanitize_redirect, validate_redirect
from extracted.formatting.sanitize import is_email, sanitize_email, sanitize_user, stored_email, validate_username

from .answers import RegistrationAnswer, answer_registration, common_headers
from .page import PrivacyPolicyLink, RegistrationSettings, SiteIcon, bloginfo_display, render_registration_page
from .redirects import disabled_location, registered_location
from .request import RegistrationRequest
from .validation import (
    Accepted,
    NoUsers,
    Outcome,
    RegistrationError,
    RegistrationRules,
    Rejected,
    UserLookup,
    check_registration,
)

__all__ = [
    "Accepted",
    "NoUsers",
    "Outcome",
    "PrivacyPolicyLink",
    "RegistrationAnswer",
    "RegistrationError",
    "RegistrationRequest",
    "RegistrationRules",
    "RegistrationSettings",
    "Rejected",
    "SiteIcon",
    "SiteUrls",
    "UserLookup",
    "answer_registration",
    "bloginfo_display",
    "check_registration",
    "common_headers",
    "disabled_location",
    "is_email",
    "registered_location",
    "render_registration_page",
    "sanitize_email",
    "sanitize_redirect",
    "sanitize_user",
    "stored_email",
    "validate_redirect",
    "validate_username",
]

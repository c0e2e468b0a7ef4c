"""The registration page, byte for byte as WordPress 6.1.9's ``wp-login.php?action=register`` sends it.

For an anonymous visitor on a site whose registration is open: the empty form, or after a refused POST
the form with WordPress's error box, the fields as posted (unslashed once more: a backslash typed
disappears) and, for the errors that shake the form (empty or invalid fields), its shaking script.

What the bytes depend on (:class:`RegistrationSettings`): the site's and home URLs and the request's scheme
(every link, and the stylesheets' ``ver=`` from the WordPress version), the site's name (texturized and
escaped as ``bloginfo`` displays it), its language (``lang``, and the body's ``locale-…`` class), whether
search engines may index it (``robots``), its charset and HTML type, its privacy policy page and its site
icon; and from the request: ``redirect_to``, ``wp_lang`` and ``interim-login``. No translations are
installed with Debian's WordPress, so every string is English whatever the language, and never right to left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extracted.formatting.chars import convert_chars
from extracted.formatting.html import escape_attribute, escape_html, sanitize_html_class
from extracted.formatting.php import ascii_lower, php_empty, stripslashes
from extracted.formatting.redirects import SiteUrls
from extracted.formatting.texturize import wptexturize
from extracted.formatting.urls import esc_url, parse_url

from .request import RegistrationRequest
from .validation import RegistrationError, RegistrationRules

#: errors whose page shakes the form (``shake_error_codes``), decided by the first error
SHAKE_CODES = frozenset({"empty_password", "empty_email", "invalid_email", "invalidcombo", "empty_username",
                         "invalid_username", "incorrect_password", "retrieve_password_email_failure"})  # fmt: skip
STYLESHEETS = (
    ("dashicons", "/wp-includes/css/dashicons.min.css"),
    ("buttons", "/wp-includes/css/buttons.min.css"),
    ("forms", "/wp-admin/css/forms.min.css"),
    ("l10n", "/wp-admin/css/l10n.min.css"),
    ("login", "/wp-admin/css/login.min.css"),
)


@dataclass(frozen=True)
class PrivacyPolicyLink:
    """The published privacy policy page: its permalink and its title as ``get_the_title`` gives it."""

    url: str
    title: str


@dataclass(frozen=True)
class SiteIcon:
    """The site icon's URLs at the sizes the page links (``get_site_icon_url``: 32, 192, 180 and 270)."""

    url_32: str
    url_192: str
    url_180: str
    url_270: str


@dataclass(frozen=True)
class RegistrationSettings:
    """The site's settings the registration page and rules depend on (options of ``wp_options``)."""

    site_url: str  # siteurl
    home_url: str  # home
    blog_name: str = ""  # blogname, as stored
    locale: str = "en_US"  # get_locale(): WPLANG, en_US when empty
    blog_public: bool = True  # blog_public (PHP truthiness: "0" and "" are False)
    admin_email: str = ""
    users_can_register: bool = True
    blog_charset: str = "UTF-8"
    html_type: str = "text/html"
    privacy_policy: PrivacyPolicyLink | None = None
    site_icon: SiteIcon | None = None
    illegal_logins: frozenset[str] = frozenset()
    wp_version: str = "6.1.9"  # $wp_version: the stylesheets' ver=
    force_ssl_admin: bool | None = None  # FORCE_SSL_ADMIN of wp-config.php; None: WordPress's default

    @property
    def forces_ssl_admin(self) -> bool:
        """``force_ssl_admin()``: by default, whether ``siteurl`` is https (then http visits are redirected)."""
        if self.force_ssl_admin is not None:
            return self.force_ssl_admin
        parts = parse_url(self.site_url)
        return parts is not None and parts.scheme == "https"

    @classmethod
    def from_options(
        cls,
        options: Mapping[str, str],
        *,
        privacy_policy: PrivacyPolicyLink | None = None,
        site_icon: SiteIcon | None = None,
    ) -> RegistrationSettings:
        """From the option values as ``wp_options`` holds them (strings), read as WordPress reads them."""
        return cls(
            site_url=options["siteurl"],
            home_url=options["home"],
            blog_name=options.get("blogname", ""),
            locale=options.get("WPLANG") or "en_US",
            blog_public=not php_empty(options.get("blog_public", "1")),
            admin_email=options.get("admin_email", ""),
            users_can_register=not php_empty(options.get("users_can_register", "0")),
            blog_charset=options.get("blog_charset") or "UTF-8",
            html_type=options.get("html_type", "text/html"),
            privacy_policy=privacy_policy,
            site_icon=site_icon,
        )

    def urls(self, *, https: bool) -> SiteUrls:
        return SiteUrls(self.site_url, self.home_url, https, self.forces_ssl_admin)

    def rules(self, *, https: bool) -> RegistrationRules:
        return RegistrationRules(
            login_url=self.urls(https=https).login_url,
            admin_email=self.admin_email,
            locale=self.locale,
            illegal_logins=self.illegal_logins,
        )


def bloginfo_display(text: str) -> str:
    """``get_bloginfo(…, 'display')`` of a text: texturized, characters converted, HTML-escaped."""
    return escape_html(convert_chars(wptexturize(text)))


def _head(settings: RegistrationSettings, request: RegistrationRequest, urls: SiteUrls) -> str:
    language = (request.chosen_language or settings.locale).replace("_", "-")
    attributes = [f'lang="{escape_attribute(language)}"']
    if settings.html_type != "text/html":
        attributes.append(f'xml:lang="{escape_attribute(language)}"')
    robots = "max-image-preview:large, noindex, noarchive" if settings.blog_public else "noindex, nofollow, noarchive"
    styles = "".join(
        f"<link rel='stylesheet' id='{handle}-css' "
        f"href='{esc_url(urls.site_url() + path + '?ver=' + settings.wp_version)}' media='all' />\n"
        for handle, path in STYLESHEETS
    )
    interim_style = (
        '\t<style type="text/css">html{background-color: transparent;}</style>\n\t\t\t' if request.interim_login else ""
    )
    classes = ["login-action-register", "wp-core-ui"]
    if request.interim_login:
        classes.append("interim-login")
    classes.append(" locale-" + sanitize_html_class(ascii_lower(settings.locale.replace("_", "-"))))
    title = f"Registration Form &lsaquo; {bloginfo_display(settings.blog_name)} &#8212; WordPress"
    return (
        "<!DOCTYPE html>\n"
        f"\t<html {' '.join(attributes)}>\n"
        "\t<head>\n"
        f'\t<meta http-equiv="Content-Type" content="{bloginfo_display(settings.html_type)}; '
        f'charset={bloginfo_display(settings.blog_charset)}" />\n'
        f"\t<title>{title}</title>\n"
        f"\t<meta name='robots' content='{robots}' />\n"
        f"{styles}"
        "\t<meta name='referrer' content='strict-origin-when-cross-origin' />\n"
        '\t\t<meta name="viewport" content="width=device-width" />\n'
        f"\t{_site_icon(settings.site_icon)}\t{interim_style}</head>\n"
        f'\t<body class="login no-js {escape_attribute(" ".join(classes))}">\n'
        '\t<script type="text/javascript">\n'
        "\t\tdocument.body.className = document.body.className.replace('no-js','js');\n"
        "\t</script>\n"
        '\t\t<div id="login">\n'
        '\t\t<h1><a href="https://wordpress.org/">Powered by WordPress</a></h1>\n'
        '\t<p class="message register">Register For This Site</p>\n'
    )


def _site_icon(icon: SiteIcon | None) -> str:
    if icon is None:
        return ""
    tags = [
        f'<link rel="icon" href="{esc_url(icon.url_32)}" sizes="32x32" />' if icon.url_32 else "",
        f'<link rel="icon" href="{esc_url(icon.url_192)}" sizes="192x192" />' if icon.url_192 else "",
        f'<link rel="apple-touch-icon" href="{esc_url(icon.url_180)}" />' if icon.url_180 else "",
        f'<meta name="msapplication-TileImage" content="{esc_url(icon.url_270)}" />' if icon.url_270 else "",
    ]
    return "".join(f"{tag}\n" for tag in tags if tag)


def _error_box(errors: Sequence[RegistrationError]) -> str:
    if not errors:
        return ""
    return '<div id="login_error">' + "".join(f"\t{error.message}<br />\n" for error in errors) + "</div>\n"


def _form(request: RegistrationRequest, urls: SiteUrls) -> str:
    # The page shows the posted fields unslashed a second time (WordPress unslashed them once already).
    login = escape_attribute(stripslashes(request.posted("user_login")))
    email = escape_attribute(stripslashes(request.posted("user_email")))
    action = esc_url(urls.admin_site_url("wp-login.php?action=register"))
    lost_password = esc_url(urls.admin_site_url("wp-login.php?action=lostpassword"))
    return (
        f'\t\t<form name="registerform" id="registerform" action="{action}" method="post" novalidate="novalidate">\n'
        "\t\t\t<p>\n"
        '\t\t\t\t<label for="user_login">Username</label>\n'
        f'\t\t\t\t<input type="text" name="user_login" id="user_login" class="input" value="{login}" size="20" '
        'autocapitalize="off" autocomplete="username" />\n'
        "\t\t\t</p>\n"
        "\t\t\t<p>\n"
        '\t\t\t\t<label for="user_email">Email</label>\n'
        f'\t\t\t\t<input type="email" name="user_email" id="user_email" class="input" value="{email}" size="25" '
        'autocomplete="email" />\n'
        "\t\t\t</p>\n"
        '\t\t\t\t\t\t<p id="reg_passmail">\n'
        "\t\t\t\tRegistration confirmation will be emailed to you.\t\t\t</p>\n"
        '\t\t\t<br class="clear" />\n'
        f'\t\t\t<input type="hidden" name="redirect_to" value="{escape_attribute(request.redirect_to_field)}" />\n'
        '\t\t\t<p class="submit">\n'
        '\t\t\t\t<input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" '
        'value="Register" />\n'
        "\t\t\t</p>\n"
        "\t\t</form>\n"
        "\n"
        '\t\t<p id="nav">\n'
        f'\t\t\t<a href="{esc_url(urls.login_url)}">Log in</a>\n'
        f'\t\t\t | <a href="{lost_password}">Lost your password?</a>'
        "\t\t</p>\n"
    )


def _footer(settings: RegistrationSettings, request: RegistrationRequest, urls: SiteUrls, *, shake: bool) -> str:
    if request.interim_login:
        back = "\t\t\t</div>\n\t\t\t\t"
    else:
        privacy = settings.privacy_policy
        policy = ""
        if privacy is not None and privacy.url and not php_empty(privacy.title):
            policy = (
                '<div class="privacy-policy-page-link"><a class="privacy-policy-link" '
                f'href="{esc_url(privacy.url)}">{escape_html(privacy.title)}</a></div>'
            )
        back = (
            '\t\t\t\t<p id="backtoblog">\n'
            f'\t\t\t<a href="{esc_url(urls.home_url("/"))}">&larr; Go to {bloginfo_display(settings.blog_name)}</a>'
            "\t\t</p>\n"
            f"\t\t{policy}\t</div>\n\t\t\t\t\t"
        )
    shake_script = (
        "<script type=\"text/javascript\">\n\tdocument.querySelector('form').classList.add('shake');\n\t</script>\n\t\t"
        if shake
        else ""
    )
    return (
        f"{back}"
        '<script type="text/javascript">\n'
        "\t\ttry{document.getElementById('user_login').focus();}catch(e){}\n"
        "\t\tif(typeof wpOnload==='function')wpOnload();\n"
        "\t\t</script>\n"
        f"\t\t\t{shake_script}"
        '<div class="clear"></div>\n'
        "\t</body>\n"
        "\t</html>\n"
        "\t"
    )


def render_registration_page(
    settings: RegistrationSettings, request: RegistrationRequest, errors: Sequence[RegistrationError] = ()
) -> str:
    """The page WordPress answers a GET of the registration page, or a POST it refused with ``errors``."""
    urls = settings.urls(https=request.https)
    shake = bool(errors) and errors[0].code in SHAKE_CODES
    return (
        _head(settings, request, urls)
        + _error_box(errors)
        + _form(request, urls)
        + _footer(settings, request, urls, shake=shake)
    )

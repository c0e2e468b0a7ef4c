"""Dynamic blocks that need nothing but their attributes and the site's options: RSS, login/out, read more."""

from __future__ import annotations

from ..blocks import Block
from ..errors import UnsupportedContentError
from ..html import escape_attribute, escape_html
from ..phpdata import php_string, php_truthy
from ..types import SiteData, SiteOptions, SitePost
from ..urls import esc_url
from .links import login_url, post_permalink
from .wrapper import wrapper_attributes

PLACEHOLDER = '<div class="components-placeholder"><div class="notice notice-error">{}</div></div>'
RSS_LOOP = (
    "Adding an RSS feed to this site’s homepage is not supported, as it could lead to a loop that slows down your "
    "site. Try using another block, like the <strong>Latest Posts</strong> block, to list posts from the site."
)
LOGIN_FORM = (
    '<form name="loginform" id="loginform" action="{action}" method="post"><p class="login-username">\n'
    '\t\t\t\t<label for="user_login">Username or Email Address</label>\n'
    '\t\t\t\t<input type="text" name="log" id="user_login" autocomplete="username" class="input" value="" '
    'size="20" />\n'
    '\t\t\t</p><p class="login-password">\n'
    '\t\t\t\t<label for="user_pass">Password</label>\n'
    '\t\t\t\t<input type="password" name="pwd" id="user_pass" autocomplete="current-password" class="input" value="" '
    'size="20" />\n'
    '\t\t\t</p><p class="login-remember"><label><input name="rememberme" type="checkbox" id="rememberme" '
    'value="forever" /> Remember Me</label></p><p class="login-submit">\n'
    '\t\t\t\t<input type="submit" name="wp-submit" id="wp-submit" class="button button-primary" value="Log In" />\n'
    '\t\t\t\t<input type="hidden" name="redirect_to" value="{redirect}" />\n'
    "\t\t\t</p></form>"
)


def render_rss(block: Block, site: SiteOptions, data: SiteData) -> str:
    """Offline, every feed fails to download: WordPress shows the error (or refuses the site's own feed)."""
    url = php_string(block.attributes.get("feedURL", "")).rstrip("/\\")
    if url in (site.site_url, site.home_url):
        return PLACEHOLDER.format(RSS_LOOP)
    # SimplePie makes an empty URL ``http://?#``, which WordPress's HTTP API refuses before anything else.
    no_host = url.lower() in ("", "http:", "https:")
    if not no_host and data.feed_error is None:
        # What WordPress shows depends on its own network (DNS, the feed's answer) at request time.
        raise UnsupportedContentError(f"the RSS block shows the feed {url!r}, which WordPress fetches per request")
    message = escape_html("WP HTTP Error: A valid URL was not provided." if no_host else data.feed_error or "")
    return PLACEHOLDER.format(f"<strong>RSS Error:</strong> {message}")


def render_loginout(block: Block, site: SiteOptions, data: SiteData) -> str:
    """What an anonymous visitor sees: a login link, or the login form."""
    attrs = block.attributes
    classes = "logged-out"
    redirect = data.request_url if php_truthy(attrs.get("redirectToCurrent")) else ""
    contents = f'<a href="{esc_url(login_url(site, redirect))}">Log in</a>'
    if php_truthy(attrs.get("displayLoginAsForm")):
        classes += " has-login-form"
        action = esc_url(f"{site.site_url}/wp-login.php")
        contents = LOGIN_FORM.format(action=action, redirect=esc_url(data.request_url))
    return f"<div {wrapper_attributes(block, **{'class': classes})}>{contents}</div>"


def render_read_more(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = block.attributes
    justify = attrs.get("justifyContent")
    extra = {"class": f"is-justified-{php_string(justify)}"} if php_truthy(justify) else {}
    text = php_string(attrs["content"]) if php_truthy(attrs.get("content")) else "Read more"
    target = escape_attribute(php_string(attrs.get("linkTarget")))
    wrapper = wrapper_attributes(block, **extra)
    return f'<a {wrapper} href="{post_permalink(site, data, post)}" target="{target}">{text}</a>'

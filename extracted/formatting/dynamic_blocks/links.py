"""URLs WordPress builds for a site without pretty permalinks (the ``permalink_structure`` option empty)."""

from __future__ import annotations

from urllib.parse import quote

from ..types import SiteOptions


def permalink(site: SiteOptions, post_id: int, post_type: str = "post") -> str:
    """``get_permalink``: ``/?p=N`` for posts, ``/?page_id=N`` for pages."""
    query = "page_id" if post_type == "page" else "p"
    return f"{site.home_url}/?{query}={post_id}"


def login_url(site: SiteOptions, redirect: str = "") -> str:
    """``wp_login_url($redirect)`` (URL-encoded as ``urlencode`` does)."""
    url = f"{site.site_url}/wp-login.php"
    return f"{url}?redirect_to={quote(redirect, safe='').replace('%20', '+')}" if redirect else url

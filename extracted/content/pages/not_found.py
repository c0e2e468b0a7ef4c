"""Whether WordPress answers a path with its 404 page, decided from the read model as WordPress decides it.

Served: ``/<slug>/`` (or ``/<slug>``), one lowercase slug of ``[a-z0-9-]``, without a query string,
when

* the first of the site's rewrite rules (the ``rewrite_rules`` option, in order, matched as
  ``WP::parse_request`` matches them) that matches it is the pages' rule (``pagename=$matches[1]``),
  and the permalink structure does not make WordPress try pages first (verbose page rules);
* no page or attachment has that slug, whatever its status (``get_page_by_path``);
* no published post, page or attachment's slug starts with it (``redirect_guess_404_permalink``
  would redirect there);
* it is none of the paths WordPress redirects to the admin or the login (``wp_redirect_admin_locations``),
  nor a name under WordPress's document root (``wp-*``: its files and directories).

Anything else is for WordPress (a reason is given, and the request declined).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import Connection, func, or_, select

from extracted.formatting import UnserializeError, php_unserialize

from ..render_inputs import options
from ..schema import posts

__all__ = ["not_found_reason"]

SLUG_PATH = re.compile(r"/([a-z0-9-]+)/?")
#: wp_redirect_admin_locations: these 404s redirect to wp-admin/ or wp-login.php
ADMIN_LOCATIONS = frozenset({"admin", "dashboard", "login"})
PAGES_RULE_QUERY = "index.php?pagename=$matches[1]"
#: WP_Rewrite::init: such structures put the page rules first and go on when no page is found
VERBOSE_PAGE_RULES = re.compile(r"^[^%]*%(?:postname|category|tag|author)%")


@lru_cache(maxsize=8)
def _rules(serialized: str) -> tuple[tuple[re.Pattern[str], str], ...] | None:
    try:
        value = php_unserialize(serialized)
    except UnserializeError:
        return None
    if not isinstance(value, dict):
        return None
    try:
        return tuple((re.compile("^" + str(match)), str(query)) for match, query in value.items())
    except re.error:  # a pattern Python reads otherwise than PCRE: not decided here
        return None


def _first_rule(serialized: str, requested: str) -> str | None:
    rules = _rules(serialized)
    if rules is None:
        return None
    for pattern, query in rules:
        if pattern.search(requested):
            return query
    return ""


def not_found_reason(connection: Connection, path: str, query: str) -> str | None:
    """None when WordPress answers ``path`` (raw, ``query`` its query string) with its 404 page;
    else why the service leaves it to WordPress."""
    match = SLUG_PATH.fullmatch(path)
    if query or match is None:
        return "a path other than /<slug>/ without a query"
    slug = match[1]
    if slug in ADMIN_LOCATIONS or slug.startswith("wp-"):
        return "a path WordPress redirects or serves from its files"
    values = options(connection, ["rewrite_rules", "permalink_structure"])
    if VERBOSE_PAGE_RULES.match(values.get("permalink_structure", "")):
        return "a permalink structure with verbose page rules"
    rule = _first_rule(values.get("rewrite_rules", ""), slug)
    if rule is None or not rule.startswith(PAGES_RULE_QUERY):
        return "a path the site's rewrite rules send elsewhere than to a page"
    page = select(posts.c.id).where(posts.c.type.in_(("page", "attachment")), func.lower(posts.c.slug) == slug)
    guessed = select(posts.c.id).where(
        posts.c.status == "publish",
        posts.c.type.in_(("post", "page", "attachment")),
        or_(func.lower(posts.c.slug) == slug, func.lower(posts.c.slug).startswith(slug, autoescape=True)),
    )
    if connection.execute(page.limit(1)).first() or connection.execute(guessed.limit(1)).first():
        return "a page of that slug, or a post WordPress would redirect to"
    return None

"""URLs WordPress builds for the site's posts, pages, terms, authors and date archives.

Plain (``permalink_structure`` empty: ``?p=N``, ``?page_id=N``, ``?cat=N``, ``?m=YYYYMM``...) or pretty, as
``WP_Rewrite`` builds them from the structure: its ``front`` (what precedes the first tag), ``root``
(``index.php/`` for PATHINFO structures), the category and tag bases, and ``user_trailingslashit`` (a slash
at the end when the structure ends with one).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ..types import SiteData, SiteOptions, SitePost, SiteTerm

POST_TAGS = re.compile(r"%(year|monthnum|day|hour|minute|second|postname|post_id|category|author|pagename)%")
ANY_TAG = re.compile(r"%.+?%")
DATE_ENDIANS = ("%year%/%monthnum%/%day%", "%day%/%monthnum%/%year%", "%monthnum%/%day%/%year%")
UNPUBLISHED = frozenset({"draft", "pending", "auto-draft", "future"})


def _structure(site: SiteOptions) -> str:
    return site.permalink_structure


def _front(site: SiteOptions) -> str:
    structure = _structure(site)
    return structure[: structure.index("%")] if "%" in structure else ""


def _root(site: SiteOptions) -> str:
    return "index.php/" if re.match(r"^/*index\.php", _structure(site)) else ""


def _trailing(site: SiteOptions, path: str) -> str:
    """``user_trailingslashit``."""
    return path.rstrip("/") + "/" if _structure(site).endswith("/") else path.rstrip("/")


def _home(site: SiteOptions, path: str) -> str:
    """``home_url($path)``."""
    return f"{site.home_url}/{path.lstrip('/')}"


def add_query_arg(url: str, name: str, value: str) -> str:
    """``add_query_arg`` for a URL without that argument yet."""
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


def _ancestors(items: dict[int, int], item_id: int) -> list[int]:
    """Parents, nearest first (stopping at a loop, as ``get_post_ancestors``/``get_ancestors`` do)."""
    found: list[int] = []
    parent = items.get(item_id, 0)
    while parent and parent != item_id and parent not in found:
        found.append(parent)
        parent = items.get(parent, 0)
    return found


def _category_path(site: SiteOptions, data: SiteData, post: SitePost) -> str:
    """``%category%``: the post's category of lowest id (else the default category), under its parents."""
    categories = {t.id: t for t in data.terms if t.taxonomy == "category"}
    own = sorted(term_id for term_id in post.terms if term_id in categories)
    term = categories.get(own[0] if own else site.default_category)
    if term is None:
        return ""
    parents = {t.id: t.parent for t in categories.values()}
    slugs = [categories[a].slug for a in reversed(_ancestors(parents, term.id)) if a in categories]
    return "/".join([*slugs, term.slug])


def post_permalink(site: SiteOptions, data: SiteData, post: SitePost) -> str:
    """``get_permalink`` of a post or page."""
    if post.post_type == "page":
        return _page_link(site, data, post)
    if not _structure(site) or post.status in UNPUBLISHED:
        return f"{site.home_url}/?p={post.id}"
    date = post.date
    author = next((u.nicename for u in data.users if u.id == post.author), "")
    parts = {
        "year": date[0:4], "monthnum": date[5:7], "day": date[8:10],
        "hour": date[11:13], "minute": date[14:16], "second": date[17:19],
        "postname": post.name, "post_id": str(post.id), "author": author, "pagename": post.name,
    }  # fmt: skip

    def replace(match: re.Match[str]) -> str:
        tag = match.group(1)
        return _category_path(site, data, post) if tag == "category" else parts[tag]

    return _trailing(site, _home(site, POST_TAGS.sub(replace, _structure(site))))


def _page_link(site: SiteOptions, data: SiteData, page: SitePost) -> str:
    if site.show_on_front == "page" and site.page_on_front == page.id:
        return site.home_url + "/"
    if not _structure(site) or page.status in UNPUBLISHED:
        return f"{site.home_url}/?page_id={page.id}"
    # ``get_page_uri``: the slugs of the page's ancestors (any status) and its own.
    parents: dict[int, int] = {page.id: page.parent}
    names: dict[int, str] = {}
    parent = page.parent
    while parent and parent not in parents:
        found = data.any_post(parent)
        parents[parent] = found.parent if found else 0
        names[parent] = found.name if found else ""
        parent = parents[parent]
    slugs = [names[a] for a in reversed(_ancestors(parents, page.id)) if names.get(a)]
    uri = "/".join([*slugs, page.name])
    return _home(site, _trailing(site, _root(site) + uri))


def permalink(site: SiteOptions, data: SiteData, post_id: int, post_type: str = "post") -> str:
    """``get_permalink`` of a post by id (plain when the site does not have it)."""
    if post_type == "page" and site.show_on_front == "page" and site.page_on_front == post_id:
        return site.home_url + "/"
    post = (data.post(post_id) or data.any_post(post_id)) if _structure(site) else None
    if post is None:
        query = "page_id" if post_type == "page" else "p"
        return f"{site.home_url}/?{query}={post_id}"
    return post_permalink(site, data, post)


def term_link(site: SiteOptions, data: SiteData, term: SiteTerm) -> str:
    """``get_term_link`` of a category or tag."""
    if not _structure(site):
        if term.taxonomy == "category":
            return f"{site.home_url}/?cat={term.id}"
        query = "tag" if term.taxonomy == "post_tag" else term.taxonomy
        return f"{site.home_url}/?{query}={term.slug}"
    if term.taxonomy == "category":
        base = f"{_root(site)}{site.category_base}" if site.category_base else f"{_front(site)}category"
        same = {t.id: t for t in data.terms if t.taxonomy == "category"}
        parents = {t.id: t.parent for t in same.values()}
        slugs = [same[a].slug for a in reversed(_ancestors(parents, term.id)) if a in same]
        path = "/".join([*slugs, term.slug])
    else:
        base = f"{_root(site)}{site.tag_base}" if site.tag_base else f"{_front(site)}tag"
        path = term.slug
    return _home(site, _trailing(site, f"{base}/{path}"))


def author_url(site: SiteOptions, data: SiteData, user_id: int) -> str:
    """``get_author_posts_url``."""
    if not _structure(site):
        return f"{site.home_url}/?author={user_id}"
    nicename = next((u.nicename for u in data.users if u.id == user_id), "")
    return _home(site, _trailing(site, f"{_front(site)}author/{nicename}"))


def _date_structure(site: SiteOptions) -> str:
    """``WP_Rewrite::get_date_permastruct``."""
    structure = _structure(site)
    endian = next((e for e in DATE_ENDIANS if e in structure), DATE_ENDIANS[0])
    front = _front(site)
    if "%post_id%" in ANY_TAG.findall(structure)[:3]:
        front += "date/"  # the date tags and %post_id% must not overlap
    return front + endian


def _date_link(site: SiteOptions, year: int, month: int = 0, day: int = 0) -> str:
    if not _structure(site):
        plain = f"{year}" + (f"{month:02d}" if month else "") + (f"{day:02d}" if day else "")
        return f"{site.home_url}/?m={plain}"
    path = _date_structure(site).replace("%year%", str(year))
    path = path.replace("%monthnum%", f"{month:02d}" if month else "")
    path = re.sub("/+", "/", path.replace("%day%", f"{day:02d}" if day else ""))
    return _home(site, _trailing(site, path))


def year_link(site: SiteOptions, year: int) -> str:
    return _date_link(site, year)


def month_link(site: SiteOptions, year: int, month: int) -> str:
    return _date_link(site, year, month)


def day_link(site: SiteOptions, year: int, month: int, day: int) -> str:
    return _date_link(site, year, month, day)


def login_url(site: SiteOptions, redirect: str = "") -> str:
    """``wp_login_url($redirect)`` (URL-encoded as ``urlencode`` does)."""
    url = f"{site.site_url}/wp-login.php"
    return f"{url}?redirect_to={quote(redirect, safe='').replace('%20', '+')}" if redirect else url

"""URLs as WordPress builds them from the site's options: ``rest_url`` and the permalinks of posts, pages,
terms and authors (pretty or plain, from ``permalink_structure``). Pure.

One model for every service: the REST root, the ``Link`` headers and every ``link`` field follow the
same few options (``home``, ``permalink_structure``, the bases), and the users service needs author
links as the content service needs post and term links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: statuses ``wp_force_plain_post_permalink`` leaves pretty for a visitor: viewable, or protected (WordPress 6.1)
PRETTY_LINK_STATUSES = frozenset({"publish", "future", "draft", "pending"})
POST_TAGS = re.compile(r"%(year|monthnum|day|hour|minute|second|postname|post_id|category|author|pagename)%")


@dataclass(frozen=True)
class Site:
    """The options that shape URLs (and a few other outputs)."""

    home: str = "http://localhost"
    permalink_structure: str = ""
    category_base: str = ""
    tag_base: str = ""
    show_on_front: str = "posts"
    page_on_front: int = 0
    page_for_posts: int = 0

    @property
    def home_url(self) -> str:
        return self.home.rstrip("/")

    @property
    def pretty(self) -> bool:
        return bool(self.permalink_structure)

    def trailing(self, path: str) -> str:
        """``user_trailingslashit``: a slash at the end when the permalink structure ends with one."""
        path = path.rstrip("/")
        return path + "/" if self.permalink_structure.endswith("/") else path

    def rest_url(self, route: str) -> str:
        """``rest_url($route)``."""
        route = "/" + route.lstrip("/")
        if self.pretty:
            return f"{self.home_url}/wp-json{route}"
        # get_rest_url() adds index.php for plain permalinks (an nginx workaround whose test never holds).
        return f"{self.home_url}/index.php?rest_route={route}"

    def post_link(self, post: Mapping[str, object], category_path: str, author_nicename: str) -> str:
        """``get_permalink`` of a post (``id``, ``date``, ``slug``, ``status``)."""
        post_id = int(str(post["id"]))
        if not self.pretty or str(post.get("status", "publish")) not in PRETTY_LINK_STATUSES:
            return f"{self.home_url}/?p={post_id}"
        date = str(post["date"] or "0000-00-00T00:00:00")
        parts = {
            "year": date[0:4], "monthnum": date[5:7], "day": date[8:10],
            "hour": date[11:13], "minute": date[14:16], "second": date[17:19],
            "postname": str(post["slug"]), "post_id": str(post_id), "category": category_path,
            "author": author_nicename, "pagename": str(post["slug"]),
        }  # fmt: skip
        return self.home_url + POST_TAGS.sub(lambda m: parts[m.group(1)], self.permalink_structure)

    def page_link(self, page_id: int, uri: str, status: str = "publish") -> str:
        """``get_page_link``; a status WordPress does not link prettily (``inherit``) gets ``?page_id=``."""
        if self.show_on_front == "page" and self.page_on_front == page_id:
            return self.home_url + "/"
        if not self.pretty or status not in PRETTY_LINK_STATUSES:
            return f"{self.home_url}/?page_id={page_id}"
        return f"{self.home_url}/{self.trailing(uri)}"

    def term_link(self, taxonomy: str, term_id: int, slug_path: str, slug: str) -> str:
        """``get_term_link`` of a category (``slug_path``: its ancestors' slugs too) or a tag."""
        if not self.pretty:
            return f"{self.home_url}/?cat={term_id}" if taxonomy == "category" else f"{self.home_url}/?tag={slug}"
        if taxonomy == "category":
            base = (self.category_base or "category").strip("/")
            return f"{self.home_url}/{self.trailing(base + '/' + slug_path)}"
        base = (self.tag_base or "tag").strip("/")
        return f"{self.home_url}/{self.trailing(base + '/' + slug)}"

    def author_link(self, user_id: int, nicename: str) -> str:
        """``get_author_posts_url``."""
        if not self.pretty:
            return f"{self.home_url}/?author={user_id}"
        return f"{self.home_url}/{self.trailing('author/' + nicename)}"

"""Every post of a site as a feed item, WordPress's against the service's, one by one.

The service declines a whole feed when one of its items cannot be rendered exactly; to measure how far
the items themselves match, WordPress lists every post in one feed (``posts_per_rss`` raised for the
request, then restored) and the service's renderer (``feed_items``) renders the same posts in the same
order from the content service's store, item by item, going on after an item it declines. A declined
item leaves WordPress's request-wide counters (``wp-container-N``, ``gallery-N``, duotone ids) ahead of ours, so after
the first one an item that differs only in those counters still counts as equal.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import Engine, select

from extracted.content import schema
from extracted.content.feed_items import FeedRendering, render_items
from extracted.content.feed_xml import rss2_item
from extracted.content.post_view import load_batch
from extracted.content.render_inputs import RenderInputs
from extracted.content.sitemaps import load_sitemap_site
from extracted.rest import ServiceUnavailableError
from tests.cdc.harness import query

ITEM = re.compile(r"\t<item>\n.*?\t\t\t</item>\n\t", re.DOTALL)
COUNTERS = re.compile(r"(wp-container-|gallery-|wp-duotone-(?:[0-9a-f]{6}-)*)\d+")


@dataclass
class ItemReport:
    counts: Counter[str] = field(default_factory=Counter)
    declined: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # post, WordPress's, ours

    def summary(self) -> str:
        total = sum(self.counts.values())
        return f"{self.counts['equal']}/{total} items equal, {self.counts['declined']} declined ({dict(self.declined)})"


def wordpress_items(components: dict[str, Any], wordpress: httpx.Client, count: int) -> list[str]:
    """The items of WordPress's ``/feed/`` listing ``count`` posts (the option is restored after)."""
    statement = "UPDATE wp_options SET option_value = %s WHERE option_name = 'posts_per_rss'"
    before = query(components, "SELECT option_value FROM wp_options WHERE option_name = 'posts_per_rss'")[0][0]
    query(components, statement, (str(count),))
    try:
        answer = wordpress.get("/feed/", timeout=300)
        answer.raise_for_status()
    finally:
        query(components, statement, (before,))
    return ITEM.findall(answer.text)


def compare_items(engine: Engine, theirs: list[str]) -> ItemReport:
    report = ItemReport()
    posts = schema.posts
    listed = (posts.c.type == "post") & (posts.c.status == "publish")
    with engine.connect() as connection:
        sitemap = load_sitemap_site(connection)
        ids = list(connection.execute(
            select(posts.c.id).where(listed).order_by(posts.c.date.desc(), posts.c.id.desc()).limit(len(theirs))
        ).scalars())  # fmt: skip
        batch = load_batch(connection, sitemap.site, ids)
        now = datetime.now(sitemap.site.tz).strftime("%Y-%m-%d %H:%M:%S")
        feed = FeedRendering(connection, sitemap.site, sitemap.siteurl, now, RenderInputs.load(connection))
        for post_id, their in zip(ids, theirs, strict=True):
            try:
                ours = rss2_item(render_items(feed, batch, [post_id], excerpt_only=False)[0], excerpt_only=False)
            except ServiceUnavailableError as error:
                report.counts["declined"] += 1
                report.declined[str(error).partition(": ")[2][:60]] += 1
                continue
            skipped = report.counts["declined"] > 0
            if ours == their or (skipped and COUNTERS.sub(r"\1N", ours) == COUNTERS.sub(r"\1N", their)):
                report.counts["equal"] += 1
            else:
                report.counts["different"] += 1
                report.failures.append((post_id, their, ours))
    return report

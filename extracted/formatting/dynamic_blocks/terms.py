"""The site's terms as the term blocks list them: counted over published posts, linked, and the tag cloud.

A term's count is the number of published posts that have it (as WordPress keeps it for categories and
tags). Terms with the same count are ordered by id, so the cloud's cut at ``number`` is deterministic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from ..blocks import Block
from ..html import escape_attribute, escape_html
from ..phpdata import php_int, php_string, php_truthy
from ..safecss import safecss_filter_attr
from ..types import SiteData, SiteOptions, SitePost, SiteTerm
from ..urls import esc_url
from .links import term_link
from .wrapper import wrapper_attributes

FONT_UNIT = re.compile(r"^[0-9.]+(?P<unit>[a-z%]+)$", re.IGNORECASE)
LEADING_FLOAT = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
NATURAL_PIECES = re.compile(r"(\d+)")
WHITESPACE = re.compile(r"\s+")
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
TAXONOMY_NAMES = {"post_tag": "tags", "category": "categories"}


def term_counts(data: SiteData) -> Counter[int]:
    """Each term's count: the stored one, else its published posts."""
    counts = Counter(term for post in data.posts if post.post_type == "post" for term in set(post.terms))
    counts.update({t.id: t.count - counts[t.id] for t in data.terms if t.count is not None})
    return counts


def term_descendants(terms: list[SiteTerm], term_id: int) -> list[int]:
    """``get_term_children``: the ids of every term under a term (``terms``: its taxonomy's)."""
    children: dict[int, list[int]] = {}
    for term in terms:
        if term.parent:
            children.setdefault(term.parent, []).append(term.id)
    found, pending = [], list(children.get(term_id, []))
    while pending:
        child = pending.pop(0)
        if child not in found and child != term_id:
            found.append(child)
            pending += children.get(child, [])
    return found


def php_float(number: float) -> str:
    """A float as PHP's string conversion writes it (``precision`` 14)."""
    return f"{number:.14G}"


def _floatval(value: Any) -> float:
    match = LEADING_FLOAT.match(php_string(value))
    return float(match.group()) if match else 0.0


def _natural(name: str) -> list[Any]:
    """A key of ``strnatcasecmp`` order: numbers by value, letters without case, whitespace skipped."""
    squeezed = WHITESPACE.sub("", name)
    return [int(piece) if piece.isdigit() else piece.lower() for piece in NATURAL_PIECES.split(squeezed)]


def tag_cloud(data: SiteData, site: SiteOptions, attrs: dict[str, Any]) -> str:
    """``wp_tag_cloud``: the most used terms, sized by use, in natural order of their names."""
    counts = term_counts(data)
    same = [t for t in data.terms if t.taxonomy == attrs["taxonomy"]]
    # A category without posts stays when one under it has some (``get_terms`` of a hierarchical taxonomy).
    terms = [
        t
        for t in same
        if counts[t.id] > 0 or (t.taxonomy == "category" and any(counts[d] for d in term_descendants(same, t.id)))
    ]
    terms.sort(key=lambda t: (-counts[t.id], t.id))
    number = php_int(attrs["numberOfTags"])
    if number > 0:
        terms = terms[:number]
    if not terms:
        return ""
    terms.sort(key=lambda t: _natural(t.name))
    smallest, largest = _floatval(attrs["smallestFontSize"]), _floatval(attrs["largestFontSize"])
    unit_match = FONT_UNIT.match(php_string(attrs["smallestFontSize"]))
    unit = unit_match.group("unit") if unit_match else "pt"
    scaled = {t.id: round(math.log10(counts[t.id] + 1) * 100) for t in terms}
    low = min(scaled.values())
    spread = max(scaled.values()) - low or 1
    font_spread = largest - smallest if largest >= smallest else 1
    step = font_spread / spread
    links = []
    for position, term in enumerate(terms, start=1):
        count = counts[term.id]
        items = f"{count} item" if count == 1 else f"{count} items"
        size = php_float(smallest + (scaled[term.id] - low) * step).replace(",", ".") + unit
        shown_count = f'<span class="tag-link-count"> ({count})</span>' if php_truthy(attrs["showTagCounts"]) else ""
        links.append(
            f'<a href="{esc_url(term_link(site, data, term))}" class="tag-cloud-link tag-link-{term.id} '
            f'tag-link-position-{position}" style="font-size: {escape_attribute(size)};" '
            f'aria-label="{escape_attribute(term.name)} ({items})">{escape_html(term.name)}{shown_count}</a>'
        )
    return "\n".join(links)


def render_tag_cloud(block: Block, site: SiteOptions, data: SiteData) -> str:
    attrs = block.attributes
    cloud = tag_cloud(data, site, attrs)
    if not cloud:
        name = TAXONOMY_NAMES.get(php_string(attrs["taxonomy"]), "tags")
        cloud = escape_html(
            f"Your site doesn&#8217;t have any {name}, so there&#8217;s nothing to display here at the moment."
        )
    return f"<p {wrapper_attributes(block)}>{cloud}</p>"


def post_terms(data: SiteData, post: SitePost, taxonomy: str) -> list[SiteTerm]:
    """``get_the_terms``: the post's terms of a taxonomy, by name."""
    terms = [t for t in data.terms if t.taxonomy == taxonomy and t.id in post.terms]
    return sorted(terms, key=lambda t: (t.name.lower(), t.id))


def render_post_terms(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = block.attributes
    taxonomy = attrs.get("term")
    if not isinstance(taxonomy, str) or taxonomy not in ("category", "post_tag"):
        return ""
    terms = post_terms(data, post, taxonomy)
    if not terms:
        return ""
    classes = f"taxonomy-{taxonomy}"
    if "textAlign" in attrs:
        classes += f" has-text-align-{php_string(attrs['textAlign'])}"
    separator = php_string(attrs["separator"]) if php_truthy(attrs.get("separator")) else " "
    # The wrapper goes through ``wp_kses_post`` with the prefix: its inline style is filtered.
    wrapper = STYLE_ATTRIBUTE.sub(
        lambda m: f'style="{safecss_filter_attr(m.group(1))}"',
        wrapper_attributes(block, **{"class": classes}),
    )
    html = f"<div {wrapper}>"
    if php_truthy(attrs.get("prefix")):
        html += f'<span class="wp-block-post-terms__prefix">{php_string(attrs["prefix"])}</span>'
    links = [f'<a href="{esc_url(term_link(site, data, t))}" rel="tag">{t.name}</a>' for t in terms]
    html += f'<span class="wp-block-post-terms__separator">{escape_html(separator)}</span>'.join(links)
    if php_truthy(attrs.get("suffix")):
        html += f'<span class="wp-block-post-terms__suffix">{php_string(attrs["suffix"])}</span>'
    return html + "</div>"

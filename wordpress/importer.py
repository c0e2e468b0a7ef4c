"""Import a :class:`~wordpress.wxr.WxrExport` into the running WordPress through its own PHP API.

The PHP side (``php/import.php``) does the writing and decides, as WordPress's importer does, what it
imports and what it skips; this module orders the data (parent terms before children, posts in
batches so a progress bar can follow), sends a last request for the parents and featured images that
came after their posts, and adds up what WordPress reports.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from wordpress.php_scripts import PhpRunner, run_php_script
from wordpress.wxr import WxrExport, WxrPost, WxrTerm

__all__ = ["BATCH_SIZE", "ImportReport", "SkippedItem", "import_export"]

BATCH_SIZE = 40
SUMMARY_REASONS = 20

Advance = Callable[[int], None]


class SkippedItem(NamedTuple):
    """Something not imported as the file has it: ``kind`` is post, comment, term or author."""

    kind: str
    identifier: str
    reason: str


@dataclass
class ImportReport:
    authors: int = 0
    terms: int = 0
    posts: Counter[str] = field(default_factory=Counter)
    comments: int = 0
    skipped: int = 0  # posts already present: imported before, or repeated in the export
    errors: list[str] = field(default_factory=list)  # what WordPress refused to insert
    id_map: dict[int, int] = field(default_factory=dict)
    # Every post, comment, term or author skipped or changed on the way in, with the reason.
    skipped_items: list[SkippedItem] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what the file needed before it parsed

    def skipped_of(self, kind: str) -> list[SkippedItem]:
        return [item for item in self.skipped_items if item.kind == kind]

    def summary(self) -> str:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.posts.items())) or "no posts"
        text = (
            f"imported {kinds}; {self.terms} terms, {self.authors} authors, {self.comments} comments"
            f"{f'; {self.skipped} already present' if self.skipped else ''}"
        )
        if self.repairs:
            text += "\nread after repairing the XML: " + "; ".join(self.repairs)
        if self.skipped_items:
            by_reason = Counter((item.kind, _reason_class(item.reason)) for item in self.skipped_items)
            text += f"\n{len(self.skipped_items)} skipped or adjusted:\n  " + "\n  ".join(
                f"{count} × {kind}: {reason}" for (kind, reason), count in by_reason.most_common()
            )
            text += "\nfirst of them:\n  " + "\n  ".join(
                f"{_label(item)}: {item.reason}" for item in self.skipped_items[:SUMMARY_REASONS]
            )
        if self.errors:
            text += f"\n{len(self.errors)} errors:\n  " + "\n  ".join(self.errors[:SUMMARY_REASONS])
        return text

    def add(self, answer: dict[str, Any]) -> None:
        """Add up one answer of ``import.php``."""
        self.authors += answer["authors"]
        self.terms += answer["terms"]
        self.posts.update(answer["posts"] or {})
        self.comments += answer["comments"]
        self.skipped += answer["skipped"]
        self.errors += answer["errors"]
        self.id_map = {int(old): int(new) for old, new in answer["id_map"].items()}
        seen = set(self.skipped_items)
        for kind, identifier, reason in answer["skipped_items"]:
            item = SkippedItem(kind, identifier, reason)
            if item not in seen:  # a term refused for one post is refused for the next batch's too
                seen.add(item)
                self.skipped_items.append(item)


def _label(item: SkippedItem) -> str:
    # A post's identifier starts with its post type ("page 334 \"Empty Page\""), which says it all.
    return item.identifier if item.kind == "post" else f"{item.kind} {item.identifier}"


def _reason_class(reason: str) -> str:
    """The reason without what is particular to the item, to count alike reasons together."""
    return re.sub(r"\b\d+\b", "N", reason)


def _parents_first(terms: tuple[WxrTerm, ...]) -> list[WxrTerm]:
    """Order terms so every parent precedes its children (WXR files do not promise it)."""
    by_key = {(term.taxonomy, term.slug): term for term in terms}
    ordered: list[WxrTerm] = []
    placed: set[tuple[str, str]] = set()

    def place(term: WxrTerm, trail: frozenset[tuple[str, str]]) -> None:
        key = (term.taxonomy, term.slug)
        if key in placed or key in trail:
            return
        parent = by_key.get((term.taxonomy, term.parent_slug))
        if parent is not None:
            place(parent, trail | {key})
        placed.add(key)
        ordered.append(term)

    for term in terms:
        place(term, frozenset())
    return ordered


def _parents_first_posts(posts: tuple[WxrPost, ...]) -> list[WxrPost]:
    """Posts without a parent first, so most parents resolve at insert time (and page slugs are made
    unique among their siblings). Items repeating a post id keep their order in the file, because the
    first of them is the one imported, as in WordPress's importer."""
    first_has_parent: dict[int, bool] = {}
    for post in posts:
        first_has_parent.setdefault(post.post_id, post.parent != 0)
    return sorted(posts, key=lambda post: first_has_parent[post.post_id])


def _term_payload(term: WxrTerm) -> dict[str, Any]:
    return {**asdict(term), "meta": [list(pair) for pair in term.meta]}


def _post_payload(post: WxrPost, logins_by_id: dict[int, str]) -> dict[str, Any]:
    payload = asdict(post)
    payload["meta"] = [list(pair) for pair in post.meta]
    payload["comments"] = [
        {
            **asdict(comment),
            "meta": [list(pair) for pair in comment.meta],
            "user_login": logins_by_id.get(comment.user_id, ""),
        }
        for comment in sorted(post.comments, key=lambda comment: comment.comment_id)
    ]
    return payload


def _batches(posts: list[WxrPost], size: int) -> Iterator[list[WxrPost]]:
    for start in range(0, len(posts), size):
        yield posts[start : start + size]


def import_export(
    export: WxrExport,
    base_request: dict[str, Any],
    *,
    advance: Advance = lambda done: None,
    batch_size: int = BATCH_SIZE,
    runner: PhpRunner | None = None,
) -> ImportReport:
    """Write ``export`` into WordPress. ``base_request`` holds docroot, public_url and admin_user;
    ``runner`` says where WordPress's PHP runs (this machine's by default)."""
    report = ImportReport(repairs=list(export.repairs))
    logins_by_id = {author.author_id: author.login for author in export.authors if author.author_id is not None}
    posts = _parents_first_posts(export.posts)
    author_ids: dict[str, int] = {}
    pending_links: list[list[Any]] = []
    pending_thumbnails: list[list[Any]] = []
    first = True
    for batch in _batches(posts, batch_size) if posts else iter([[]]):
        request = {
            **base_request,
            "authors": [asdict(author) for author in export.authors] if first else [],
            "author_ids": author_ids,
            "terms": [_term_payload(term) for term in _parents_first(export.terms)] if first else [],
            "posts": [_post_payload(post, logins_by_id) for post in batch],
            "id_map": {str(old): new for old, new in report.id_map.items()},
        }
        answer = run_php_script("import.php", request, runner=runner)
        report.add(answer)
        author_ids = dict(answer["author_ids"])
        pending_links += answer["pending_links"]
        pending_thumbnails += answer["pending_thumbnails"]
        advance(len(batch))
        first = False
    if pending_links or pending_thumbnails:
        request = {
            **base_request,
            "author_ids": author_ids,
            "id_map": {str(old): new for old, new in report.id_map.items()},
            "links": pending_links,
            "thumbnails": pending_thumbnails,
        }
        report.add(run_php_script("import.php", request, runner=runner))
    return report

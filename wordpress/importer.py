"""Import a :class:`~wordpress.wxr.WxrExport` into the running WordPress through its own PHP API.

The PHP side (``php/import.php``) does the writing; this module orders the data (parent terms before
children, posts in batches so a progress bar can follow) and adds up what WordPress reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from wordpress.php_scripts import run_php_script
from wordpress.wxr import WxrExport, WxrPost, WxrTerm

BATCH_SIZE = 40

Advance = Callable[[int], None]


@dataclass
class ImportReport:
    authors: int = 0
    terms: int = 0
    posts: Counter[str] = field(default_factory=Counter)
    comments: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    id_map: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.posts.items())) or "no posts"
        text = (
            f"imported {kinds}; {self.terms} terms, {self.authors} authors, {self.comments} comments"
            f"{f'; {self.skipped} already present' if self.skipped else ''}"
        )
        if self.errors:
            text += f"; {len(self.errors)} errors:\n  " + "\n  ".join(self.errors[:20])
        return text


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
) -> ImportReport:
    """Write ``export`` into WordPress. ``base_request`` holds docroot, public_url and admin_user."""
    report = ImportReport()
    logins_by_id = {author.author_id: author.login for author in export.authors if author.author_id is not None}
    authors = [asdict(author) for author in export.authors]
    # Parents before children where the file says so, so most parents resolve at insert time.
    posts = sorted(export.posts, key=lambda post: post.parent != 0)
    first = True
    for batch in _batches(posts, batch_size) if posts else iter([[]]):
        request = {
            **base_request,
            "authors": authors if first else [],
            "known_authors": [author.login for author in export.authors],
            "terms": [asdict(term) for term in _parents_first(export.terms)] if first else [],
            "posts": [_post_payload(post, logins_by_id) for post in batch],
            "id_map": {str(old): new for old, new in report.id_map.items()},
        }
        answer = run_php_script("import.php", request)
        report.authors += answer["authors"]
        report.terms += answer["terms"]
        report.posts.update(answer["posts"] or {})
        report.comments += answer["comments"]
        report.skipped += answer["skipped"]
        report.errors += answer["errors"]
        report.id_map = {int(old): int(new) for old, new in answer["id_map"].items()}
        advance(len(batch))
        first = False
    return report

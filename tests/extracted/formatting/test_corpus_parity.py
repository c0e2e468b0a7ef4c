"""Every post, page and comment of the shared WXR corpus renders as WordPress renders it.

Content is rendered with the corpus's own site (its published posts, terms, users, comments, navigation
menus, featured images and options) as site data, given to both renderers. Every post must be equal. Posts
with a dynamic block the library does not render yet (``DATA_BLOCKS`` outside
``dynamic_blocks.RENDERED_BLOCKS``, e.g. the site logo) are listed: they are equal only because the harness
does not give WordPress the data of those blocks either, so both render them empty.
"""

from __future__ import annotations

import dataclasses

import pytest
from formatting_corpus import CORPUS, context, exports, site_data
from formatting_harness import SITE, Differential

from extracted.formatting.blocks import data_blocks_in
from extracted.formatting.dynamic_blocks import RENDERED_BLOCKS

pytestmark = pytest.mark.php

# The posts with blocks showing avatars are rendered a second time by a site that shows avatars.
AVATARS = dataclasses.replace(SITE, show_avatars=True)
AVATAR_BLOCKS = ("wp:avatar", "wp:post-author", "wp:latest-comments", "wp:comment-template")


def _report(
    chain: str, mismatches: list[tuple[str, str, str]], total: int, pending: list[str], unproven: list[str]
) -> str:
    lines = [f"{chain}: {total - len(mismatches)}/{total} equal"]
    if unproven:
        lines.append(
            f"of the equal, {len(unproven)} have dynamic blocks not rendered yet (equal because WordPress, "
            "without their data in the harness, renders them as the library does):"
        )
        lines += unproven
    if pending:
        lines.append(f"of the mismatches, {len(pending)} have dynamic blocks not rendered yet:")
        lines += pending
    for name, python, php in mismatches[:40]:
        at = next((i for i, (a, b) in enumerate(zip(python, php, strict=False)) if a != b), min(len(python), len(php)))
        lines += [
            f"--- {name} at {at}",
            f"python: {python[max(0, at - 60) : at + 100]!r}",
            f"php:    {php[max(0, at - 60) : at + 100]!r}",
        ]
    return "\n".join(lines)


def _unrendered(content: str) -> set[str]:
    return data_blocks_in(content) - RENDERED_BLOCKS


@pytest.mark.parametrize("chain", ["content", "content with avatars", "title", "excerpt", "comment"])
def test_corpus_renders_as_wordpress(differential: Differential, chain: str) -> None:
    mismatches: list[tuple[str, str, str]] = []
    pending: list[str] = []
    unproven: list[str] = []
    total = 0
    loaded = exports()
    if not loaded:
        pytest.skip(f"the shared WXR corpus is absent ({CORPUS})")
    for export in loaded:
        data = site_data(export)
        for post in export.of_type("post", "page"):
            post_context = context(post, export)
            pairs: list[tuple[str, tuple[str, str]]] = []
            if chain == "content":
                pairs.append((f"{post.post_id} content", differential.content(post.content, post_context, data=data)))
            elif chain == "content with avatars":
                if any(name in post.content for name in AVATAR_BLOCKS):
                    rendered = differential.content(post.content, post_context, AVATARS, data)
                    pairs.append((f"{post.post_id} content with avatars", rendered))
            elif chain == "title":
                pairs.append((f"{post.post_id} title", differential.title(post.title)))
            elif chain == "excerpt":
                pairs.append((f"{post.post_id} excerpt", differential.excerpt(post.excerpt, post_context)))
            else:
                pairs += [(f"comment {c.comment_id}", differential.comment(c.content)) for c in post.comments]
            unrendered = _unrendered(post.content) if chain.startswith("content") else set()
            for name, (python, php) in pairs:
                total += 1
                listed = f"  {post.post_id}: {', '.join(sorted(unrendered))}"
                if python == php:
                    unproven += [listed] if unrendered else []
                    continue
                mismatches.append((name, python, php))
                pending += [listed] if unrendered else []
    report = _report(chain, mismatches, total, pending, unproven)
    print(report)
    assert not mismatches, report

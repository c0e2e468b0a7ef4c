"""Every post, page and comment of the shared WXR corpus renders as WordPress renders it.

Content with dynamic blocks rendered from site data (``DATA_BLOCKS``: latest posts, archives, comments,
navigation...) is counted but not compared: offline, WordPress renders them from an empty database, and
the library renders them only through renderers its caller provides.
"""

from __future__ import annotations

import pytest
from formatting_corpus import CORPUS, context, exports
from formatting_harness import Differential

from extracted.formatting.blocks import data_blocks_in

pytestmark = pytest.mark.php


def _report(chain: str, mismatches: list[tuple[str, str, str]], total: int, skipped: list[str]) -> str:
    lines = [f"{chain}: {total - len(mismatches)}/{total} equal; not compared (data blocks): {len(skipped)}"]
    lines += skipped
    for name, python, php in mismatches[:40]:
        at = next((i for i, (a, b) in enumerate(zip(python, php, strict=False)) if a != b), min(len(python), len(php)))
        lines += [
            f"--- {name} at {at}",
            f"python: {python[max(0, at - 60) : at + 100]!r}",
            f"php:    {php[max(0, at - 60) : at + 100]!r}",
        ]
    return "\n".join(lines)


@pytest.mark.parametrize("chain", ["content", "title", "excerpt", "comment"])
def test_corpus_renders_as_wordpress(differential: Differential, chain: str) -> None:
    mismatches: list[tuple[str, str, str]] = []
    skipped: list[str] = []
    total = 0
    loaded = exports()
    if not loaded:
        pytest.skip(f"the shared WXR corpus is absent ({CORPUS})")
    for export in loaded:
        for post in export.of_type("post", "page"):
            post_context = context(post, export)
            pairs: list[tuple[str, tuple[str, str]]] = []
            if chain == "content" and data_blocks_in(post.content):
                skipped.append(f"  {post.post_id}: {', '.join(sorted(data_blocks_in(post.content)))}")
            elif chain == "content":
                pairs.append((f"{post.post_id} content", differential.content(post.content, post_context)))
            elif chain == "title":
                pairs.append((f"{post.post_id} title", differential.title(post.title)))
            elif chain == "excerpt":
                pairs.append((f"{post.post_id} excerpt", differential.excerpt(post.excerpt, post_context)))
            else:
                pairs += [(f"comment {c.comment_id}", differential.comment(c.content)) for c in post.comments]
            for name, (python, php) in pairs:
                total += 1
                if python != php:
                    mismatches.append((name, python, php))
    print(_report(chain, mismatches, total, skipped))
    assert not mismatches, _report(chain, mismatches, total, skipped)

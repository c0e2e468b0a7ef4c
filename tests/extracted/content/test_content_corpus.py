"""Parity on WordPress's theme unit test corpus, on a private stack (the import is not undone, so it
does not touch the shared one): a generated request matrix against WordPress.

Every post and page is asked for alone (rendering: dynamic blocks, media), besides the generated
queries; posts with featured images also with ``_embed=wp:featuredmedia``. Rendered HTML
(``content.rendered``, ``excerpt.rendered``) comes from ``extracted.formatting``; a request that differs
only there is counted apart as a rendering gap, and so is one the service declines (503 with
``X-Strangler-Unavailable``: the proxy serves WordPress's answer); everything else must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from content_matrix import gather, request_matrix
from content_parity import compare, visitor_clients
from content_process import admin_client, content_service, hidden_ids

from tests.stack_fixture import StackHandle, native_stack
from wordpress.importer import import_export
from wordpress.wxr import read_wxr

pytestmark = [pytest.mark.stack, pytest.mark.slow]
THEME_UNIT_TEST = "themeunittestdata.wordpress.xml"


@pytest.fixture(scope="module")
def corpus_stack(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    source = corpus / THEME_UNIT_TEST
    if not source.exists():
        pytest.skip(f"{source} is absent")
    stacks = native_stack(tmp_path_factory.mktemp("corpus-home"))
    handle = next(stacks)
    try:
        assert handle.stack is not None
        report = import_export(read_wxr(source), handle.stack.wordpress.php_request(admin_user="admin"))
        assert not report.errors, report.errors[:5]
        yield handle
    finally:
        stacks.close()


def test_theme_unit_test_corpus_parity(corpus_stack: StackHandle, tmp_path: Path) -> None:
    components = corpus_stack.components
    with content_service(components, tmp_path / "content.db") as service, admin_client(components) as admin:
        wordpress_url = components["wordpress"]["url"]
        matrix = request_matrix(gather(wordpress_url, hidden_ids(admin)), seed=7, extra=16, per_param=1, singles=999)
        wp, sv = visitor_clients(components, service)
        with wp, sv:
            report = compare(wp, sv, matrix, rest_route=[paths[0] for paths in matrix.values()])
    print(f"\ncorpus parity: {report.summary()}")
    for path, problem in report.rendering_failures[:10]:
        print(f"  rendering gap {path}: {problem[:400]}")
    for path, reason in report.fallback_reasons[:10]:
        print(f"  falls back to WordPress {path}: {reason[:200]}")
    for path, problem in report.failures[:20]:
        print(f"  {path}: {problem}")
    assert report.all_equal, report.failures[:5]

"""Fixtures of the registration differential tests: the offline WordPress and its rule evaluator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from registration_harness import OfflineWordPress, RuleEvaluator, php_unavailable
from registration_sites import OFFLINE_OPTIONS


@pytest.fixture(scope="session")
def offline_wordpress() -> Iterator[OfflineWordPress]:
    reason = php_unavailable()
    if reason is not None:
        pytest.skip(f"the registration differential needs php-cli and WordPress: {reason}")
    with OfflineWordPress() as wordpress:
        yield wordpress


@pytest.fixture(scope="session")
def offline_rules(offline_wordpress: OfflineWordPress) -> Iterator[RuleEvaluator]:
    with RuleEvaluator(offline_wordpress.docroot, boot_options=OFFLINE_OPTIONS) as evaluator:
        yield evaluator

"""Fixtures of the formatting differential harness: PHP processes with WordPress loaded, and differentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from formatting_harness import WORDPRESS_OPTIONS, Differential

from wordpress.phpeval import PhpFormatter, php_available


@pytest.fixture(scope="session")
def php() -> Iterator[PhpFormatter]:
    reason = php_available()
    if reason is not None:
        pytest.skip(f"the PHP differential harness needs php-cli and WordPress: {reason}")
    with PhpFormatter(WORDPRESS_OPTIONS) as formatter:
        yield formatter


@pytest.fixture(scope="session")
def differential(php: PhpFormatter) -> Differential:
    return Differential(php)


@pytest.fixture(scope="session")
def shared_php() -> Iterator[PhpFormatter]:
    """A PHP process of its own for shared-state renders (its counters must match one RenderState)."""
    reason = php_available()
    if reason is not None:
        pytest.skip(f"the PHP differential harness needs php-cli and WordPress: {reason}")
    with PhpFormatter(WORDPRESS_OPTIONS) as formatter:
        yield formatter


@pytest.fixture(scope="session")
def shared_differential(shared_php: PhpFormatter) -> Differential:
    return Differential(shared_php, isolated=False)

"""Fixtures of the site-emails differential: WordPress's PHP sending its own notices, offline."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from wordpress_notices import WordPressNotices

from wordpress.phpeval import php_available


@pytest.fixture(scope="session")
def wordpress_notices() -> Iterator[WordPressNotices]:
    reason = php_available()
    if reason is not None:
        pytest.skip(f"the site-emails differential needs php-cli and WordPress: {reason}")
    with WordPressNotices() as wordpress:
        yield wordpress

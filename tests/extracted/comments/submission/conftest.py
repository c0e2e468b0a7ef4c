"""Fixtures of the comment submission differential: the installed WordPress, offline, behind ``php -S``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from comment_submission_harness import OfflineCommentsWordPress

from tests.extracted.users.registration.registration_harness import php_unavailable


@pytest.fixture(scope="session")
def offline_comments() -> Iterator[OfflineCommentsWordPress]:
    reason = php_unavailable()
    if reason is not None:
        pytest.skip(f"the comment submission differential needs php-cli and WordPress: {reason}")
    with OfflineCommentsWordPress() as wordpress:
        yield wordpress

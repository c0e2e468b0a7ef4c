from __future__ import annotations

import pytest

from cli.stack import MissingPackagesError, packages
from cli.stack.packages import REQUIREMENTS, Requirement, ensure_packages, missing_packages


def test_everything_the_issue_lists_is_required() -> None:
    names = {requirement.package for requirement in REQUIREMENTS}
    for package in ("mariadb-server", "php-fpm", "php-mysql", "php-xml", "php-mbstring", "php-gd", "php-intl"):
        assert package in names
    assert {"php-curl", "wordpress", "nginx", "default-jre-headless", "maven"} <= names


def test_without_root_the_exact_command_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packages.os, "geteuid", lambda: 1000)
    missing = (Requirement("php-imaginary", "/nonexistent/php-imaginary"),)
    assert missing_packages(missing) == ["php-imaginary"]
    with pytest.raises(MissingPackagesError) as raised:
        ensure_packages(missing)
    message = str(raised.value)
    assert "php-imaginary" in message
    assert "apt-get update && apt-get install -y --no-install-recommends php-imaginary" in message


def test_nothing_missing_installs_nothing() -> None:
    assert ensure_packages((Requirement("coreutils", "/bin/ls"),)) == []

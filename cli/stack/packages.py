"""The Debian packages the native stack needs, installed with apt-get when we are root."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cli.stack.errors import MissingPackagesError


@dataclass(frozen=True)
class Requirement:
    package: str
    provides: str  # a file whose presence shows the package is installed


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("mariadb-server", "/usr/sbin/mariadbd"),
    Requirement("mariadb-client", "/usr/bin/mariadb"),
    Requirement("php-fpm", "/usr/sbin/php-fpm8.2"),
    Requirement("php-cli", "/usr/bin/php"),
    Requirement("php-mysql", "/etc/php/8.2/mods-available/mysqli.ini"),
    Requirement("php-xml", "/etc/php/8.2/mods-available/xml.ini"),
    Requirement("php-mbstring", "/etc/php/8.2/mods-available/mbstring.ini"),
    Requirement("php-gd", "/etc/php/8.2/mods-available/gd.ini"),
    Requirement("php-intl", "/etc/php/8.2/mods-available/intl.ini"),
    Requirement("php-curl", "/etc/php/8.2/mods-available/curl.ini"),
    Requirement("wordpress", "/usr/share/wordpress/wp-settings.php"),
    Requirement("wordpress-theme-twentytwentythree", "/usr/share/wordpress/wp-content/themes/twentytwentythree"),
    Requirement("nginx", "/usr/sbin/nginx"),
    Requirement("default-jre-headless", "/usr/bin/java"),
    Requirement("maven", "/usr/bin/mvn"),
    # the dashboard's browser test (headless, driven by selenium)
    Requirement("chromium", "/usr/bin/chromium"),
    Requirement("chromium-driver", "/usr/bin/chromedriver"),
    # the proxy's shared comparison store for replicas (tests/postgres_fixture.py starts a private server)
    Requirement("postgresql", "/usr/lib/postgresql/15/bin/initdb"),
)


def missing_packages(requirements: tuple[Requirement, ...] = REQUIREMENTS) -> list[str]:
    return [requirement.package for requirement in requirements if not Path(requirement.provides).exists()]


def install_command(packages: list[str]) -> str:
    return "apt-get update && apt-get install -y --no-install-recommends " + " ".join(packages)


def ensure_packages(requirements: tuple[Requirement, ...] = REQUIREMENTS) -> list[str]:
    """Install what is missing (root) or raise naming the exact command to run. Returns what was installed."""
    missing = missing_packages(requirements)
    if not missing:
        return []
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise MissingPackagesError(
            "missing system packages: "
            + ", ".join(missing)
            + f"\ninstall them with: sudo sh -c '{install_command(missing)}'"
        )
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Packages must never start their system services (we run our own instances): policy-rc.d says no.
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = not policy.exists()
    if created_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        for command in (
            ["apt-get", "update", "-q"],
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
        ):
            result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise MissingPackagesError(
                    f"`{' '.join(command)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
                )
    finally:
        if created_policy:
            policy.unlink(missing_ok=True)
    still_missing = missing_packages(requirements)
    if still_missing:
        raise MissingPackagesError("apt-get did not provide: " + ", ".join(still_missing))
    return missing

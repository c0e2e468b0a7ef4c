"""Stock WordPress from Debian's package, served by nginx and PHP-FPM (with opcache).

WordPress's files stay untouched: a document root of symlinks to /usr/share/wordpress holds our
own wp-config.php, and PHP-FPM prepends a file that points ABSPATH there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from cli.stack.component import Component
from cli.stack.templates import render
from wordpress.php_scripts import PhpRunner, run_php_script

WORDPRESS_FILES = Path("/usr/share/wordpress")
CONFIG_DIR = Path(__file__).resolve().parents[2] / "wordpress" / "config"
PERMALINKS = "/%year%/%monthnum%/%day%/%postname%/"
#: entries of the package's tree we replace with our own
OWN_ENTRIES = {"wp-config.php", "wp-content", ".htaccess"}


class WordPress(Component):
    name = "wordpress"
    port_names = ("wordpress",)

    def process_names(self) -> tuple[str, ...]:
        return ("php-fpm", "nginx")

    @property
    def root(self) -> Path:
        return self.settings.home / "wordpress"

    @property
    def docroot(self) -> Path:
        return self.root / "docroot"

    @property
    def php_socket(self) -> Path:
        return self.settings.home / "run" / "php-fpm.sock"

    def _build_docroot(self) -> None:
        self.docroot.mkdir(parents=True, exist_ok=True)
        for entry in WORDPRESS_FILES.iterdir():
            if entry.name in OWN_ENTRIES:
                continue
            link = self.docroot / entry.name
            if not link.is_symlink():
                link.symlink_to(entry)
        content = self.root / "wp-content"
        (content / "uploads").mkdir(parents=True, exist_ok=True)
        for shared in ("themes", "plugins"):
            link = content / shared
            if not link.is_symlink():
                link.symlink_to(WORDPRESS_FILES / "wp-content" / shared)
        content_link = self.docroot / "wp-content"
        if not content_link.is_symlink():
            content_link.symlink_to(content)

    def _write_configs(self) -> None:
        settings = self.settings
        run_dir = settings.home / "run"
        log_dir = settings.home / "logs"
        root_user = os.geteuid() == 0
        render(
            CONFIG_DIR / "wp-config.php.tmpl",
            self.docroot / "wp-config.php",
            db_name=settings.database,
            db_user=settings.wordpress_db_user,
            db_password=settings.secrets.wordpress_db_password,
            db_host=f"{settings.host}:{settings.ports['mariadb']}",
            salt=settings.secrets.wordpress_salt,
            public_url=settings.public_url,
            content_dir=self.root / "wp-content",
        )
        prepend = render(CONFIG_DIR / "prepend.php.tmpl", self.root / "prepend.php", docroot=self.docroot)
        render(
            CONFIG_DIR / "php-fpm.conf.tmpl",
            settings.home / "config" / "php-fpm.conf",
            run_dir=run_dir,
            log_dir=log_dir,
            user_lines="user = root\ngroup = root" if root_user else "",
            socket=self.php_socket,
            children=int(os.environ.get("STRANGLER_PHP_WORKERS", "4")),
            prepend=prepend,
        )
        render(
            CONFIG_DIR / "nginx.conf.tmpl",
            settings.home / "config" / "nginx.conf",
            user_line="user root;" if root_user else "",
            run_dir=run_dir,
            log_dir=log_dir,
            php_socket=self.php_socket,
            host=settings.host,
            port=settings.ports["wordpress"],
            docroot=self.docroot,
        )

    def launch(self) -> None:
        self._build_docroot()
        self._write_configs()
        config = self.settings.home / "config"
        if not self.processes.is_running("php-fpm"):
            self.php_socket.unlink(missing_ok=True)
            php_fpm = ["/usr/sbin/php-fpm8.2", "--nodaemonize", "--fpm-config", str(config / "php-fpm.conf")]
            if os.geteuid() == 0:
                php_fpm.append("--allow-to-run-as-root")
            self.processes.start("php-fpm", php_fpm)
        if not self.processes.is_running("nginx"):
            self.processes.start("nginx", ["/usr/sbin/nginx", "-c", str(config / "nginx.conf"), "-e", "stderr"])

    def php_request(self, **fields: Any) -> dict[str, Any]:
        """The fields every PHP script needs to load this WordPress, plus ``fields``."""
        external = self.settings.external
        docroot = external.docroot if external else str(self.docroot)
        return {"docroot": docroot, "public_url": self.settings.public_url, **fields}

    @property
    def php_runner(self) -> PhpRunner:
        """Where this WordPress's PHP runs: this machine's, or the container's of an attached stack."""
        external = self.settings.external
        return PhpRunner(tuple(external.php), external.php_scripts) if external else PhpRunner()

    def after_ready(self) -> None:
        settings = self.settings
        answer = run_php_script(
            "install.php",
            self.php_request(
                title=settings.site_title,
                admin_user=settings.admin_user,
                admin_email=settings.admin_email,
                admin_password=settings.secrets.wordpress_admin_password,
                permalink_structure=PERMALINKS,
                app_password_known=bool(settings.secrets.wordpress_app_password),
            ),
            runner=self.php_runner,
        )
        if "app_password" in answer:
            settings.secrets.wordpress_app_password = answer["app_password"]
            settings.save()

    def is_ready(self) -> bool:
        if self.settings.external is None and not self.php_socket.exists():
            return False
        try:
            # Any answer from PHP (even "not installed yet") shows nginx and PHP-FPM serve.
            response = httpx.get(f"{self.settings.wordpress_url}/wp-login.php", timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code < 500

    def rest_ready(self) -> bool:
        try:
            response = httpx.get(f"{self.settings.wordpress_url}/wp-json/", timeout=5.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def describe(self) -> dict[str, Any]:
        settings = self.settings
        return {
            "url": settings.wordpress_url,
            "admin_user": settings.admin_user,
            "admin_password": settings.secrets.wordpress_admin_password,
            "app_password": settings.secrets.wordpress_app_password,
            "docroot": str(self.docroot),
            "version": _installed_version(),
        }


def _installed_version() -> str:
    try:
        text = (WORDPRESS_FILES / "wp-includes" / "version.php").read_text()
    except OSError:
        return "unknown"
    marker = "$wp_version = '"
    start = text.find(marker)
    return text[start + len(marker) : text.index("'", start + len(marker))] if start >= 0 else "unknown"

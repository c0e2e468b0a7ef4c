"""MariaDB from Debian's package, on its own datadir, with the row binlog CDC reads."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pymysql

from cli.stack.component import Component
from cli.stack.errors import ComponentFailedError
from cli.stack.templates import render

CONFIG_TEMPLATE = Path(__file__).resolve().parents[2] / "wordpress" / "config" / "my.cnf.tmpl"

#: what change-data-capture needs, and nothing more
CDC_GRANTS = "SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR"


class MariaDB(Component):
    name = "mariadb"
    port_names = ("mariadb",)

    @property
    def datadir(self) -> Path:
        return self.settings.home / "mariadb" / "data"

    @property
    def socket(self) -> Path:
        return self.settings.home / "run" / "mariadb.sock"

    @property
    def config_file(self) -> Path:
        return self.settings.home / "config" / "my.cnf"

    def launch(self) -> None:
        settings = self.settings
        binlog_dir = settings.home / "mariadb" / "binlog"
        binlog_dir.mkdir(parents=True, exist_ok=True)
        render(
            CONFIG_TEMPLATE,
            self.config_file,
            user_line="user = root" if os.geteuid() == 0 else "",
            datadir=self.datadir,
            socket=self.socket,
            pid_file=settings.home / "run" / "mariadb.pid",
            port=settings.ports["mariadb"],
            host=settings.host,
            binlog_dir=binlog_dir,
        )
        if not (self.datadir / "mysql").exists():
            self._initialise_datadir()
        self.processes.start(self.name, ["/usr/sbin/mariadbd", f"--defaults-file={self.config_file}"])

    def _initialise_datadir(self) -> None:
        self.datadir.mkdir(parents=True, exist_ok=True)
        command = [
            "mariadb-install-db",
            f"--defaults-file={self.config_file}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ComponentFailedError(
                f"mariadb: `{' '.join(command)}` failed:\n{result.stdout[-1500:]}{result.stderr[-1500:]}"
            )

    def connect_as_root(self, database: str | None = None) -> pymysql.Connection[Any]:
        """Over the socket first (a fresh datadir's root has no password yet), then over TCP."""
        password = self.settings.secrets.mariadb_root_password
        if self.settings.external is not None:  # another tool's server: no socket here
            return pymysql.connect(
                host=self.settings.host,
                port=self.settings.ports["mariadb"],
                user="root",
                password=password,
                database=database,
                autocommit=True,
            )
        try:
            return pymysql.connect(
                unix_socket=str(self.socket), user="root", password=password, database=database, autocommit=True
            )
        except pymysql.err.OperationalError:
            return pymysql.connect(unix_socket=str(self.socket), user="root", database=database, autocommit=True)

    def is_ready(self) -> bool:
        try:
            connection = pymysql.connect(
                host=self.settings.host,
                port=self.settings.ports["mariadb"],
                user="root",
                password=self.settings.secrets.mariadb_root_password,
                connect_timeout=1,
            )
        except pymysql.err.OperationalError as error:
            # 1045 (access denied) before after_ready set the password still proves the server answers.
            return bool(error.args and error.args[0] == 1045 and self.socket.exists())
        with connection:
            connection.ping()
        return True

    def after_ready(self) -> None:
        settings = self.settings
        secrets = settings.secrets
        with self.connect_as_root() as connection, connection.cursor() as cursor:
            root, wordpress, cdc = (
                connection.escape(secret)
                for secret in (secrets.mariadb_root_password, secrets.wordpress_db_password, secrets.cdc_password)
            )
            statements = [
                f"CREATE DATABASE IF NOT EXISTS `{settings.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            ]
            for host in ("localhost", "%"):
                wp_user = f"'{settings.wordpress_db_user}'@'{host}'"
                cdc_user = f"'{settings.cdc_user}'@'{host}'"
                statements += [
                    f"CREATE USER IF NOT EXISTS 'root'@'{host}' IDENTIFIED BY {root}",
                    f"ALTER USER 'root'@'{host}' IDENTIFIED BY {root}",
                    f"GRANT ALL PRIVILEGES ON *.* TO 'root'@'{host}' WITH GRANT OPTION",
                    f"CREATE USER IF NOT EXISTS {wp_user} IDENTIFIED BY {wordpress}",
                    f"GRANT ALL PRIVILEGES ON `{settings.database}`.* TO {wp_user}",
                    f"CREATE USER IF NOT EXISTS {cdc_user} IDENTIFIED BY {cdc}",
                    f"GRANT {CDC_GRANTS} ON *.* TO {cdc_user}",
                ]
            # mariadb-install-db also makes password-less root@127.0.0.1, root@::1, root@<hostname> and
            # anonymous users; over TCP they would shadow ours ('%'), so only localhost and '%' remain.
            cursor.execute(
                "SELECT User, Host FROM mysql.user"
                " WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '%'))"
            )
            statements += [f"DROP USER '{user}'@'{host}'" for user, host in cursor.fetchall()]
            for statement in statements:
                cursor.execute(statement)

    def describe(self) -> dict[str, Any]:
        settings = self.settings
        return {
            "host": settings.host,
            "port": settings.ports["mariadb"],
            "socket": str(self.socket),
            "database": settings.database,
            "root_user": "root",
            "root_password": settings.secrets.mariadb_root_password,
            "wp_user": settings.wordpress_db_user,
            "wp_password": settings.secrets.wordpress_db_password,
            "cdc_user": settings.cdc_user,
            "cdc_password": settings.secrets.cdc_password,
        }

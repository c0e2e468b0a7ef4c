"""The legacy system a service syncs WordPress through: its database and SMTP server, from ``--settings``.

The file is JSON (the stack writes it for every extracted service, readable by its owner only)::

    {"wordpress_database": {"host": "127.0.0.1", "port": 3306, "user": "wordpress",
                            "password": "...", "database": "wordpress", "table_prefix": "wp_"},
     "smtp": {"host": "127.0.0.1", "port": 25},
     "wordpress_salts": {"auth": "..."}}

``wordpress_database`` is where a service that became the system of record of a write (users'
registrations, visitors' comments) syncs it into WordPress (WordPress's own database user: it writes
what WordPress writes); without it such a service declines the write (503 ``X-Strangler-Unavailable``,
and the proxy lets WordPress take it). ``smtp`` (optional, or ``null``) is where mail goes; without it
no mail is sent (logged and counted). ``wordpress_salts.auth`` is WordPress's ``wp_salt('auth')``
(the links of held comments are signed with it). :func:`connect_mariadb` opens that database (autocommit off);
:data:`UNREACHABLE` are the errors that mean "MariaDB is not there now" (a sync retries them).
Everything is checked at start: a missing field, a wrong type or an impossible port stops the service
with exit status 2 and the field's name.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.exc import SQLAlchemyError

from .types import ConfigurationError

__all__ = ["UNREACHABLE", "Connect", "LegacyDatabase", "SmtpServer", "SyncSettings", "SyncWorker", "connect_mariadb",
           "load_settings", "parse_settings"]  # fmt: skip

log = logging.getLogger(__name__)

_PREFIX = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class LegacyDatabase:
    host: str
    port: int
    user: str
    password: str
    database: str
    table_prefix: str = "wp_"

    def __repr__(self) -> str:  # never the password, in logs or tracebacks
        return f"LegacyDatabase({self.user}@{self.host}:{self.port}/{self.database}, prefix={self.table_prefix!r})"


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    timeout_s: float = 10.0


@dataclass(frozen=True)
class SyncSettings:
    database: LegacyDatabase | None = None
    smtp: SmtpServer | None = None
    #: WordPress's ``wp_salt('auth')`` (``AUTH_KEY . AUTH_SALT`` of its wp-config.php): the key of
    #: ``wp_hash``, which signs a held comment's ``moderation-hash`` link; "" when not given
    auth_salt: str = field(default="", repr=False)

    @property
    def table_prefix(self) -> str:
        return self.database.table_prefix if self.database else "wp_"


def _field(mapping: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    if key not in mapping:
        if default is ...:
            raise ConfigurationError(f"{where}.{key}: missing")
        return default
    value = mapping[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise ConfigurationError(f"{where}.{key}: must be {names}, not {type(value).__name__}")
    return value


def _port(mapping: dict[str, Any], where: str) -> int:
    port: int = _field(mapping, "port", where, int)
    if not 0 < port < 65536:
        raise ConfigurationError(f"{where}.port: {port} is not a TCP port")
    return port


def _mapping(document: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigurationError(f"{key}: must be an object or null, not {type(value).__name__}")
    return value


def parse_settings(document: object) -> SyncSettings:
    if not isinstance(document, dict):
        raise ConfigurationError("the settings must be a JSON object")
    database = smtp = None
    if (raw := _mapping(document, "wordpress_database")) is not None:
        where = "wordpress_database"
        prefix = _field(raw, "table_prefix", where, str, "wp_")
        if not _PREFIX.match(prefix):
            raise ConfigurationError(f"{where}.table_prefix: {prefix!r} is not a table prefix WordPress accepts")
        database = LegacyDatabase(
            host=_field(raw, "host", where, str),
            port=_port(raw, where),
            user=_field(raw, "user", where, str),
            password=_field(raw, "password", where, str),
            database=_field(raw, "database", where, str),
            table_prefix=prefix,
        )
    if (raw := _mapping(document, "smtp")) is not None:
        timeout = _field(raw, "timeout_s", "smtp", (int, float), 10.0)
        smtp = SmtpServer(host=_field(raw, "host", "smtp", str), port=_port(raw, "smtp"), timeout_s=float(timeout))
    salts = _mapping(document, "wordpress_salts") or {}
    auth = _field(salts, "auth", "wordpress_salts", str, "")
    return SyncSettings(database=database, smtp=smtp, auth_salt=auth)


def load_settings(path: str) -> SyncSettings:
    """The settings in ``path``; "" means none (no legacy database: the service declines what it would sync)."""
    if not path:
        return SyncSettings()
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"cannot read the settings file {path}: {error}") from error
    try:
        return parse_settings(document)
    except ConfigurationError as error:
        raise ConfigurationError(f"{path}: {error}") from error


#: the errors that mean "MariaDB is not there now": retried
UNREACHABLE = (pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError)

Connect = Callable[[], AbstractContextManager[Any]]


def connect_mariadb(database: LegacyDatabase) -> Connect:
    def connect() -> AbstractContextManager[Any]:
        return pymysql.connect(
            host=database.host, port=database.port, user=database.user, password=database.password,
            database=database.database, charset="utf8mb4", autocommit=False,
            connect_timeout=5, read_timeout=15, write_timeout=15,
        )  # fmt: skip

    return connect


class SyncWorker:
    """The loop of a legacy sync worker (``legacy_sync``): rounds of :meth:`sync_pending` until stopped.

    A round runs when :meth:`wake` is called (a write was recorded) or every ``idle_s``; a round that
    raises one of :attr:`retried` (MariaDB unreachable, a busy store…) makes the worker ``failing``
    and is retried with a doubling backoff from ``retry_initial_s`` to ``retry_max_s``; the next good
    round clears it. Subclasses write the round and their health.
    """

    name = "legacy_sync"
    retried: tuple[type[BaseException], ...] = (*UNREACHABLE, SQLAlchemyError)

    def __init__(self, *, idle_s: float = 2.0, retry_initial_s: float = 0.2, retry_max_s: float = 30.0) -> None:
        self.idle_s, self.retry_initial_s, self.retry_max_s = idle_s, retry_initial_s, retry_max_s
        self.failing, self.last_error = False, ""
        self._wake = threading.Event()
        self._lock = threading.Lock()

    def wake(self) -> None:
        self._wake.set()

    def sync_pending(self) -> int:
        raise NotImplementedError

    def state_counts(self, engine: Engine, table: Table) -> dict[str, int] | None:
        """How many rows of ``table`` (a ledger of things to sync, with a ``state`` column) are in each
        state; None while the store cannot say (busy or gone: the consumer's health says which)."""
        try:
            with engine.connect() as connection:
                found = connection.execute(select(table.c.state, func.count()).group_by(table.c.state)).all()
        except SQLAlchemyError:
            return None
        return {str(state): int(count) for state, count in found}

    def run(self, stop: threading.Event) -> None:
        delay = self.retry_initial_s
        while not stop.is_set():
            try:
                self.sync_pending()
                with self._lock:
                    self.failing = False
                delay = self.retry_initial_s
                self._wake.wait(self.idle_s)
                self._wake.clear()
            except self.retried as error:
                log.warning("%s: %s; retrying in %.1f s", self.name, error, delay)
                with self._lock:
                    self.failing, self.last_error = True, f"{type(error).__name__}: {error}"
                stop.wait(delay)
                delay = min(delay * 2, self.retry_max_s)

"""The comparison store on PostgreSQL (psycopg 3): several proxy replicas share one.

Schema and queries are `proxy.store`'s. What differs is what concurrent replicas need, which one
SQLite file gets from its single writer lock:

* creation in one transaction under an advisory lock (PostgreSQL's DDL is transactional): replicas
  starting together neither collide on a CREATE nor see half a schema;
* counters and noise fields upserted (``INSERT ... ON CONFLICT``) in sorted key order: update-then-
  insert loses a race on a new route, and differing lock orders would deadlock;
* the retention bound applied by whichever replica takes a try-lock; the others skip it for that
  batch instead of queueing behind it on the same rows;
* text PostgreSQL cannot hold made storable: NUL characters (bodies decoded with replacement may
  carry them) become U+FFFD, strings longer than their VARCHAR are clipped (SQLite keeps them whole).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import SQLAlchemyError

from proxy.errors import StoreError
from proxy.metrics import RouteTraffic
from proxy.store import ComparisonStore, add_new_columns, comparisons, metadata, noise_fields, traffic

__all__ = ["PostgresComparisonStore", "psycopg_url"]

# advisory lock keys (one bigint namespace per database): "wpst" + purpose
_CREATE_LOCK = 0x7770_7374_0001
_PRUNE_LOCK = 0x7770_7374_0002
_LENGTHS = {
    column.name: column.type.length
    for table in (comparisons, noise_fields)
    for column in table.columns
    if isinstance(column.type, sa.String) and column.type.length
}


def psycopg_url(url: str) -> sa.URL:
    """``postgresql://`` / ``postgres://`` (or ``postgresql+psycopg://``) as SQLAlchemy's psycopg 3 URL."""
    try:
        parsed = sa.make_url(url.replace("postgres://", "postgresql://", 1))
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"bad store URL {url!r}: {exc}") from exc
    if parsed.drivername not in ("postgresql", "postgresql+psycopg"):
        raise StoreError(f"store URL {url!r}: only psycopg 3 is supported (postgresql:// or postgresql+psycopg://)")
    return parsed.set(drivername="postgresql+psycopg")


class PostgresComparisonStore(ComparisonStore):
    def __init__(self, url: str, retention_rows: int = 100_000) -> None:
        self.retention_rows = retention_rows
        parsed = psycopg_url(url)
        self.display_url = parsed.render_as_string(hide_password=True)
        try:
            self.engine = sa.create_engine(
                parsed,
                pool_size=4,  # per process: the flusher, the admin API's threads, the shadow batches
                max_overflow=4,
                pool_pre_ping=True,  # a server restart or failover is survived without erroring once
                connect_args={"connect_timeout": 10, "application_name": "wp-strangler-proxy"},
            )
        except ImportError as exc:
            raise StoreError(
                f"store {self.display_url}: PostgreSQL needs psycopg 3: pip install 'wp-strangler[postgres]'"
            ) from exc
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(f"bad store URL {self.display_url!r}: {exc}") from exc

    def create(self) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_CREATE_LOCK)))
                metadata.create_all(conn)
                add_new_columns(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot create the comparison store at {self.display_url}: {exc}") from exc

    def _storable(self, row: dict[str, Any]) -> dict[str, Any]:
        return {name: _storable_text(name, value) for name, value in row.items()}

    def _may_prune(self, conn: sa.Connection) -> bool:
        return bool(conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(_PRUNE_LOCK))).scalar_one())

    def add_traffic(self, pending: dict[str, RouteTraffic]) -> None:
        try:
            with self.engine.begin() as conn:
                for route in sorted(pending):
                    values = asdict(pending[route])
                    statement = pg_insert(traffic).values(route=route, **values)
                    conn.execute(
                        statement.on_conflict_do_update(
                            index_elements=[traffic.c.route],
                            set_={name: traffic.c[name] + statement.excluded[name] for name in values},
                        )
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store traffic counters: {exc}") from exc

    def add_noise(self, route: str, paths: frozenset[str]) -> None:
        if not paths:
            return
        fresh = [
            {"route": _storable_text("route", route), "path": _storable_text("path", p), "first_seen": time.time()}
            for p in sorted(paths)
        ]
        try:
            with self.engine.begin() as conn:
                conn.execute(pg_insert(noise_fields).values(fresh).on_conflict_do_nothing())
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store noise fields: {exc}") from exc


def _storable_text(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = value.replace("\x00", "\ufffd")
    limit = _LENGTHS.get(name)
    return value[:limit] if limit else value

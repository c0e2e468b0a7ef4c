"""Comparison store (SQLAlchemy; SQLite by default): shadow comparisons with a retention bound,
per-route traffic counters shared by all workers, and learned noise fields.

`open_store` picks the implementation from the URL: this module's `ComparisonStore` for SQLite (the
processes of one proxy on one machine), `proxy.store_postgres` for PostgreSQL (several proxy replicas
sharing one store). Both satisfy `proxy.types.ComparisonStorage`."""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from proxy.errors import StoreError
from proxy.metrics import RouteTraffic
from proxy.outcomes import Outcome, parity_percentages
from proxy.types import ComparisonStorage

__all__ = ["ComparisonRecord", "ComparisonStore", "open_store", "percentile", "store_kind"]

metadata = sa.MetaData()
#: 64-bit where the database's integers are 32-bit (PostgreSQL): at 1,000 a second a 32-bit counter or
#: id runs out within a month. SQLite's INTEGER is 64-bit already, and only INTEGER makes the rowid key.
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
comparisons = sa.Table(
    "comparisons",
    metadata,
    sa.Column("id", BIG, primary_key=True, autoincrement=True),
    sa.Column("ts", sa.Float, nullable=False, index=True),
    sa.Column("route", sa.String(200), nullable=False, index=True),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # proxy.outcomes.Outcome
    sa.Column("legacy_status", sa.Integer),
    sa.Column("candidate_status", sa.Integer),
    sa.Column("legacy_ms", sa.Float),
    sa.Column("candidate_ms", sa.Float),
    sa.Column("diff", sa.Text),  # JSON of ParityResult.to_dict()
    sa.Column("error", sa.Text),
    sa.Column("legacy_body", sa.Text),
    sa.Column("candidate_body", sa.Text),
    sa.Column("host", sa.String(300)),  # the visitor's Host, which WordPress's answer depends on
)
traffic = sa.Table(
    "traffic",
    metadata,
    sa.Column("route", sa.String(200), primary_key=True),
    *(sa.Column(name, BIG, nullable=False, server_default="0") for name in RouteTraffic.__annotations__),
)
noise_fields = sa.Table(
    "noise_fields",
    metadata,
    sa.Column("route", sa.String(200), primary_key=True),
    sa.Column("path", sa.String(500), primary_key=True),
    sa.Column("first_seen", sa.Float, nullable=False),
)
#: what another process doing the same creation at the same moment makes us see
_RACED = ("already exists", "duplicate column")
OUTCOMES = tuple(o.value for o in Outcome)
STATS_SAMPLE = 10_000  # latest comparisons per route used for latency percentiles
POSTGRES_SCHEMES = ("postgresql", "postgres")


def store_kind(url: str) -> str:
    """``sqlite`` or ``postgresql``, from the URL's scheme (a driver suffix such as ``+psycopg`` is
    allowed); anything else raises StoreError naming the URL."""
    scheme = url.partition("://")[0].partition("+")[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        return "sqlite"
    if scheme in POSTGRES_SCHEMES:
        return "postgresql"
    raise StoreError(f"unsupported store URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE")


def open_store(url: str, retention_rows: int = 100_000) -> ComparisonStorage:
    """The comparison store ``url`` names (not created yet: call ``create()``)."""
    if store_kind(url) == "postgresql":
        from proxy.store_postgres import PostgresComparisonStore

        return PostgresComparisonStore(url, retention_rows=retention_rows)
    return ComparisonStore(url, retention_rows=retention_rows)


@dataclass(frozen=True)
class ComparisonRecord:
    ts: float
    route: str
    method: str
    target: str
    outcome: str
    legacy_status: int | None
    candidate_status: int | None
    legacy_ms: float | None
    candidate_ms: float | None
    diff: str | None
    error: str | None
    legacy_body: str | None
    candidate_body: str | None
    host: str | None = None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


class ComparisonStore:
    def __init__(self, url: str, retention_rows: int = 100_000) -> None:
        self.retention_rows = retention_rows
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = StaticPool
        try:
            self.engine = sa.create_engine(url, **kwargs)
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(f"bad store URL {url!r}: {exc}") from exc
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    def create(self) -> None:
        # The proxy's processes (parent, workers, shadow process) all create the store as they start:
        # one may create a table between another's existence check and its CREATE. Checking again
        # after such a collision sees the table and creates only what is still missing.
        for attempt in range(5):
            try:
                metadata.create_all(self.engine)
                with self.engine.begin() as conn:
                    add_new_columns(conn)
                return
            except SQLAlchemyError as exc:
                if not any(m in str(exc) for m in _RACED) or attempt == 4:
                    raise StoreError(f"cannot create the comparison store: {exc}") from exc

    def dispose(self) -> None:
        self.engine.dispose()

    def add_comparisons(self, records: list[ComparisonRecord]) -> None:
        if not records:
            return
        try:
            with self.engine.begin() as conn:
                # vars, not asdict: asdict deep-copies the bodies
                conn.execute(comparisons.insert(), [self._storable(vars(r)) for r in records])
                if self._may_prune(conn):
                    newest = conn.execute(sa.select(sa.func.max(comparisons.c.id))).scalar_one()
                    conn.execute(comparisons.delete().where(comparisons.c.id <= newest - self.retention_rows))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store comparisons: {exc}") from exc

    def _storable(self, row: dict[str, Any]) -> dict[str, Any]:
        """A comparison's row as this database can hold it (SQLite holds any text)."""
        return row

    def _may_prune(self, conn: sa.Connection) -> bool:
        """Whether this transaction applies the retention bound (SQLite: its writers take turns)."""
        return True

    def add_traffic(self, pending: dict[str, RouteTraffic]) -> None:
        try:
            with self.engine.begin() as conn:
                for route, counts in pending.items():
                    values = asdict(counts)
                    updated = conn.execute(
                        traffic.update()
                        .where(traffic.c.route == route)
                        .values(**{k: traffic.c[k] + v for k, v in values.items()})
                    )
                    if updated.rowcount == 0:
                        conn.execute(traffic.insert().values(route=route, **values))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store traffic counters: {exc}") from exc

    def add_noise(self, route: str, paths: frozenset[str]) -> None:
        try:
            with self.engine.begin() as conn:
                known = set(conn.execute(sa.select(noise_fields.c.path).where(noise_fields.c.route == route)).scalars())
                fresh = [{"route": route, "path": p, "first_seen": time.time()} for p in paths - known]
                if fresh:
                    conn.execute(noise_fields.insert(), fresh)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store noise fields: {exc}") from exc

    def noise(self) -> dict[str, frozenset[str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(noise_fields.c.route, noise_fields.c.path)).all()
        out: dict[str, set[str]] = {}
        for route, path in rows:
            out.setdefault(route, set()).add(path)
        return {k: frozenset(v) for k, v in out.items()}

    def comparisons(
        self,
        *,
        route: str | None = None,
        outcome: str | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
        before_id: int | None = None,
        full: bool = False,
    ) -> list[dict[str, Any]]:
        columns = (
            list(comparisons.c)
            if full
            else [c for c in comparisons.c if c.name not in ("legacy_body", "candidate_body")]
        )
        query = sa.select(*columns).order_by(comparisons.c.id.desc()).limit(max(1, min(limit, 1000)))
        for column, value, op in (
            (comparisons.c.route, route, "eq"),
            (comparisons.c.outcome, outcome, "eq"),
            (comparisons.c.ts, since, "ge"),
            (comparisons.c.ts, until, "le"),
            (comparisons.c.id, before_id, "lt"),
        ):
            if value is not None:
                query = query.where(
                    {
                        "eq": column == value,
                        "ge": column >= value,
                        "le": column <= value,
                        "lt": column < value,
                    }[op]
                )
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        for row in rows:
            row["diff"] = json.loads(row["diff"]) if row.get("diff") else None
        return rows

    def latency_rows(
        self, route: str | None, since: float, until: float, limit: int
    ) -> list[tuple[float, str, float | None, float | None]]:
        """(ts, outcome, legacy_ms, candidate_ms) of the newest ``limit`` comparisons in [since, until]."""
        columns = comparisons.c
        query = (
            sa.select(columns.ts, columns.outcome, columns.legacy_ms, columns.candidate_ms)
            .where(columns.ts >= since, columns.ts <= until)
            .order_by(columns.id.desc())
            .limit(limit)
        )
        if route:
            query = query.where(columns.route == route)
        with self.engine.connect() as conn:
            return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]

    def comparison(self, comparison_id: int) -> dict[str, Any] | None:
        rows = self.comparisons(before_id=comparison_id + 1, limit=1, full=True)
        return rows[0] if rows and rows[0]["id"] == comparison_id else None

    def stats(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(sa.select(traffic)):
                counts = dict(row._mapping)
                out[counts.pop("route")] = {"traffic": counts}
            outcome_rows = conn.execute(
                sa.select(comparisons.c.route, comparisons.c.outcome, sa.func.count()).group_by(
                    comparisons.c.route, comparisons.c.outcome
                )
            ).all()
            for route, outcome, count in outcome_rows:
                out.setdefault(route, {}).setdefault("outcomes", {})[outcome] = count
            for route, entry in out.items():
                latencies = conn.execute(
                    sa.select(comparisons.c.legacy_ms, comparisons.c.candidate_ms)
                    .where(comparisons.c.route == route)
                    .order_by(comparisons.c.id.desc())
                    .limit(STATS_SAMPLE)
                ).all()
                entry["latencies"] = latencies
        return {route: _summarise(entry) for route, entry in out.items()}


def add_new_columns(conn: sa.Connection) -> None:
    """A store written by an older proxy lacks the columns added since: add them (counters at 0,
    anything else empty). Columns are only ever added, so this is all the migration there is."""
    inspector = sa.inspect(conn)
    for table in metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in (c for c in table.columns if c.name not in present):
            kind = column.type.compile(dialect=conn.dialect)
            default = column.server_default
            if default is not None:
                assert isinstance(default, sa.DefaultClause)
                kind += f" NOT NULL DEFAULT {default.arg}"
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))


def _summarise(entry: dict[str, Any]) -> dict[str, Any]:
    counts = entry.get("traffic") or {k: 0 for k in RouteTraffic.__annotations__}
    outcomes = {k: entry.get("outcomes", {}).get(k, 0) for k in OUTCOMES}
    legacy = [r[0] for r in entry.get("latencies", []) if r[0] is not None]
    candidate = [r[1] for r in entry.get("latencies", []) if r[1] is not None]
    return {
        **counts,
        "comparisons": outcomes,
        **parity_percentages(outcomes),
        "legacy_ms": {"p50": percentile(legacy, 50), "p99": percentile(legacy, 99)},
        "candidate_ms": {"p50": percentile(candidate, 50), "p99": percentile(candidate, 99)},
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()

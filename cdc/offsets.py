"""The source offset committed to Kafka in the same transaction as the events it covers (pure).

An offset says exactly which changes are already on Kafka:

* ``position``: GTID position (MariaDB ``0-1-17`` / MySQL GTID set) of every *fully* emitted
  binlog transaction; streaming resumes right after it;
* ``txn_gtid``/``txn_rows``: a big transaction may span several Kafka transactions; these are
  the transaction being emitted and how many of its row changes are already committed;
* ``snapshot_required``: set by ``cdc snapshot --all`` on a stopped connector (e.g. after the
  binlog was purged): the next start takes a fresh initial snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from cdc.errors import ConfigError
from cdc.gtid import Flavor, Gtid, Position, parse_gtid, parse_position


@dataclass(frozen=True)
class Offset:
    flavor: Flavor
    position: str
    file: str = ""
    pos: int = 0
    txn_gtid: str | None = None
    txn_rows: int = 0
    snapshot_required: bool = False

    def parsed_position(self) -> Position:
        return parse_position(self.position, self.flavor)

    def in_transaction(self, gtid: Gtid, rows: int) -> Offset:
        return replace(self, txn_gtid=str(gtid), txn_rows=rows)

    def after_transaction(self, position: Position) -> Offset:
        return replace(self, position=str(position), txn_gtid=None, txn_rows=0)

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "flavor": self.flavor,
            "position": self.position,
            "file": self.file,
            "pos": self.pos,
            "txn_gtid": self.txn_gtid,
            "txn_rows": self.txn_rows,
            "snapshot_required": self.snapshot_required,
        }
        return json.dumps(data, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Offset:
        try:
            data = json.loads(raw)
            offset = cls(
                flavor=data["flavor"],
                position=str(data["position"]),
                file=str(data.get("file", "")),
                pos=int(data.get("pos", 0)),
                txn_gtid=data.get("txn_gtid"),
                txn_rows=int(data.get("txn_rows", 0)),
                snapshot_required=bool(data.get("snapshot_required", False)),
            )
            if offset.flavor not in ("mariadb", "mysql"):
                raise ValueError(f"flavor {offset.flavor!r}")
            offset.parsed_position()
            if offset.txn_gtid:
                parse_gtid(offset.txn_gtid)
            return offset
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"stored CDC offset is invalid: {exc}: {raw[:200]!r}") from exc

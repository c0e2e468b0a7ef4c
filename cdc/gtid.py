"""Global transaction ids of both flavours, as pure values.

MariaDB: a GTID is ``domain-server-seq`` (``0-1-5``); a position is one GTID per replication
domain (``0-1-5,1-2-9``) and means "everything up to seq in each domain".
MySQL 8: a GTID is ``uuid:gno``; a position is a GTID *set* of intervals
(``3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9``).

Both positions answer :meth:`contains` (was this transaction already handled?) and
:meth:`advance` (the position after handling it), which is all the CDC needs.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from typing import Literal

from cdc.errors import ConfigError

Flavor = Literal["mariadb", "mysql"]


@dataclass(frozen=True, slots=True)
class MariaGtid:
    domain: int
    server_id: int
    seq: int

    def __str__(self) -> str:
        return f"{self.domain}-{self.server_id}-{self.seq}"


@dataclass(frozen=True, slots=True)
class MysqlGtid:
    sid: str
    gno: int

    def __str__(self) -> str:
        return f"{self.sid}:{self.gno}"


Gtid = MariaGtid | MysqlGtid


def parse_gtid(text: str) -> Gtid:
    """``0-1-5`` (MariaDB) or ``uuid:5`` (MySQL)."""
    text = text.strip()
    try:
        if ":" in text:
            sid, gno = text.rsplit(":", 1)
            return MysqlGtid(str(uuid.UUID(sid)), int(gno))
        domain, server, seq = (int(part) for part in text.split("-"))
        return MariaGtid(domain, server, seq)
    except ValueError as exc:
        raise ConfigError(f"not a GTID: {text!r}") from exc


@dataclass(frozen=True, slots=True)
class MariaPosition:
    """``@@gtid_binlog_pos``-style position: the last GTID of every domain."""

    last: tuple[MariaGtid, ...] = ()

    @classmethod
    def parse(cls, text: str) -> MariaPosition:
        gtids = [parse_gtid(part) for part in text.split(",") if part.strip()]
        if not all(isinstance(g, MariaGtid) for g in gtids):
            raise ConfigError(f"not a MariaDB GTID position: {text!r}")
        by_domain = {g.domain: g for g in gtids if isinstance(g, MariaGtid)}
        return cls(tuple(sorted(by_domain.values(), key=lambda g: g.domain)))

    def contains(self, gtid: Gtid) -> bool:
        if not isinstance(gtid, MariaGtid):
            return False
        return any(g.domain == gtid.domain and gtid.seq <= g.seq for g in self.last)

    def advance(self, gtid: Gtid) -> MariaPosition:
        if not isinstance(gtid, MariaGtid):
            raise TypeError(f"cannot add {gtid} to a MariaDB position")
        if len(self.last) == 1 and self.last[0].domain == gtid.domain:  # the usual single domain
            return MariaPosition((gtid,))
        others = [g for g in self.last if g.domain != gtid.domain]
        return MariaPosition(tuple(sorted([*others, gtid], key=lambda g: g.domain)))

    def __str__(self) -> str:
        return ",".join(str(g) for g in self.last)


Interval = tuple[int, int]  # inclusive bounds


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class MysqlGtidSet:
    """``@@gtid_executed``-style set: per server uuid, a sorted tuple of inclusive intervals."""

    sets: tuple[tuple[str, tuple[Interval, ...]], ...] = ()

    @classmethod
    def parse(cls, text: str) -> MysqlGtidSet:
        result: dict[str, list[Interval]] = {}
        for member in text.replace("\n", "").split(","):
            if not member.strip():
                continue
            sid, *ranges = member.strip().split(":")
            try:
                key = str(uuid.UUID(sid))
                for rng in ranges:
                    start, _, end = rng.partition("-")
                    result.setdefault(key, []).append((int(start), int(end or start)))
            except ValueError as exc:
                raise ConfigError(f"not a MySQL GTID set: {text!r}") from exc
        return cls(tuple(sorted((sid, _merge(iv)) for sid, iv in result.items())))

    def contains(self, gtid: Gtid) -> bool:
        if not isinstance(gtid, MysqlGtid):
            return False
        for sid, intervals in self.sets:
            if sid == gtid.sid:
                return any(start <= gtid.gno <= end for start, end in intervals)
        return False

    def advance(self, gtid: Gtid) -> MysqlGtidSet:
        if not isinstance(gtid, MysqlGtid):
            raise TypeError(f"cannot add {gtid} to a MySQL GTID set")
        table = {sid: list(iv) for sid, iv in self.sets}
        table.setdefault(gtid.sid, []).append((gtid.gno, gtid.gno))
        return MysqlGtidSet(tuple(sorted((sid, _merge(iv)) for sid, iv in table.items())))

    def encode(self) -> bytes:
        """The payload of COM_BINLOG_DUMP_GTID (intervals are half-open on the wire)."""
        out = [struct.pack("<Q", len(self.sets))]
        for sid, intervals in self.sets:
            out.append(uuid.UUID(sid).bytes)
            out.append(struct.pack("<Q", len(intervals)))
            out.extend(struct.pack("<QQ", start, end + 1) for start, end in intervals)
        return b"".join(out)

    def __str__(self) -> str:
        return ",".join(
            sid + "".join(f":{s}" if s == e else f":{s}-{e}" for s, e in intervals) for sid, intervals in self.sets
        )


Position = MariaPosition | MysqlGtidSet


def parse_position(text: str, flavor: Flavor) -> Position:
    if flavor == "mysql":
        return MysqlGtidSet.parse(text)
    return MariaPosition.parse(text)

from __future__ import annotations

import struct
import uuid

import pytest

from cdc.errors import ConfigError
from cdc.gtid import (
    MariaGtid,
    MariaPosition,
    MysqlGtid,
    MysqlGtidSet,
    parse_gtid,
)

SID = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
SID2 = "19d69c1e-ae97-4b8c-a1ef-9e12ba966457"


def test_parse_gtid_both_flavours() -> None:
    assert parse_gtid("0-1-5") == MariaGtid(0, 1, 5)
    assert parse_gtid(f"{SID}:7") == MysqlGtid(SID, 7)
    with pytest.raises(ConfigError):
        parse_gtid("garbage")


def test_mariadb_position_contains_and_advance() -> None:
    pos = MariaPosition.parse("0-1-5,1-2-9")
    assert str(pos) == "0-1-5,1-2-9"
    assert pos.contains(MariaGtid(0, 1, 5))
    assert pos.contains(MariaGtid(0, 7, 3))  # any server: seq numbers are per domain
    assert not pos.contains(MariaGtid(0, 1, 6))
    assert not pos.contains(MariaGtid(2, 1, 1))
    assert str(pos.advance(MariaGtid(0, 1, 6))) == "0-1-6,1-2-9"
    assert str(MariaPosition.parse("").advance(MariaGtid(3, 1, 1))) == "3-1-1"


def test_mysql_gtid_set_parse_merge_contains() -> None:
    gset = MysqlGtidSet.parse(f"{SID}:1-5:7-9,{SID2}:42")
    assert gset.contains(MysqlGtid(SID, 3))
    assert not gset.contains(MysqlGtid(SID, 6))
    assert gset.contains(MysqlGtid(SID2, 42))
    merged = gset.advance(MysqlGtid(SID, 6))
    assert str(merged) == f"{SID2}:42,{SID}:1-9"
    assert str(MysqlGtidSet.parse(f"{SID}:1-3:4-5")) == f"{SID}:1-5"


def test_mysql_gtid_set_wire_encoding() -> None:
    encoded = MysqlGtidSet.parse(f"{SID}:1-5").encode()
    assert encoded == struct.pack("<Q", 1) + uuid.UUID(SID).bytes + struct.pack("<QQQ", 1, 1, 6)

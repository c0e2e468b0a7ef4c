"""Start-up checks: refuse to run when the server cannot be captured exactly.

:func:`problems` is pure (server variables and grants in, messages out); :func:`check` is the
thin I/O shell that reads them and raises :class:`~cdc.errors.RefusedError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pymysql

from cdc.errors import RefusedError, SourceError
from cdc.gtid import Flavor

VARIABLES = (
    "log_bin",
    "binlog_format",
    "binlog_row_image",
    "binlog_row_metadata",
    "gtid_mode",
    "enforce_gtid_consistency",
    "log_bin_compress",
    "server_id",
    "version",
)

# privilege -> names that also grant it (MariaDB 10.5+ aliases)
REQUIRED_GLOBAL: dict[str, tuple[str, ...]] = {
    "REPLICATION SLAVE": ("REPLICATION SLAVE", "REPLICATION REPLICA"),
    "BINLOG MONITOR": ("BINLOG MONITOR", "REPLICATION CLIENT"),
}
_GRANT = re.compile(r"^GRANT (?P<privs>.+?) ON (?P<target>\S+) TO ", re.IGNORECASE)


def flavor_of(version: str) -> Flavor:
    return "mariadb" if "mariadb" in version.lower() else "mysql"


def _on(value: Any) -> bool:
    return str(value).upper() in ("ON", "1", "YES", "TRUE")


def setting_problems(variables: Mapping[str, Any], flavor: Flavor, our_server_id: int) -> list[str]:
    v = {k.lower(): v for k, v in variables.items()}
    out: list[str] = []
    if not _on(v.get("log_bin", "OFF")):
        out.append("binary logging is off (log_bin=OFF): start the server with --log-bin")
    expected = {"binlog_format": "ROW", "binlog_row_image": "FULL", "binlog_row_metadata": "FULL"}
    for name, wanted in expected.items():
        actual = str(v.get(name, "")).upper()
        if actual != wanted:
            out.append(
                f"{name} is {actual or 'unset'}, it must be {wanted}: "
                f"SET GLOBAL {name}='{wanted}' and add {name}={wanted} to the server config"
            )
    if flavor == "mysql":
        if str(v.get("gtid_mode", "")).upper() != "ON":
            out.append(f"gtid_mode is {v.get('gtid_mode', 'unset')}, it must be ON (GTIDs are required)")
        if not _on(v.get("enforce_gtid_consistency", "OFF")):
            out.append("enforce_gtid_consistency must be ON (GTIDs are required)")
    elif _on(v.get("log_bin_compress", "OFF")):
        out.append("log_bin_compress is ON: compressed binlog events are not supported, set log_bin_compress=OFF")
    if str(v.get("server_id", "")) == str(our_server_id):
        out.append(f"--server-id {our_server_id} equals the database's own server_id: choose another")
    return out


def _privileges(grants: Sequence[str], database: str) -> tuple[set[str], set[str]]:
    """(global privileges, privileges on ``database``) from SHOW GRANTS lines."""
    global_privs: set[str] = set()
    db_privs: set[str] = set()
    for line in grants:
        match = _GRANT.match(line)
        if not match:
            continue
        privs = {p.strip().upper() for p in match["privs"].split(",")}
        target = match["target"].replace("`", "").replace("\\", "")
        if target == "*.*":
            global_privs |= privs
        elif target.split(".")[0] == database:
            db_privs |= privs
    return global_privs, db_privs


def grant_problems(grants: Sequence[str], database: str, user: str, flavor: Flavor) -> list[str]:
    global_privs, db_privs = _privileges(grants, database)
    if "ALL PRIVILEGES" in global_privs:
        return []
    missing = [name for name, aliases in REQUIRED_GLOBAL.items() if not global_privs & set(aliases)]
    if flavor == "mysql":
        missing += [] if "RELOAD" in global_privs else ["RELOAD"]
    if not ({"SELECT", "ALL PRIVILEGES"} & (global_privs | db_privs)):
        missing.append("SELECT")
    return [
        f"the CDC user {user} lacks the {name} privilege: "
        f"GRANT {name} ON {'`' + database + '`.*' if name == 'SELECT' else '*.*'} TO {user}"
        for name in missing
    ]


def check(conn: pymysql.connections.Connection[Any], database: str, our_server_id: int) -> tuple[Flavor, str]:
    """Raise RefusedError listing every problem; returns (flavor, server version)."""
    try:
        with conn.cursor() as cur:
            names = ",".join(f"'{n}'" for n in VARIABLES)
            cur.execute(f"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({names})")
            variables = {str(k): v for k, v in cur.fetchall()}
            cur.execute("SELECT CURRENT_USER()")
            row = cur.fetchone()
            account = str(row[0]) if row else "?"
            cur.execute("SHOW GRANTS FOR CURRENT_USER()")
            grants = [str(r[0]) for r in cur.fetchall()]
    except pymysql.MySQLError as exc:
        raise SourceError(f"cannot read server settings: {exc}") from exc
    user, _, host = account.partition("@")
    version = str(variables.get("version", ""))
    flavor = flavor_of(version)
    found = setting_problems(variables, flavor, our_server_id)
    found += grant_problems(grants, database, f"'{user}'@'{host}'", flavor)
    if found:
        raise RefusedError("refusing to start CDC:\n  - " + "\n  - ".join(found))
    return flavor, version

"""CDC configuration: plain data, loaded from flags and an optional YAML file, validated at load.

YAML keys are the field names of :class:`CdcConfig` (flags override the file). Example::

    include_tables: [wp_posts, wp_postmeta]   # default: every table of the database
    exclude_tables: [wp_options]
    snapshot_mode: initial                    # initial | never
    batch_max_events: 5000                    # Kafka transaction: at most this many events ...
    batch_max_ms: 100                         # ... or this much time, whichever comes first
    heartbeat_ms: 1000
    include_query: false                      # source.query = the SQL (needs binlog_annotate_row_events)
    topic_partitions: 1
"""

from __future__ import annotations

import fnmatch
import ipaddress
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from cdc.errors import ConfigError


@dataclass(frozen=True, slots=True)
class CdcConfig:
    host: str = "127.0.0.1"
    port: int = 3306
    user: str = "cdc"
    password: str = ""
    database: str = "wordpress"
    bootstrap: str = "127.0.0.1:9092"
    prefix: str = "wordpress"
    server_id: int = 5401
    listen: str = "127.0.0.1:0"
    #: bearer token that POST /snapshot requires; a listen address off loopback needs one
    admin_token: str = ""
    include_tables: tuple[str, ...] = ()
    exclude_tables: tuple[str, ...] = ()
    snapshot_mode: Literal["initial", "never"] = "initial"
    snapshot_fetch_rows: int = 2000
    batch_max_events: int = 5000
    batch_max_ms: int = 100
    heartbeat_ms: int = 1000
    include_query: bool = False
    topic_partitions: int = 1
    reconnect_max_s: float = 10.0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def offsets_topic(self) -> str:
        return f"{self.prefix}-cdc-offsets"

    @property
    def transactional_id(self) -> str:
        return f"strangler-cdc-{self.prefix}"

    @property
    def listen_address(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host or "127.0.0.1", int(port)

    def captures(self, table: str) -> bool:
        """Is ``table`` (of the configured database) captured under the include/exclude lists?"""
        if self.include_tables and not any(fnmatch.fnmatchcase(table, p) for p in self.include_tables):
            return False
        return not any(fnmatch.fnmatchcase(table, p) for p in self.exclude_tables)


_HINTS = typing.get_type_hints(CdcConfig)


def _check(name: str, value: Any, where: str) -> Any:
    hint = _HINTS[name]
    origin = typing.get_origin(hint)
    if origin is Literal:
        if value not in typing.get_args(hint):
            raise ConfigError(f"{where}: field {name!r} must be one of {typing.get_args(hint)}, got {value!r}")
        return value
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: field {name!r} must be a list of table names")
        return tuple(value)
    expected = hint if isinstance(hint, type) else object
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool):
        raise ConfigError(f"{where}: field {name!r} must be an integer, got {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(f"{where}: field {name!r} must be {expected.__name__}, got {value!r}")
    if isinstance(value, int) and expected is int and value < 0:
        raise ConfigError(f"{where}: field {name!r} must not be negative")
    return value


def load_yaml(path: Path) -> dict[str, Any]:
    """Read and validate a YAML config; errors name the file, line and field."""
    try:
        text = path.read_text()
        node = yaml.compose(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{path}:{node.start_mark.line + 1}: the top level must be a mapping")
    data = yaml.safe_load(text)
    known = {f.name for f in fields(CdcConfig)} - {"extra"}
    out: dict[str, Any] = {}
    for key_node, _value_node in node.value:
        name = key_node.value
        where = f"{path}:{key_node.start_mark.line + 1}"
        if name not in known:
            raise ConfigError(f"{where}: unknown field {name!r} (known: {', '.join(sorted(known))})")
        out[name] = _check(name, data[name], where)
    return out


def build_config(overrides: dict[str, Any], config_file: Path | None = None) -> CdcConfig:
    """File values first, then non-None ``overrides`` (the command-line flags)."""
    values = load_yaml(config_file) if config_file else {}
    for name, value in overrides.items():
        if value is not None:
            values[name] = _check(name, value, "command line")
    config = replace(CdcConfig(), **values)
    if config.batch_max_events < 1:
        raise ConfigError("field 'batch_max_events' must be at least 1")
    host = config.listen_address[0]
    if not config.admin_token and not _is_loopback(host):
        # /snapshot re-reads whole tables: on a reachable address it must not be open to anyone
        raise ConfigError(
            f"field 'listen': {config.listen} is reachable from other hosts; set 'admin_token' "
            "(--admin-token-file) or listen on 127.0.0.1"
        )
    return config


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


__all__ = ["CdcConfig", "build_config", "load_yaml"]

"""The CDC's exception tree; foreign exceptions (pymysql, kafka) are mapped to these at the boundary.

CdcError
├── ConfigError            bad flags/YAML/GTID text (names file, line, field where it can)
├── RefusedError           the source cannot be captured correctly; never retried
│   └── BinlogPurgedError  the stored offset is older than the oldest binlog
├── SourceError            MariaDB unreachable / connection dropped (retried with backoff)
└── SinkError              Kafka unreachable or a transaction failed (retried with backoff)
"""

from __future__ import annotations


class CdcError(Exception):
    """Base of every error the CDC raises on purpose."""


class ConfigError(CdcError):
    """Invalid configuration or input text."""


class RefusedError(CdcError):
    """The server is configured so that changes cannot be captured exactly; fix the named setting."""


class BinlogPurgedError(RefusedError):
    """The binlog needed to resume was purged."""


class SourceError(CdcError):
    """The database connection failed; retry after a backoff."""


class SinkError(CdcError):
    """Kafka failed; retry after a backoff without skipping anything."""

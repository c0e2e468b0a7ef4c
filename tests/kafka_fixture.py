"""A Kafka of a test's own: only the stack's Kafka component, on free ports, under a private home."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cli.stack import load_settings
from cli.stack.kafka import Kafka
from cli.stack.ports import free_port
from cli.stack.processes import ProcessTable, group_alive

#: a loaded machine (several stacks and test sessions on two cores) starts Kafka in well over a minute
START_TIMEOUT_S = 240.0


@contextmanager
def kafka_only(home: Path) -> Iterator[str]:
    """Start Kafka with ``home`` as STRANGLER_HOME; yields its bootstrap address; checks it stopped."""
    settings = load_settings(home, create=True, ports={"kafka": free_port(), "kafka_controller": free_port()})
    processes = ProcessTable(home / "run", home / "logs")
    kafka = Kafka(settings, processes)
    kafka.start_timeout = max(kafka.start_timeout, START_TIMEOUT_S)
    kafka.check_ports_free()
    kafka.launch()
    try:
        kafka.wait_ready()
        yield settings.kafka_bootstrap
    finally:
        record = processes.record("kafka")
        kafka.stop()
        assert not (record and group_alive(record.pid)), "Kafka survived its stop"

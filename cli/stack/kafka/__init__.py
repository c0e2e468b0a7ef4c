"""Apache Kafka, one node in KRaft mode, run from Maven Central's jars."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

from cli.stack.component import Component
from cli.stack.errors import ComponentFailedError
from cli.stack.ports import port_accepts
from cli.stack.templates import render

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
HEAP = "-Xmx512m"


def jar_directory() -> Path:
    """Where the broker's jars are copied: a cache keyed by the pom, shared by every stack."""
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wp-strangler" / f"kafka-{digest}"
    return cache / "libs"


def ensure_jars() -> Path:
    """Resolve the broker from Maven Central (cached in ~/.m2) unless already copied."""
    libs = jar_directory()
    marker = libs / ".complete"
    if marker.exists():
        return libs
    command = [
        "mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
        f"-DoutputDirectory={libs}", "-DincludeScope=runtime",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ComponentFailedError(
            f"kafka: `{' '.join(command)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    marker.touch()
    return libs


class Kafka(Component):
    name = "kafka"
    port_names = ("kafka", "kafka_controller")

    @property
    def data_dir(self) -> Path:
        return self.settings.home / "kafka" / "data"

    @property
    def config_file(self) -> Path:
        return self.settings.home / "config" / "kafka.properties"

    def _java(self, libs: Path, main_class: str, *arguments: str) -> list[str]:
        return [
            "java", HEAP, "-Xms128m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{HERE / 'log4j.properties'}",
            "-cp", f"{libs}/*", main_class, *arguments,
        ]  # fmt: skip

    def launch(self) -> None:
        settings = self.settings
        libs = ensure_jars()
        render(
            HERE / "server.properties.tmpl",
            self.config_file,
            host=settings.host,
            port=settings.ports["kafka"],
            controller_port=settings.ports["kafka_controller"],
            data_dir=self.data_dir,
        )
        if not (self.data_dir / "meta.properties").exists():
            command = self._java(
                libs, "kafka.tools.StorageTool", "format", "-t", settings.secrets.kafka_cluster_id,
                "-c", str(self.config_file), "--ignore-formatted",
            )  # fmt: skip
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise ComponentFailedError(f"kafka: formatting its storage failed:\n{result.stdout}{result.stderr}")
        self.processes.start(self.name, self._java(libs, "kafka.Kafka", str(self.config_file)))

    def is_ready(self) -> bool:
        if not port_accepts(self.settings.host, self.settings.ports["kafka"]):
            return False
        return broker_answers_metadata(self.settings.kafka_bootstrap)

    def describe(self) -> dict[str, Any]:
        return {"bootstrap": self.settings.kafka_bootstrap}


def broker_answers_metadata(bootstrap: str) -> bool:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    # kafka-python logs every refused connection at ERROR while the broker starts: that is expected here.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    except (KafkaError, OSError, ValueError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()

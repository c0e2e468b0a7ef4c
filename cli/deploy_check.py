"""``make deploy-check``: render every Kubernetes overlay and validate each object against the schemas.

Each overlay of ``deploy/kubernetes/overlays`` is rendered with ``kubectl kustomize`` (the load
restrictor off: the base reads the capability registry from ``extracted/capabilities.yaml`` itself),
and every rendered object is validated strictly (no unknown fields) with ``kubernetes-validate``
against the schemas of :data:`KUBERNETES_VERSIONS`. A kind or API version without a schema in one of
them is a failure, not a warning: an object the cluster cannot check is an object it may refuse.

    python -m cli.deploy_check [OVERLAY ...]     # default: every overlay; exit 1 when one fails
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import yaml
from kubernetes_validate.utils import (  # type: ignore[import-untyped]
    InvalidSchemaError,
    SchemaNotFoundError,
    ValidationError,
    VersionNotSupportedError,
)

__all__ = [
    "KUBERNETES_VERSIONS",
    "KUSTOMIZE_ROOT",
    "DeployCheckError",
    "OverlayReport",
    "check_overlay",
    "kubectl",
    "main",
    "overlays",
    "render",
    "validate",
]

#: the three newest Kubernetes minor versions kubernetes-validate ships schemas for
KUBERNETES_VERSIONS: tuple[str, ...] = ("1.35.0", "1.36.0", "1.37.0")
KUSTOMIZE_ROOT = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes"


class DeployCheckError(Exception):
    """kubectl is missing, or an overlay does not render."""


@dataclass
class OverlayReport:
    overlay: str
    objects: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def kubectl() -> str:
    """``$KUBECTL``, else kubectl on PATH; DeployCheckError when there is none."""
    found = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not found:
        raise DeployCheckError("kubectl not found (PATH, or set KUBECTL): it renders the kustomize overlays")
    return found


def overlays(root: Path = KUSTOMIZE_ROOT) -> list[str]:
    return sorted(path.parent.name for path in (root / "overlays").glob("*/kustomization.yaml"))


def render(overlay: str, root: Path = KUSTOMIZE_ROOT) -> list[dict[str, Any]]:
    """The overlay's objects, as ``kubectl kustomize`` renders them."""
    command = [kubectl(), "kustomize", "--load-restrictor", "LoadRestrictionsNone", str(root / "overlays" / overlay)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise DeployCheckError(f"overlay {overlay} does not render:\n{result.stderr.strip()}")
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def _name(document: dict[str, Any]) -> str:
    metadata = document.get("metadata") or {}
    return f"{document.get('kind')}/{metadata.get('name')}"


def validate(document: dict[str, Any], versions: tuple[str, ...] = KUBERNETES_VERSIONS) -> list[str]:
    """What is wrong with one object for each version (empty: valid everywhere)."""
    problems = []
    for version in versions:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            problems.append(f"{_name(document)}: Kubernetes {version}: {path or '(object)'}: {error.message}")
        except (SchemaNotFoundError, InvalidSchemaError, VersionNotSupportedError) as error:
            problems.append(f"{_name(document)}: Kubernetes {version}: no schema: {error.message}")
    return problems


def check_overlay(overlay: str, root: Path = KUSTOMIZE_ROOT) -> OverlayReport:
    started = time.monotonic()
    report = OverlayReport(overlay)
    documents = render(overlay, root)
    report.objects = len(documents)
    if not documents:
        report.problems.append(f"overlay {overlay} renders no object")
    for document in documents:
        report.problems.extend(validate(document))
    report.seconds = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli.deploy_check", description=__doc__.splitlines()[0])
    parser.add_argument("overlays", nargs="*", help="overlays of deploy/kubernetes/overlays (default: all)")
    names = parser.parse_args(argv).overlays or overlays()
    failed = False
    try:
        for name in names:
            report = check_overlay(name)
            for problem in report.problems:
                print(f"  {problem}", file=sys.stderr)
            verdict = "ok" if report.ok else f"{len(report.problems)} problems"
            print(
                f"{name}: {report.objects} objects, Kubernetes {', '.join(KUBERNETES_VERSIONS)}: {verdict}"
                f" ({report.seconds:.1f} s)"
            )
            failed = failed or not report.ok
    except DeployCheckError as error:
        print(f"deploy-check: {error}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

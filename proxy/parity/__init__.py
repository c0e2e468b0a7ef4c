"""Parity harness: compares a legacy (WordPress) and a candidate (service) HTTP response into a
structured diff. Pure: no I/O. Used by the proxy's shadow mode and by tests/benchmarks."""

from proxy.parity.compare import compare_responses, detect_noise
from proxy.parity.types import Difference, HttpResponse, ParityResult, ParityRules

__all__ = ["Difference", "HttpResponse", "ParityResult", "ParityRules", "compare_responses", "detect_noise"]

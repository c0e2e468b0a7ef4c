"""Comparison dashboard on the proxy's admin port (`/`): component health, CDC lag, per-route
traffic and parity, mismatch drill-down, mode and ignore controls, charts. See proxy/README.md.

The HTTP routes live in `proxy.dashboard.routes` (imported lazily by the runtime): this package's
top level must not import prometheus_client, which the server configures for multiprocess mode
before any worker imports it."""

from proxy.dashboard.components import parse_component
from proxy.dashboard.types import Component, ComponentHealth

__all__ = ["Component", "ComponentHealth", "parse_component"]

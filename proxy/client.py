"""Typed client of the proxy's admin API (used by `strangler route ...` and tests).

client = AdminClient("http://127.0.0.1:8081", token)
client.set_mode("content-posts", "canary", percent=10)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import httpx

from proxy.errors import AdminClientError

ModeName = Literal["legacy", "shadow", "canary", "cutover"]
Outcome = Literal["match", "equivalent", "mismatch", "noise", "error", "skipped", "declined"]  # proxy.outcomes.Outcome


class AdminClient:
    def __init__(
        self, admin_url: str, token: str, timeout: float = 10.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(
            base_url=admin_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise AdminClientError(0, f"cannot reach the proxy admin API: {exc}") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("error") or response.json().get("detail") or response.text
            except ValueError:
                detail = response.text
            raise AdminClientError(response.status_code, str(detail))
        return response.json()

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/healthz")
        return result

    def table(self) -> dict[str, Any]:
        """The whole route table (`services`, `routes`, `canary_cookie`, `source`, `last_error`)."""
        result: dict[str, Any] = self._call("GET", "/api/routes")
        return result

    def list_routes(self) -> list[dict[str, Any]]:
        routes: list[dict[str, Any]] = self.table()["routes"]
        return routes

    def set_route(
        self,
        name: str,
        paths: Iterable[str],
        service: str,
        *,
        service_url: str | None = None,
        mode: ModeName = "legacy",
        methods: Iterable[str] = ("GET", "HEAD"),
        **options: Any,
    ) -> dict[str, Any]:
        """Creates or replaces a route. `service_url` also (re)defines the service's base URL.
        `options`: canary_percent, priority, timeout, fallback, shadow={...}, compare={...}, personal=[...],
        query={name: value, or None: must be absent}."""
        body: dict[str, Any] = {
            "paths": list(paths),
            "service": service,
            "mode": mode,
            "methods": list(methods),
        }
        body.update(options)
        if service_url is not None:
            body["services"] = {service: service_url}
        result: dict[str, Any] = self._call("PUT", f"/api/routes/{name}", json=body)
        return result

    def delete_route(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("DELETE", f"/api/routes/{name}")
        return result

    def replace_table(self, table: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call("PUT", "/api/routes", json=table)
        return result

    def set_mode(self, route: str, mode: ModeName, percent: float | None = None) -> dict[str, Any]:
        """`legacy` is the rollback; `percent` applies to canary."""
        result: dict[str, Any] = self._call("PUT", f"/api/routes/{route}/mode", json={"mode": mode, "percent": percent})
        return result

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per route: requests, served_by_service, fallbacks, errors, shadow_dropped, comparisons,
        match_percent, noise_percent, legacy_ms/candidate_ms {p50, p99}, mode, canary_percent."""
        routes: dict[str, dict[str, Any]] = self._call("GET", "/api/stats")["routes"]
        return routes

    def comparisons(
        self,
        route: str | None = None,
        *,
        match: bool | None = None,
        outcome: Outcome | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[dict[str, Any]]:
        params: dict[str, str] = {"limit": str(limit)}
        for key, value in (
            ("route", route),
            ("outcome", outcome),
            ("since", since),
            ("until", until),
            ("before_id", before_id),
        ):
            if value is not None:
                params[key] = str(value)
        if match is not None:
            params["match"] = "true" if match else "false"
        rows: list[dict[str, Any]] = self._call("GET", "/api/comparisons", params=params)["comparisons"]
        return rows

    def comparison(self, comparison_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/api/comparisons/{comparison_id}")
        return result

    def noise(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = self._call("GET", "/api/noise")["noise"]
        return result

    def reload(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/api/reload")
        return result

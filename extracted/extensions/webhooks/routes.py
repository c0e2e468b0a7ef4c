"""The webhook management API: a FastAPI router over :class:`~.endpoints.Endpoints`.

Mounted by the service under ``/api`` behind its bearer-token check (done outside this router).
Times are RFC 3339 UTC. Errors: 404 for an unknown endpoint or delivery, 422 for a refused URL or
unusable event type filters (``detail`` says why), 409 for a replay to a disabled endpoint. Secrets
appear only in the answers of ``POST /webhooks/endpoints`` and ``…/rotate``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from .deliveries import Dispatcher
from .endpoints import (
    AttemptView,
    DeliveryView,
    EndpointCreated,
    EndpointDisabledError,
    Endpoints,
    EndpointView,
    InvalidEndpointError,
    NotFoundError,
)
from .targets import TargetPolicy, TargetRefusedError

__all__ = ["webhook_routes"]

Result = TypeVar("Result")
State = Literal["pending", "succeeded", "failed"]


def _time(moment: float | None) -> datetime | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC)


class EndpointIn(BaseModel):
    """A new endpoint."""

    url: str = Field(description="http or https URL; private and loopback addresses are refused unless allowed")
    event_types: list[str] = Field(default=["*"], description="exact event types, 'prefix.*' or '*'")
    description: str = Field(default="", max_length=1000)


class AttemptOut(BaseModel):
    number: int = Field(description="1 for the first attempt of the delivery, whatever triggered it")
    started_at: datetime
    duration_ms: int
    status_code: int | None = Field(description="the receiver's HTTP status; null when there was no answer")
    error: str | None = Field(description="timeout, connection error or refused target; null when answered")
    response_excerpt: str = Field(description="the first 1 KiB of the answer")
    trigger: Literal["scheduled", "replay", "test"]

    @classmethod
    def of(cls, view: AttemptView) -> AttemptOut:
        return cls(
            number=view.number,
            started_at=datetime.fromtimestamp(view.started_at, UTC),
            duration_ms=view.duration_ms,
            status_code=view.status_code,
            error=view.error,
            response_excerpt=view.response_excerpt,
            trigger=view.trigger,  # type: ignore[arg-type]
        )


class DeliveryOut(BaseModel):
    webhook_id: str = Field(description="the webhook-id header: the same for every retry and replay")
    endpoint_id: str
    event_id: str
    event_type: str
    state: State
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptOut] = Field(default=[], description="every attempt, oldest first (single deliveries)")

    @classmethod
    def of(cls, view: DeliveryView) -> DeliveryOut:
        return cls(
            webhook_id=view.webhook_id,
            endpoint_id=view.endpoint_id,
            event_id=view.event_id,
            event_type=view.event_type,
            state=view.state,  # type: ignore[arg-type]
            attempts=view.attempts,
            next_attempt_at=_time(view.next_attempt_at),
            last_attempt_at=_time(view.last_attempt_at),
            created_at=datetime.fromtimestamp(view.created_at, UTC),
            attempt_log=[AttemptOut.of(attempt) for attempt in view.attempt_log],
        )


class EndpointOut(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None = Field(description="the first failure since the last success")
    created_at: datetime
    previous_secret_expires_at: datetime | None = Field(description="until when the previous secret also signs")
    deliveries: dict[str, int] = Field(description="how many deliveries are in each state")
    last_attempts: list[AttemptOut] = Field(description="the latest attempts, newest first")

    @classmethod
    def of(cls, view: EndpointView) -> EndpointOut:
        return cls(
            id=view.id,
            url=view.url,
            description=view.description,
            event_types=list(view.event_types),
            enabled=view.enabled,
            disabled_reason=view.disabled_reason,
            disabled_at=_time(view.disabled_at),
            failing_since=_time(view.failing_since),
            created_at=datetime.fromtimestamp(view.created_at, UTC),
            previous_secret_expires_at=_time(view.previous_secret_expires_at),
            deliveries=view.deliveries,
            last_attempts=[AttemptOut.of(attempt) for attempt in view.last_attempts],
        )


class EndpointWithSecret(BaseModel):
    endpoint: EndpointOut
    secret: str = Field(description="whsec_…: shown only now; receivers verify signatures with it")

    @classmethod
    def of(cls, created: EndpointCreated) -> EndpointWithSecret:
        return cls(endpoint=EndpointOut.of(created.endpoint), secret=created.secret)


class Replayed(BaseModel):
    webhook_ids: list[str]


def _answer(operation: Callable[[], Result]) -> Result:
    try:
        return operation()
    except NotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from error
    except (TargetRefusedError, InvalidEndpointError) as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    except EndpointDisabledError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error


def webhook_routes(engine: Engine, dispatcher: Dispatcher, policy: TargetPolicy) -> APIRouter:
    """The ``/webhooks/…`` routes, on the dispatcher's tables and clock; changes wake the dispatcher."""
    endpoints = Endpoints(engine, policy, tables=dispatcher.tables, clock=dispatcher.clock)
    router = APIRouter(prefix="/webhooks", tags=["webhooks"])

    @router.get("/endpoints", summary="List endpoints with their status and latest attempts")
    def list_endpoints() -> list[EndpointOut]:
        return [EndpointOut.of(view) for view in endpoints.list()]

    @router.post("/endpoints", status_code=status.HTTP_201_CREATED, summary="Add an endpoint (returns its secret)")
    def add_endpoint(body: EndpointIn) -> EndpointWithSecret:
        return EndpointWithSecret.of(_answer(lambda: endpoints.add(body.url, body.event_types, body.description)))

    @router.get("/endpoints/{endpoint_id}", summary="One endpoint")
    def get_endpoint(endpoint_id: str) -> EndpointOut:
        return EndpointOut.of(_answer(lambda: endpoints.get(endpoint_id)))

    @router.delete("/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove an endpoint")
    def remove_endpoint(endpoint_id: str) -> Response:
        _answer(lambda: endpoints.remove(endpoint_id))
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post("/endpoints/{endpoint_id}/enable", summary="Enable it and clear its failure record")
    def enable_endpoint(endpoint_id: str) -> EndpointOut:
        view = _answer(lambda: endpoints.enable(endpoint_id))
        dispatcher.wake()
        return EndpointOut.of(view)

    @router.post("/endpoints/{endpoint_id}/disable", summary="Stop deliveries to it (they wait)")
    def disable_endpoint(endpoint_id: str) -> EndpointOut:
        return EndpointOut.of(_answer(lambda: endpoints.disable(endpoint_id)))

    @router.post("/endpoints/{endpoint_id}/rotate", summary="New secret; the old one also signs for 24 h")
    def rotate_secret(endpoint_id: str) -> EndpointWithSecret:
        return EndpointWithSecret.of(_answer(lambda: endpoints.rotate_secret(endpoint_id)))

    @router.post("/endpoints/{endpoint_id}/test", summary="Send a webhook.test event now and show the attempt")
    def test_endpoint(endpoint_id: str) -> DeliveryOut:
        return DeliveryOut.of(_answer(lambda: endpoints.test(endpoint_id, dispatcher)))

    @router.post(
        "/endpoints/{endpoint_id}/replay",
        status_code=status.HTTP_202_ACCEPTED,
        summary="Send again every delivery created since a time",
    )
    def replay_endpoint(endpoint_id: str, since: Annotated[datetime, Query()]) -> Replayed:
        moment = (since if since.tzinfo else since.replace(tzinfo=UTC)).timestamp()
        ids = _answer(lambda: endpoints.replay_since(endpoint_id, moment))
        dispatcher.wake()
        return Replayed(webhook_ids=ids)

    @router.get("/deliveries", summary="The latest deliveries, newest first")
    def list_deliveries(
        endpoint: str | None = None,
        state: State | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[DeliveryOut]:
        return [DeliveryOut.of(view) for view in endpoints.deliveries(endpoint, state, limit)]

    @router.get("/deliveries/{webhook_id}", summary="One delivery with all its attempts")
    def get_delivery(webhook_id: str) -> DeliveryOut:
        return DeliveryOut.of(_answer(lambda: endpoints.delivery(webhook_id)))

    @router.post("/deliveries/{webhook_id}/replay", status_code=status.HTTP_202_ACCEPTED, summary="Send it again now")
    def replay_delivery(webhook_id: str) -> DeliveryOut:
        view = _answer(lambda: endpoints.replay(webhook_id))
        dispatcher.wake()
        return DeliveryOut.of(view)

    return router

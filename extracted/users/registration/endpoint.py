"""``wp-login.php?action=register`` served by the users service: the form, its POST, and dry runs.

WordPress 6.1's answer is :func:`~extracted.users.registration.answers.answer_registration` (the page,
``register_new_user``'s rules, the redirects, from the site's options), asked with the users the store
knows (:class:`~extracted.users.registration.record.Directory`); an accepted POST is recorded
(``record``) in the same store transaction as the checks, then answered with WordPress's redirect.

Declined with 503 and ``X-Strangler-Unavailable`` *before acting*, so the proxy lets WordPress answer:
any other action of ``wp-login.php`` (as ``$_REQUEST['action']``, ``key`` and ``checkemail`` decide it),
a body that is not a plain form, arguments PHP reads as arrays, a page that would show what the store
does not hold (a published privacy policy page, a site icon), and any registration while the service
has no legacy database to sync to.

**Dry run** (``X-Strangler-Dry-Run: 1``, which only the proxy sends, on shadow copies): the same
checks and the same answer, nothing stored, published or synced. The copy comes after WordPress
answered, so WordPress's own user for that very request may be in the store already; the checks run
as of the request's start: ``X-Strangler-Request-Start`` (epoch milliseconds) when the proxy sends
it, else :data:`DRY_RUN_LOOKBACK_MS` before the copy arrived (see ``record.Directory``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.requests import Request

from extracted.rest import Reply, ServiceUnavailableError, encode_unavailable, parse_str
from extracted.runtime import begin_write
from extracted.users import schema

from .answers import RegistrationAnswer, answer_registration
from .page import RegistrationSettings
from .record import Directory, record_registration
from .request import RegistrationRequest
from .validation import NoUsers

__all__ = ["DRY_RUN_LOOKBACK_MS", "REQUEST_START_HEADER", "RegistrationEndpoint", "login_request", "request_start"]

log = logging.getLogger(__name__)
SERVICE = "users"
#: what the proxy would need to send on copies: when the visitor's request reached it (epoch ms)
REQUEST_START_HEADER = "x-strangler-request-start"
#: without that header: how long before a copy's arrival its request may have started
DRY_RUN_LOOKBACK_MS = 60_000
RECORD_ATTEMPTS = 5


def _decline(what: str, why: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(why, service=SERVICE, unavailable=what)


def _options(connection: Connection) -> dict[str, str]:
    return {row.name: row.value for row in connection.execute(select(schema.options.c.name, schema.options.c.value))}


def _unreproduced(connection: Connection, options: Mapping[str, str]) -> ServiceUnavailableError | None:
    """What the page would show that the store does not hold."""
    if options.get("site_icon", "0") not in ("", "0"):
        return _decline("site icon", "the login page's site icon is not reproduced")
    policy = options.get("wp_page_for_privacy_policy", "0")
    if policy.isdigit() and int(policy):
        posts = schema.posts
        status = connection.execute(select(posts.c.status).where(posts.c.id == int(policy))).scalar()
        if status == "publish":
            return _decline("privacy policy", "the login page's privacy policy link is not reproduced")
    return None


def _reply(answer: RegistrationAnswer, charset: str) -> Reply:
    return Reply(answer.status, list(answer.headers), answer.body.encode(charset or "utf-8", "replace"))


class RegistrationEndpoint:
    """The handler of ``/wp-login.php``; ``on_registered`` wakes the sync and the relay after a commit."""

    def __init__(
        self,
        engine: Engine,
        *,
        topic: str,
        table_prefix: str,
        can_sync: bool,
        on_registered: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine, self.topic, self.prefix = engine, topic, table_prefix
        self.can_sync, self.on_registered, self.clock = can_sync, on_registered, clock
        self._lock = threading.Lock()  # one registration at a time: ids are allocated in the transaction
        self.registered = self.dry_runs = 0

    def answer(self, request: RegistrationRequest, *, dry_run: bool, request_start_ms: int | None) -> Reply:
        try:
            return self._answer(request, dry_run=dry_run, request_start_ms=request_start_ms)
        except ServiceUnavailableError as error:
            return encode_unavailable(error)

    def _answer(self, request: RegistrationRequest, *, dry_run: bool, request_start_ms: int | None) -> Reply:
        if not request.is_registration:
            raise _decline("wp-login action", "only wp-login.php?action=register is served here")
        if not self.can_sync:
            raise _decline("registration", "the service has no legacy database to sync registrations to")
        with self.engine.connect() as connection:
            options = _options(connection)
            if (declined := _unreproduced(connection, options)) is not None:
                raise declined
        if "siteurl" not in options or "home" not in options:
            raise _decline("site options", "the site's URLs have not reached the service yet")
        settings = RegistrationSettings.from_options(options)
        if dry_run:
            self.dry_runs += 1
            return _reply(self._dry_run(request, settings, request_start_ms), settings.blog_charset)
        if not request.is_post:
            with self.engine.connect() as connection:
                return _reply(answer_registration(request, settings, Directory(connection)), settings.blog_charset)
        with self._lock:
            answer = self._record(request, settings)
        if answer.accepted is not None:
            self.registered += 1
            self.on_registered()
        return _reply(answer, settings.blog_charset)

    def _dry_run(
        self, request: RegistrationRequest, settings: RegistrationSettings, request_start_ms: int | None
    ) -> RegistrationAnswer:
        """The answer as of the request's start; nothing written (see module)."""
        now_ms = int(self.clock() * 1000)
        as_of = request_start_ms if request_start_ms is not None else now_ms - DRY_RUN_LOOKBACK_MS
        candidate = answer_registration(request, settings, NoUsers()).accepted  # the user it would be
        with self.engine.connect() as connection:
            if candidate is None:
                return answer_registration(request, settings, Directory(connection))
            directory = Directory(connection, candidate.stored_login, candidate.stored_email, as_of)
            return answer_registration(request, settings, directory)

    def _record(self, request: RegistrationRequest, settings: RegistrationSettings) -> RegistrationAnswer:
        """Check and store in one transaction, retried when the consumer committed in between."""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                with begin_write(self.engine) as connection:
                    answer = answer_registration(request, settings, Directory(connection))
                    if answer.accepted is not None:
                        record_registration(
                            connection, answer.accepted.stored_login, answer.accepted.stored_email,
                            int(self.clock() * 1000), topic=self.topic, table_prefix=self.prefix,
                            https=request.https,
                        )  # fmt: skip
                return answer
            except (OperationalError, IntegrityError) as error:  # a busy store, an id CDC just brought
                if attempt == RECORD_ATTEMPTS - 1:
                    raise _decline("store", f"cannot record the registration now: {error}") from error
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")


def _arguments(query: str, what: str) -> dict[str, str]:
    parsed = parse_str(query)
    if any(not isinstance(value, str) for value in parsed.values()):
        raise _decline(what, "arguments PHP reads as arrays are not followed")
    return {name: value for name, value in parsed.items() if isinstance(value, str)}


async def login_request(request: Request) -> RegistrationRequest | ServiceUnavailableError:
    """The request as PHP would see it, or why it cannot be (a body that is not a plain form, arrays)."""
    form: dict[str, str] = {}
    try:
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in ("", "application/x-www-form-urlencoded"):
                return _decline("request body", f"a {kind} body is not parsed as PHP parses it")
            form = _arguments((await request.body()).decode("utf-8", "surrogateescape"), "request body")
        query = _arguments(request.url.query, "query")
    except ServiceUnavailableError as error:
        return error
    uri = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RegistrationRequest(
        method=request.method,
        query=query,
        form=form,
        cookies=dict(request.cookies),
        https=request.url.scheme == "https",
        request_uri=uri,
        host=request.headers.get("host"),
    )


def request_start(request: Request) -> int | None:
    raw = request.headers.get(REQUEST_START_HEADER, "")
    return int(raw) if raw.isdigit() else None

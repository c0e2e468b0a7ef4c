"""``POST /wp-comments-post.php`` served by the comments service: visitors' comments, and dry runs.

WordPress 6.1's decision is ``submission.decide`` (``wp_handle_comment_submission``'s rules), asked of
the store (:class:`~extracted.comments.submission_store.StoreView`) inside the transaction that, for
an accepted comment, also records it (``record_comment``: the comment, its submission for the legacy
sync, its ``comment.posted`` event); then WordPress's answer (``submission.answers``): its error
page, or its redirect to the comment with the commenter's cookies. A refused comment stores nothing.

Declined with 503 and ``X-Strangler-Unavailable`` *before acting*, so the proxy lets WordPress take
it: what the rules defer (a logged-in visitor, content kses is not followed for…), a multipart body,
a body over PHP's ``post_max_size``, a site whose options have not reached the service, and any
submission while the service has no legacy database to sync to.

**Dry run** (``X-Strangler-Dry-Run: 1``, only the proxy's shadow copies): the same decision and
answer (the redirect names the id the comment would have had), nothing stored but the decision
(``dry_runs``: compared with WordPress's when its comment arrives).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.requests import Request

from extracted.rest import Reply, ServiceUnavailableError, encode_unavailable
from extracted.runtime import begin_write

from . import schema
from .announcer import next_comment_id
from .dry_runs import record_dry_run
from .submission.answers import SubmissionAnswer, accepted_answer, method_not_allowed, refused_answer
from .submission.request import CommentSubmission, UnsupportedSubmissionError, parse_submission
from .submission.rules import decide
from .submission.settings import SubmissionSettings
from .submission.view import Accepted, Deferred
from .submission_store import StoreView, comment_values, record_comment

__all__ = ["POST_MAX_SIZE", "SubmissionEndpoint", "read_submission"]

log = logging.getLogger(__name__)
SERVICE = "comments"
#: PHP's ``post_max_size`` on Debian (8 MB): a bigger body reaches WordPress as an empty form
POST_MAX_SIZE = 8 * 1024 * 1024
RECORD_ATTEMPTS = 5
Permalink = Callable[[Connection, object], str]


def _decline(what: str, why: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(why, service=SERVICE, unavailable=what)


async def read_submission(request: Request) -> CommentSubmission | ServiceUnavailableError:
    """The request as PHP would see it, or why it is not read here."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > POST_MAX_SIZE:
        return _decline("request body", "a body over PHP's post_max_size")
    body = await request.body() if request.method == "POST" else b""
    if len(body) > POST_MAX_SIZE:
        return _decline("request body", "a body over PHP's post_max_size")
    try:
        return parse_submission(
            method=request.method, body=body, content_type=request.headers.get("content-type"),
            cookie_header=request.headers.get("cookie", "").encode("latin-1") or None,
            query_string=request.url.query, remote_addr=request.client.host if request.client else "",
            user_agent=request.headers.get("user-agent", "").encode("latin-1") if "user-agent" in request.headers
            else None,
            https=request.url.scheme == "https", request_uri=request.url.path + (f"?{request.url.query}"
                                                                                 if request.url.query else ""),
        )  # fmt: skip
    except UnsupportedSubmissionError as error:
        return _decline("request body", str(error))


def _reply(answer: SubmissionAnswer) -> Reply:
    return Reply(answer.status, list(answer.headers), answer.body.encode("utf-8", "surrogateescape"))


class SubmissionEndpoint:
    """The handler of ``/wp-comments-post.php``; ``on_recorded`` wakes the sync and the relay after a commit."""

    def __init__(
        self,
        engine: Engine,
        *,
        topic: str,
        auth_salt: str,
        can_sync: bool,
        permalink: Permalink,
        on_recorded: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine, self.topic, self.auth_salt, self.can_sync = engine, topic, auth_salt, can_sync
        self.permalink, self.on_recorded, self.clock = permalink, on_recorded, clock
        self._lock = threading.Lock()  # one comment at a time: ids are allocated in the transaction
        self.recorded = self.refused = self.dry_runs = self.declined = 0

    def answer(self, submission: CommentSubmission, *, dry_run: bool) -> Reply:
        try:
            return self._answer(submission, dry_run=dry_run)
        except ServiceUnavailableError as error:
            self.declined += 1
            return encode_unavailable(error)

    def _settings(self) -> SubmissionSettings:
        with self.engine.connect() as connection:
            options: Mapping[str, str] = {
                row.name: row.value for row in connection.execute(select(schema.options.c.name, schema.options.c.value))
            }
        if "siteurl" not in options or "home" not in options:
            raise _decline("site options", "the site's URLs have not reached the service yet")
        return SubmissionSettings.from_options(options, auth_salt=self.auth_salt)

    def _answer(self, submission: CommentSubmission, *, dry_run: bool) -> Reply:
        if submission.method != "POST":
            return _reply(method_not_allowed())
        if not dry_run and not self.can_sync:
            raise _decline("comment submission", "the service has no legacy database to sync comments to")
        settings = self._settings()
        if dry_run:
            self.dry_runs += 1
            return _reply(self._dry_run(submission, settings))
        with self._lock:
            answer, accepted = self._record(submission, settings)
        if accepted:
            self.recorded += 1
            self.on_recorded()
        else:
            self.refused += 1
        return _reply(answer)

    def _dry_run(self, submission: CommentSubmission, settings: SubmissionSettings) -> SubmissionAnswer:
        """The answer as of the visitor's request; only the decision is kept (see module)."""
        with begin_write(self.engine) as connection:
            view = StoreView(connection, settings, self.permalink, dry_run=True)
            decision = decide(submission, view)
            if isinstance(decision, Accepted):  # again, seeing all but WordPress's own copy of it
                view = StoreView(connection, settings, self.permalink, dry_run=True, own=comment_values(decision))
                decision = decide(submission, view)
            if isinstance(decision, Deferred):
                raise _decline("comment submission", decision.reason)
            if not isinstance(decision, Accepted):
                return refused_answer(decision, settings)
            record_dry_run(connection, comment_values(decision), int(self.clock() * 1000))
            return accepted_answer(submission, decision, next_comment_id(connection), view)

    def _record(self, submission: CommentSubmission, settings: SubmissionSettings) -> tuple[SubmissionAnswer, bool]:
        """Decide and store in one transaction, retried when the consumer committed in between."""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                with begin_write(self.engine) as connection:
                    view = StoreView(connection, settings, self.permalink)
                    decision = decide(submission, view)
                    if isinstance(decision, Deferred):
                        raise _decline("comment submission", decision.reason)
                    if not isinstance(decision, Accepted):
                        return refused_answer(decision, settings), False
                    now_ms = int(self.clock() * 1000)
                    comment_id = record_comment(connection, decision, topic=self.topic, now_ms=now_ms)
                    return accepted_answer(submission, decision, comment_id, view), True
            except (OperationalError, IntegrityError) as error:  # a busy store, an id CDC just brought
                if attempt == RECORD_ATTEMPTS - 1:
                    raise _decline("store", f"cannot record the comment now: {error}") from error
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def health(self) -> dict[str, int]:
        return {"recorded": self.recorded, "refused": self.refused, "dry_runs": self.dry_runs,
                "declined": self.declined}  # fmt: skip

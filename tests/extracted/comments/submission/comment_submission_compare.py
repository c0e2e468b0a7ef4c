"""One differential case: WordPress's answer and ours, in the same form (``Outcome``), and where they differ.

An outcome is the decision (accepted with its approval, or the refusal), the row stored (every column but
the id), the HTTP status, WordPress's headers (cookies, ``Location``…), the page, and the questions the
store was asked. Our side is given WordPress's clock (the moments it read its clock at, recorded by the
harness) and the id WordPress's database gave the comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from comment_submission_cases import Case
from comment_submission_harness import Capture, HttpAnswer, OfflineCommentsWordPress, Visit
from comment_submission_sites import OPTIONS, ScenarioView, comment_row, settings_for

from extracted.comments.submission import (
    Accepted,
    Deferred,
    Refused,
    UnsupportedSubmissionError,
    accepted_answer,
    decide,
    method_not_allowed,
    parse_submission,
    refused_answer,
)
from tests.extracted.users.registration.registration_harness import first_difference

SERVER_HEADERS = frozenset({"host", "date", "connection", "x-powered-by"})
CACHED_QUESTIONS = frozenset({"comment", "user_by_email"})  # WordPress caches these: asked once


@dataclass(frozen=True)
class Outcome:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str
    row: dict[str, str] | None
    asked: tuple[str, ...]
    request: dict[str, Any] | None = None  # PHP's $_POST and $_COOKIE (ours: what we parsed)


def _asked(asked: list[dict[str, Any]]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for question in asked:
        text = f"{question['question']} {question['values']!r} -> {question['answer']!r}"
        if question["question"] in CACHED_QUESTIONS and text in seen:
            continue
        seen.add(text)
        kept.append(text)
    return tuple(kept)


def _row(row: dict[str, Any] | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {name: str(value) for name, value in row.items() if name != "comment_ID"}


def visit(case: Case) -> Visit:
    return Visit(
        body=case.body, options={**OPTIONS, **case.options}, posts=case.all_posts(),
        comments=[comment_row(0) | dict(c) for c in case.comments], users=list(case.users),
        remote_addr=case.remote_addr,
        user_agent=case.user_agent, cookie=case.cookie, method=case.method, content_type=case.content_type,
        https=case.https, empty_trash_days=case.empty_trash_days,
    )  # fmt: skip


def wordpress_outcome(answer: HttpAnswer, capture: Capture) -> Outcome:
    inserted = next((attempt["row"] for attempt in capture.inserted if attempt["ok"]), None)
    headers = tuple((name, value) for name, value in answer.headers if name.lower() not in SERVER_HEADERS)
    return Outcome(answer.status, headers, answer.body.decode("utf-8", "surrogateescape"), _row(inserted),
                   _asked(capture.asked), capture.request or None)  # fmt: skip


def _moment(timestamp: int | None, fallback: datetime) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else fallback


def our_outcome(case: Case, capture: Capture) -> Outcome | Deferred:
    options = {**OPTIONS, **case.options}
    if case.method != "POST":
        answer = method_not_allowed()
        return Outcome(answer.status, answer.headers, answer.body, None, (), {"post": {}, "cookie": {}})
    try:
        submission = parse_submission(
            method=case.method, body=case.body, content_type=case.content_type, cookie_header=case.cookie,
            remote_addr=case.remote_addr, user_agent=case.user_agent, https=case.https,
        )  # fmt: skip
    except UnsupportedSubmissionError as error:
        return Deferred(str(error))
    times = capture.times
    checked = _moment(times.get("checked"), datetime.now(UTC))
    new_date = _moment(times.get("flood"), checked)
    inserted = next((attempt["row"] for attempt in capture.inserted if attempt["ok"]), None)
    view = ScenarioView(
        settings=settings_for(options, empty_trash_days=case.empty_trash_days), now=new_date, base=new_date,
        options=options, posts=case.all_posts(), comments=[comment_row(0) | dict(c) for c in case.comments],
        users=list(case.users), post_dates=capture.post_dates,
    )  # fmt: skip
    if "flood" not in times:  # refused before wp_new_comment: the post's checks read the clock
        view.now = checked
    decision = decide(submission, view)
    request = {"post": dict(submission.form), "cookie": dict(submission.cookies)}
    if isinstance(decision, Deferred):
        return decision
    if isinstance(decision, Refused):
        answer = refused_answer(decision, view.settings)
        return Outcome(answer.status, answer.headers, answer.body, None, _asked(view.asked), request)
    assert isinstance(decision, Accepted)
    comment_id = int(inserted["comment_ID"]) if inserted else 1000
    view.now = _moment(times.get("cookies"), new_date)
    answer = accepted_answer(submission, decision, comment_id, view)
    return Outcome(answer.status, answer.headers, answer.body, _row(decision.row.columns()), _asked(view.asked),
                   request)  # fmt: skip


def _parts(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, tuple):
        return {str(index): item for index, item in enumerate(value)}
    return {"": value}


def differences(ours: Outcome, theirs: Outcome) -> list[str]:
    """What differs, part by part (a header, a column, a question; a page where it parts)."""
    found = []
    for name in ("status", "headers", "body", "row", "asked", "request"):
        mine, wordpress = getattr(ours, name), getattr(theirs, name)
        if mine == wordpress:
            continue
        if isinstance(mine, str) and isinstance(wordpress, str):
            found.append(f"{name} {first_difference(mine, wordpress)}")
            continue
        if mine is None or wordpress is None:
            found.append(f"{name}: ours {mine!r} / WordPress {wordpress!r}")
            continue
        left, right = _parts(mine), _parts(wordpress)
        for key in dict.fromkeys([*left, *right]):
            if left.get(key) != right.get(key):
                found.append(f"{name}[{key}]: ours {left.get(key)!r}\n        WordPress {right.get(key)!r}")
    return found


def _clock_moved(capture: Capture) -> bool:
    """WordPress read its clock in different seconds during the request (our side has one "now")."""
    return len(set(capture.times.values())) > 1


@dataclass(frozen=True)
class Result:
    case: Case
    ours: Outcome | Deferred
    theirs: Outcome
    capture: Capture

    @property
    def equal(self) -> bool:
        return isinstance(self.ours, Outcome) and not differences(self.ours, self.theirs)


def run_cases(wordpress: OfflineCommentsWordPress, cases: list[Case], *, attempts: int = 3) -> list[Result]:
    """Every case on both sides; a case whose request saw WordPress's clock tick is run again."""
    results: list[Result] = []
    pending = list(cases)
    for attempt in range(attempts):
        answers = wordpress.visit_all([visit(case) for case in pending])
        retry = []
        for case, (answer, capture) in zip(pending, answers, strict=True):
            result = Result(case, our_outcome(case, capture), wordpress_outcome(answer, capture), capture)
            if not result.equal and _clock_moved(capture) and attempt < attempts - 1:
                retry.append(case)
            else:
                results.append(result)
        pending = retry
        if not pending:
            break
    order = {case.name: index for index, case in enumerate(cases)}
    return sorted(results, key=lambda result: order[result.case.name])

"""The submission package's API as the comments service calls it, without PHP (the differential proves the rest)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from comment_submission_sites import OPTIONS, ScenarioView, comment_row, post_row, settings_for

from extracted.comments.submission import (
    Accepted,
    Deferred,
    Refused,
    SubmissionSettings,
    accepted_answer,
    decide,
    method_not_allowed,
    moderation_hash,
    parse_submission,
    refused_answer,
)

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
SETTINGS = settings_for(OPTIONS, empty_trash_days=None)
FORM = b"comment_post_ID=5&author=Ada&email=ada%40example.com&url=&comment=Hello+there"


def _view(*, comments: list[dict[str, object]] | None = None, **options: str) -> ScenarioView:
    merged = {**OPTIONS, **options}
    return ScenarioView(settings=settings_for(merged, empty_trash_days=None), now=NOW, base=NOW, options=merged,
                        posts=[post_row()], comments=comments or [], users=[],
                        post_dates={"5": "2026-03-01 00:00:00"})  # fmt: skip


def _submission(body: bytes = FORM, **changes: object) -> object:
    arguments: dict[str, object] = {"method": "POST", "body": body, "content_type": "application/x-www-form-urlencoded",
                                    "remote_addr": "192.0.2.1", "user_agent": b"UA"}  # fmt: skip
    arguments.update(changes)
    return parse_submission(**arguments)  # type: ignore[arg-type]


def test_an_accepted_comment_is_the_row_wordpress_writes_and_a_redirect_to_it() -> None:
    view = _view()
    submission = _submission()
    decision = decide(submission, view)  # type: ignore[arg-type]
    assert isinstance(decision, Accepted)
    assert decision.row.columns() == {
        "comment_post_ID": 5, "comment_author": "Ada", "comment_author_email": "ada@example.com",
        "comment_author_url": "", "comment_author_IP": "192.0.2.1", "comment_date": "2026-03-04 05:06:07",
        "comment_date_gmt": "2026-03-04 05:06:07", "comment_content": "Hello there", "comment_approved": "1",
        "comment_agent": "UA", "comment_parent": 0, "comment_karma": 0, "comment_type": "comment", "user_id": 0,
    }  # fmt: skip
    answer = accepted_answer(submission, decision, 77, view)  # type: ignore[arg-type]
    assert answer.status == 302
    assert ("Location", "http://example.test/hello/#comment-77") in answer.headers


def test_a_held_comment_redirects_with_its_moderation_hash() -> None:
    view = _view(comment_moderation="1")
    submission = _submission()
    decision = decide(submission, view)  # type: ignore[arg-type]
    assert isinstance(decision, Accepted) and decision.approved == "0"
    location = dict(accepted_answer(submission, decision, 9, view).headers)["Location"]  # type: ignore[arg-type]
    expected = hmac.new(SETTINGS.auth_salt.encode(), b"2026-03-04 05:06:07", hashlib.md5).hexdigest()
    assert location == f"http://example.test/hello/?unapproved=9&moderation-hash={expected}#comment-9"
    assert moderation_hash("2026-03-04 05:06:07", SETTINGS.auth_salt) == expected


def test_refusals_carry_wordpress_s_codes_statuses_and_pages() -> None:
    flood = decide(_submission(), _view(comments=[comment_row(3, comment_author_IP="192.0.2.1", age=2)]))  # type: ignore[arg-type]
    assert isinstance(flood, Refused) and (flood.code, flood.status) == ("comment_flood", 429)
    answer = refused_answer(flood, SETTINGS)
    assert answer.status == 429 and "<p>You are posting comments too quickly. Slow down.</p>" in answer.body
    missing = decide(_submission(b"comment_post_ID=99&comment=x"), _view())  # type: ignore[arg-type]
    assert isinstance(missing, Refused) and missing.silent
    assert refused_answer(missing, SETTINGS).body == ""


def test_what_the_rules_leave_to_wordpress() -> None:
    cookie = f"wordpress_logged_in_{SETTINGS.cookie_hash}=admin%7Cx".encode()
    assert isinstance(decide(_submission(cookie_header=cookie), _view()), Deferred)  # type: ignore[arg-type]
    assert method_not_allowed().status == 405


def test_settings_from_options() -> None:
    settings = SubmissionSettings.from_options({"siteurl": "https://a.test", "home": "https://a.test/blog",
                                                "require_name_email": "0"}, auth_salt="k")  # fmt: skip
    assert settings.force_ssl_admin and not settings.require_name_email
    assert settings.cookie_path == "/blog/"
    assert settings.cookie_hash == hashlib.md5(b"https://a.test").hexdigest()

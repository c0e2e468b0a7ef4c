"""The sites, posts and stored comments the comment submission differential runs against, for both sides.

``ScenarioView`` is the Python side's store for a scenario: it answers the rules' questions from the
same posts, comments and users the PHP drop-in (``php/db.php``) answers WordPress's queries from, with
the same exact matching, and records each question the way the drop-in records WordPress's, so the two
lists can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from extracted.comments.submission import DuplicateQuestion, PostView, StoredComment, SubmissionSettings
from tests.extracted.users.registration.registration_sites import OFFLINE_OPTIONS

AUTH_KEY, AUTH_SALT = "harness-auth-key", "harness-auth-salt"

#: WordPress's defaults for what the comment rules read (wp-admin/includes/schema.php), on the offline site,
#: but for comment_previously_approved: off, so that a first comment is approved unless a rule holds it
OPTIONS: dict[str, Any] = {
    **OFFLINE_OPTIONS,
    "blogname": "Comments",
    "auth_key": AUTH_KEY,
    "auth_salt": AUTH_SALT,
    "require_name_email": "1",
    "comment_registration": "0",
    "comment_moderation": "0",
    "comment_max_links": "2",
    "moderation_keys": "",
    "disallowed_keys": "",
    "comment_previously_approved": "0",
    "close_comments_for_old_posts": "0",
    "close_comments_days_old": "14",
    "thread_comments": "1",
    "thread_comments_depth": "5",
    "page_comments": "0",
    "comments_per_page": "50",
    "default_comments_page": "newest",
    "comment_order": "asc",
    "timezone_string": "",
    "gmt_offset": "0",
    "use_smilies": "1",
    "use_balanceTags": "0",
    "comments_notify": "1",
    "moderation_notify": "1",
    "default_comment_status": "open",
    "show_avatars": "1",
}

POST_ID = 5


def post_row(**overrides: Any) -> dict[str, Any]:
    """A ``wp_posts`` row (``age``: seconds since its ``post_date_gmt``)."""
    row: dict[str, Any] = {
        "ID": POST_ID, "post_author": 1, "post_title": "Hello", "post_name": "hello", "post_type": "post",
        "post_status": "publish", "comment_status": "open", "ping_status": "open", "post_password": "",
        "post_parent": 0, "post_content": "Hello.", "post_excerpt": "", "to_ping": "", "pinged": "",
        "post_content_filtered": "", "guid": "", "menu_order": 0, "post_mime_type": "", "comment_count": 0,
        "age": 3600,
    }  # fmt: skip
    row.update(overrides)
    return row


def comment_row(comment_id: int, **overrides: Any) -> dict[str, Any]:
    """A stored comment (``age``: seconds before the new comment; a day by default)."""
    row: dict[str, Any] = {"comment_ID": comment_id, "comment_post_ID": POST_ID, "comment_author": "Someone",
                           "comment_author_email": "someone@example.org", "comment_author_IP": "198.51.100.7",
                           "comment_content": "Earlier.", "comment_approved": "1", "comment_parent": 0,
                           "user_id": 0, "age": 86400}  # fmt: skip
    row.update(overrides)
    return row


def permalink(post: Mapping[str, Any], options: Mapping[str, Any], posts: Sequence[Mapping[str, Any]] = ()) -> str:
    """``get_permalink()`` of the posts the cases use (by name, an attachment under its post; or plain links)."""
    home = str(options["home"]).rstrip("/")
    if not options.get("permalink_structure"):
        argument = {"post": "p", "page": "page_id", "attachment": "attachment_id"}[post["post_type"]]
        return f"{home}/?{argument}={post['ID']}"
    parent = next((p for p in posts if int(p["ID"]) == int(post["post_parent"]) and p is not post), None)
    if post["post_type"] == "attachment" and parent is not None:
        return f"{permalink(parent, options, posts)}{post['post_name']}/"
    return f"{home}/{post['post_name']}/"


def settings_for(options: Mapping[str, Any], *, empty_trash_days: int | None) -> SubmissionSettings:
    return SubmissionSettings.from_options(
        options,
        auth_salt=str(options.get("auth_key", "")) + str(options.get("auth_salt", "")),
        empty_trash_days=30 if empty_trash_days is None else empty_trash_days,
    )


def _mysql(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class ScenarioView:
    """A ``SubmissionView`` over a scenario, recording the questions asked (as ``php/db.php`` does)."""

    settings: SubmissionSettings
    now: datetime
    base: datetime  # the time the stored comments' ages count back from (the new comment's date)
    options: Mapping[str, Any]
    posts: Sequence[Mapping[str, Any]]
    comments: Sequence[Mapping[str, Any]]
    users: Sequence[Mapping[str, Any]]
    post_dates: Mapping[str, str]  # post_date_gmt WordPress read, by post id
    asked: list[dict[str, Any]] = field(default_factory=list)

    def _ask(self, question: str, values: list[Any], answer: Any) -> Any:
        self.asked.append({"question": question, "values": values, "answer": answer})
        return answer

    def _stored(self) -> list[dict[str, Any]]:
        rows = []
        for comment in self.comments:
            date_gmt = _mysql(self.base.astimezone(UTC) - timedelta(seconds=comment.get("age", 86400)))
            rows.append({"comment_date_gmt": date_gmt, "comment_author_url": "", **comment})
        return rows

    def post(self, post_id: int) -> PostView | None:
        for post in self.posts:
            if int(post["ID"]) == post_id:
                date_gmt = post.get("post_date_gmt") or self.post_dates.get(str(post_id), "0000-00-00 00:00:00")
                return PostView(
                    id=post_id, post_type=post["post_type"], status=post["post_status"],
                    comment_status=post["comment_status"], password=post["post_password"], date_gmt=date_gmt,
                    parent=int(post["post_parent"]), permalink=permalink(post, self.options, self.posts),
                    trash_meta_status=str(post.get("trash_meta_status", "")),
                )  # fmt: skip
        return None

    def comment(self, comment_id: int) -> StoredComment | None:
        for row in self._stored():
            if int(row["comment_ID"]) == comment_id:
                self._ask("comment", [comment_id], str(row["comment_approved"]))
                return StoredComment(id=comment_id, post_id=int(row["comment_post_ID"]),
                                     approved=str(row["comment_approved"]), parent=int(row["comment_parent"]),
                                     date_gmt=row["comment_date_gmt"],
                                     author_email=row["comment_author_email"])  # fmt: skip
        return self._ask("comment", [comment_id], None)  # type: ignore[no-any-return]

    def is_duplicate(self, question: DuplicateQuestion) -> bool:
        found = any(
            int(row["comment_post_ID"]) == question.post_id and str(row["comment_parent"]) == question.parent
            and row["comment_approved"] != "trash" and row["comment_author"] == question.author
            and (question.email is None or row["comment_author_email"] == question.email)
            and row["comment_content"] == question.content
            for row in self._stored()
        )  # fmt: skip
        values = [question.post_id, question.parent, question.author, question.email, question.content]
        return bool(self._ask("duplicate", values, found))

    def last_comment_date_gmt(self, *, ip: str, email: str, since: str) -> str | None:
        dates = [row["comment_date_gmt"] for row in self._stored() if row["comment_date_gmt"] >= since
                 and (row["comment_author_IP"] == ip or row["comment_author_email"] == email)]  # fmt: skip
        return self._ask("flood", [since, ip, email], max(dates) if dates else None)  # type: ignore[no-any-return]

    def user_id_by_email(self, email: str) -> int | None:
        found = next((int(user["ID"]) for user in self.users if user["user_email"] == email), None)
        return self._ask("user_by_email", [email], found)  # type: ignore[no-any-return]

    def has_approved_comment_by_user(self, user_id: int) -> bool:
        found = any(int(row["user_id"]) == user_id and str(row["comment_approved"]) == "1" for row in self._stored())
        return bool(self._ask("approved_by_user", [user_id], found))

    def has_approved_comment_by_author(self, author: str, email: str) -> bool:
        found = any(row["comment_author"] == author and row["comment_author_email"] == email
                    and str(row["comment_approved"]) == "1" for row in self._stored())  # fmt: skip
        return bool(self._ask("approved_by_author", [author, email], found))

    def count_older_comments(self, *, post_id: int, before_gmt: str, unapproved_email: str | None) -> int:
        emails = [unapproved_email] if unapproved_email else []
        count = sum(
            1 for row in self._stored()
            if int(row["comment_post_ID"]) == post_id and int(row["comment_parent"]) == 0
            and row["comment_date_gmt"] < before_gmt
            and (str(row["comment_approved"]) == "1"
                 or (str(row["comment_approved"]) == "0" and row["comment_author_email"] in emails))
        )  # fmt: skip
        return int(self._ask("count_older", [post_id, before_gmt, emails], count))

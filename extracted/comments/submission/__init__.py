"""WordPress 6.1.9's comment submission (``POST /wp-comments-post.php``) as pure functions: rules and answer.

    from extracted.comments.submission import (Accepted, Refused, Deferred, SubmissionSettings,
                                               accepted_answer, decide, parse_submission, refused_answer)

    submission = parse_submission(method=..., body=..., content_type=..., cookie_header=...,
                                  remote_addr=..., user_agent=..., https=..., request_uri=...)
    decision = decide(submission, view)         # view: a SubmissionView (the store, the settings, now)
    if isinstance(decision, Accepted):
        comment_id = ...                         # store decision.row (every wp_comments column but the id)
        answer = accepted_answer(submission, decision, comment_id, view)
    elif isinstance(decision, Refused):
        answer = refused_answer(decision, view.settings)
    else:                                        # Deferred: WordPress takes this request
        ...

Modules: ``request`` (PHP's ``$_POST``/``$_COOKIE`` from the request), ``rules`` (``decide``: the post's
checks, required fields, lengths, ``wp_new_comment``), ``fields`` (the ``pre_comment_*``
filters), ``moderation`` (approval: ``check_comment``, the disallowed words), ``columns`` (what
``wp_comments`` accepts), ``view`` (what the store answers, the decisions), ``links`` (the redirect, the
moderation hash), ``answers`` (status, headers, cookies, the ``wp_die`` page), ``settings`` (the options
and the salt). No I/O. Proven against the installed WordPress by ``tests/extracted/comments/submission``.
"""

from .answers import SubmissionAnswer, accepted_answer, method_not_allowed, refused_answer, wp_die_page
from .links import comment_link, moderation_hash, submission_location
from .request import CommentSubmission, UnsupportedSubmissionError, parse_cookie_header, parse_form, parse_submission
from .rules import MESSAGES, decide, local_time
from .settings import ColumnLengths, SubmissionSettings
from .view import (
    Accepted,
    CommentRow,
    Decision,
    Deferred,
    DuplicateQuestion,
    PostView,
    Refused,
    StoredComment,
    SubmissionView,
)

__all__ = [
    "MESSAGES",
    "Accepted",
    "ColumnLengths",
    "CommentRow",
    "CommentSubmission",
    "Decision",
    "Deferred",
    "DuplicateQuestion",
    "PostView",
    "Refused",
    "StoredComment",
    "SubmissionAnswer",
    "SubmissionSettings",
    "SubmissionView",
    "UnsupportedSubmissionError",
    "accepted_answer",
    "comment_link",
    "decide",
    "local_time",
    "method_not_allowed",
    "moderation_hash",
    "parse_cookie_header",
    "parse_form",
    "parse_submission",
    "refused_answer",
    "submission_location",
    "wp_die_page",
]

"""The comments service: WordPress's comments as their own capability, publishing domain events.

It builds its read model from the ``wp_comments`` (and a slice of ``wp_posts``) change events and
from the users service's events (the emails behind registered commenters' avatars), serves
``/wp-json/wp/v2/comments[/ID]`` as WordPress 6.1 answers a visitor, and derives ``comment.posted``,
``comment.approved``, ``comment.status_changed``, ``comment.updated`` and ``comment.deleted`` from the
state the rows leave (``derivation``), on ``<prefix>.events.comments``.

Visitors' submissions (``POST /wp-comments-post.php``) are taken by the service under WordPress 6.1's
rules (``submission``): the service is the system of record of the comments it takes (the comment,
its submission record and its ``comment.posted`` event in one transaction), and its legacy sync
writes them into WordPress's database, so WordPress's pages, feeds and wp-admin show them; a
comment taken while WordPress is down reaches WordPress when its database is back.

Modules: ``schema`` (the read model), ``records`` (the service's own records: pending, announced,
submissions, dry runs), ``projection`` (change events → store), ``derivation`` (pure: which events a
comment's state makes), ``announcer`` (pending comments → the outbox, a worker), ``site``; the REST
endpoints: ``api`` with ``comment_args`` (arguments), ``access`` (who may read what), ``comment_query``,
``comment_view`` (a comment as the API shows it, its link), ``comment_pages`` (the comment page a
link names), ``post_embed`` (the post a comment's ``up`` embeds) and ``dates``; the submissions:
``submission`` (WordPress's rules and answers, pure), ``submission_store`` (the store as the rules see
it, a comment recorded), ``submission_endpoint``, ``dry_runs`` (shadowed decisions against
WordPress's) and ``legacy_sync`` (the system of record → WordPress); ``app`` (HTTP, answers cached
per read-model generation), ``context`` (what the app and the workers share), ``service`` (the kit's
definition).
"""

from .derivation import Announced, CommentState, Decision, DerivedEvent, decide, event_status

__all__ = ["Announced", "CommentState", "Decision", "DerivedEvent", "decide", "event_status"]

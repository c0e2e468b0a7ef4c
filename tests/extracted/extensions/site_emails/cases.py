"""The differential cases of the site's comment notices: one description, two renderings (the rows
WordPress's PHP reads, and the facts our notices read)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from extracted.extensions.site_emails.facts import CommentFacts, NoticeFacts, PostFacts, SiteFacts, UserFacts

ROLE_META = {role: f'a:1:{{s:{len(role)}:"{role}";b:1;}}' for role in
             ("administrator", "editor", "author", "contributor", "subscriber")}  # fmt: skip


BASE_SITE = SiteFacts(
    "My Site", "admin@site.test", "http://www.site.test", "http://www.site.test", permalink_structure="/%postname%/"
)
BASE_COMMENT = CommentFacts(
    9, 5, 0, 0, "Bob", "bob@x.test", "https://bob.test", "127.0.0.1",
    "Nice post.\r\nTwo lines &amp; &quot;quotes&quot;.", "comment", "hold",
)  # fmt: skip
BASE_POST = PostFacts(5, "Hello world", 2, "post", "publish", "http://www.site.test/hello-world/")
BASE_AUTHOR = UserFacts(2, "ann@site.test", ("author",))


@dataclass(frozen=True)
class Case:
    name: str
    site: SiteFacts = BASE_SITE
    comment: CommentFacts = BASE_COMMENT
    post: PostFacts | None = BASE_POST
    author: UserFacts | None = BASE_AUTHOR
    pending: int = 3
    parent_post_id: int | None = None  # the parent comment exists, on this post (0: its post is gone)
    acting_user_id: int = 0
    hook: str = "comment_post"  # or "approve" (a held comment approved later)
    extra_users: tuple[UserFacts, ...] = field(default_factory=tuple)

    def facts(self) -> NoticeFacts:
        status = "approved" if self.hook == "approve" else self.comment.status
        parent_post = self.post if self.post and self.parent_post_id == self.post.id else None
        return NoticeFacts(self.site, replace(self.comment, status=status), self.post, self.author, self.pending,
                           parent_found=self.parent_post_id is not None, parent_post=parent_post,
                           acting_user_id=self.acting_user_id)  # fmt: skip

    def php(self) -> dict[str, Any]:
        site, comment = self.site, self.comment
        options = {"home": site.home, "siteurl": site.siteurl, "blogname": site.blogname,
                   "admin_email": site.admin_email, "moderation_notify": "1" if site.moderation_notify else "0",
                   "comments_notify": "1" if site.comments_notify else "0", "blog_charset": site.blog_charset,
                   "permalink_structure": site.permalink_structure, "page_comments": "0"}  # fmt: skip
        approved = {"approved": "1", "hold": "0"}.get(comment.status, comment.status)
        comments = [{"comment_ID": comment.id, "comment_post_ID": comment.post, "comment_parent": comment.parent,
                     "user_id": comment.user_id, "comment_author": comment.author_name,
                     "comment_author_email": comment.author_email, "comment_author_url": comment.author_url,
                     "comment_author_IP": comment.author_ip, "comment_content": comment.content,
                     "comment_type": comment.type, "comment_approved": approved,
                     "comment_date": "2020-01-02 00:00:00", "comment_date_gmt": "2020-01-02 00:00:00",
                     "comment_karma": 0, "comment_agent": ""}]  # fmt: skip
        if self.parent_post_id is not None:
            comments.append({**comments[0], "comment_ID": comment.parent, "comment_post_ID": self.parent_post_id,
                             "comment_parent": 0, "comment_approved": "1"})  # fmt: skip
        posts = []
        if self.post:
            post = self.post
            posts.append({"ID": post.id, "post_author": str(post.author), "post_title": post.title,
                          "post_type": post.type, "post_status": post.status, "post_name": "p",
                          "post_date": "2020-01-01 00:00:00", "comment_status": "open",
                          "strangler_link": post.link})  # fmt: skip
        users, meta = [], {}
        for user in [*([self.author] if self.author else []), *self.extra_users]:
            users.append({"ID": user.id, "user_login": f"user{user.id}", "user_email": user.email,
                          "display_name": f"User {user.id}"})  # fmt: skip
            if user.roles:
                meta[str(user.id)] = {"wp_capabilities": ROLE_META[user.roles[0]]}
        return {"options": options, "posts": posts, "users": users, "usermeta": meta, "comments": comments,
                "waiting": self.pending, "current_user": self.acting_user_id, "comment_id": comment.id,
                "hook": self.hook, "https": site.admin_https}  # fmt: skip


def _c(**changes: Any) -> CommentFacts:
    return replace(BASE_COMMENT, **changes)


def _s(**changes: Any) -> SiteFacts:
    return replace(BASE_SITE, **changes)


APPROVED = _c(status="approved")
CASES: list[Case] = [
    Case("held comment"),
    Case("approved comment", comment=APPROVED),
    Case("approved later in wp-admin", hook="approve"),
    Case("approved later by the post author", hook="approve", acting_user_id=2),
    Case(
        "approved later by another moderator",
        hook="approve",
        acting_user_id=1,
        extra_users=(UserFacts(1, "admin@site.test", ("administrator",)),),
    ),
    Case("held pingback", comment=_c(type="pingback", author_name="Other blog", author_email="")),
    Case(
        "approved pingback", comment=_c(type="pingback", author_name="Other blog", author_email="", status="approved")
    ),
    Case("held trackback", comment=_c(type="trackback", author_name="Tracker", author_email="")),
    Case("approved trackback", comment=_c(type="trackback", author_name="Tracker", author_email="", status="approved")),
    Case("held reply", comment=_c(parent=7), parent_post_id=5),
    Case("approved reply", comment=_c(parent=7, status="approved"), parent_post_id=5),
    Case("approved reply, parent gone", comment=_c(parent=7, status="approved")),
    Case(
        "approved reply by a subscriber's post",
        comment=_c(parent=7, status="approved"),
        parent_post_id=5,
        author=UserFacts(2, "ann@site.test", ("subscriber",)),
    ),
    Case("held, empty author", comment=_c(author_name="")),
    Case("approved, empty author", comment=_c(author_name="", status="approved")),
    Case("approved, empty email", comment=_c(author_email="", status="approved")),
    Case("approved, empty author and email", comment=_c(author_name="", author_email="", status="approved")),
    Case("held, empty email", comment=_c(author_email="")),
    Case("held, no IP", comment=_c(author_ip="")),
    Case("approved, not an IP", comment=_c(author_ip="unknown", status="approved")),
    Case("held, IPv6 loopback", comment=_c(author_ip="::1")),
    Case("held, subscriber author", author=UserFacts(2, "ann@site.test", ("subscriber",))),
    Case("held, contributor author", author=UserFacts(2, "ann@site.test", ("contributor",))),
    Case(
        "held, contributor author of a draft",
        author=UserFacts(2, "ann@site.test", ("contributor",)),
        post=replace(BASE_POST, status="draft"),
    ),
    Case("approved, subscriber author", comment=APPROVED, author=UserFacts(2, "ann@site.test", ("subscriber",))),
    Case("approved, contributor author", comment=APPROVED, author=UserFacts(2, "ann@site.test", ("contributor",))),
    Case("approved, author without a role", comment=APPROVED, author=UserFacts(2, "ann@site.test", ())),
    Case(
        "held, editor on a page",
        author=UserFacts(2, "ann@site.test", ("editor",)),
        post=replace(BASE_POST, type="page"),
    ),
    Case("held, author on a page", post=replace(BASE_POST, type="page")),
    Case("approved, author on a page", comment=APPROVED, post=replace(BASE_POST, type="page")),
    Case("held, author without email", author=UserFacts(2, "", ("author",))),
    Case("approved, author without email", comment=APPROVED, author=UserFacts(2, "", ("author",))),
    Case("held, author account gone", author=None),
    Case("approved, author account gone", comment=APPROVED, author=None),
    Case("approved, written by the post author", comment=_c(user_id=2, status="approved"), acting_user_id=2),
    Case("held, written by the post author", comment=_c(user_id=2), acting_user_id=2),
    Case("held, admin is the author", author=UserFacts(2, "Admin@Site.test", ("administrator",))),
    Case("held, one waiting", pending=1),
    Case("held, none counted", pending=0),
    Case("held, many waiting", pending=12345),
    Case("held, blogname with entities", site=_s(blogname="Tom &amp; Jerry&#039;s &quot;shop&quot; &lt;3")),
    Case(
        "approved, blogname with entities, empty author",
        site=_s(blogname="A &amp; B&#039;s"),
        comment=_c(author_name="", status="approved"),
    ),
    Case("held, title with entities", post=replace(BASE_POST, title="Fish &amp; chips &#8217;n&#039; &quot;x&quot;")),
    Case(
        "approved, title with entities",
        comment=APPROVED,
        post=replace(BASE_POST, title="Fish &amp; chips &#039;n&#039;"),
    ),
    Case("held, long title", post=replace(BASE_POST, title="A rather long title that goes on " * 3)),
    Case(
        "approved, accents",
        comment=_c(author_name="José Müller", content="Très bien ✓", status="approved"),
        post=replace(BASE_POST, title="Über café"),
    ),
    Case("approved, long accented author", comment=_c(author_name="Ünïcødé " * 8, status="approved")),
    Case("approved, author with dots", comment=_c(author_name="J. R. R. Tolkien", status="approved")),
    Case("approved, author with entity", comment=_c(author_name="Tom &amp; Jerry", status="approved")),
    Case("held, moderation notices off", site=_s(moderation_notify=False)),
    Case("approved, author notices off", comment=APPROVED, site=_s(comments_notify=False)),
    Case("approved later, notices off", hook="approve", site=_s(comments_notify=False)),
    Case("spam", comment=_c(status="spam")),
    Case("held, https admin", site=_s(admin_https=True)),
    Case(
        "approved, https site in an http request",
        comment=APPROVED,
        site=_s(siteurl="https://www.site.test/wp", home="https://site.test"),
    ),
    Case(
        "approved, plain permalinks",
        comment=APPROVED,
        site=_s(permalink_structure=""),
        post=replace(BASE_POST, link="http://www.site.test/?p=5"),
    ),
    Case(
        "approved, structure without slash",
        comment=APPROVED,
        site=_s(permalink_structure="/%postname%"),
        post=replace(BASE_POST, link="http://www.site.test/hello-world"),
    ),
    Case("approved, long comment line", comment=_c(content="word " * 300 + "é" * 50, status="approved")),
    Case("held, admin address invalid", site=_s(admin_email="not-an-address")),
    Case("held, site on localhost", site=_s(home="http://localhost", siteurl="http://localhost")),
]

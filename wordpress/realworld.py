"""Real-world-shaped WordPress sites for property tests: what years of plugins, migrations and hand
edits leave behind, as a :class:`~wordpress.wxr.WxrExport` (the demo site, :mod:`wordpress.demo`, is the
tidy one; the vocabulary is in :mod:`wordpress.realworld_parts`).

:func:`generate_site` is pure and deterministic: one ``random.Random(seed)``, no clock, no I/O. Every
shape of :data:`SHAPES` is on at least one item whatever the seed (each on an item of its own, published
unless the shape is a status, so that a visitor sees it); the rest is drawn in the proportions below:

- dangling references: featured images (``_thumbnail_id``) of missing posts (~6 %) and of a post that is
  not an attachment; parents that are missing (pages ~8 %, attachments ~10 %) and page parents that are
  posts (~5 %); creators missing from the author list or empty (~8 %); item terms the channel never
  declares (~8 %); comments replying to missing or later comments (~10 %) or by missing users;
  comments on posts WordPress will not import (those of the custom post type);
- authors with an empty email, two with the same email, a login differing in case from its posts'
  creator, a login ``sanitize_user`` leaves nothing of, an empty display name, one without posts;
- legacy slugs (empty ~5 %, capitalised ~5 %, far too long ~3 %, uppercase, percent-encoded, numeric,
  ``_wp_old_slug``) and statuses (~20 %: ``future`` ahead and past, ``pending``, ``private``, ``draft``,
  ``trash``, ``inherit`` on posts and pages with and without a parent, an unknown one);
- serialized PHP meta (posts ~20 %, terms, comments, attachment metadata, ~10 % broken by a
  search-replace); very long content (one post of :data:`LONG_CONTENT_BYTES`); shortcodes (~20 %) and
  blocks (~10 %) of plugins that are not installed, ``[gallery]`` and ``[caption]``; a custom post type
  and a custom taxonomy WordPress does not register; post formats (~15 %, one WordPress does not know);
- ties: titles and dates from small pools (equal titles, equal dates), pages mostly at menu_order 0;
- a repeated post id, nav menu items, sticky posts (one a draft), passwords (~5 %), zero GMT dates.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from extracted.formatting.phpdata import php_serialize
from wordpress import realworld_parts as parts
from wordpress.realworld_parts import (
    CAPTION,
    CUSTOM_POST_TYPE,
    CUSTOM_TAXONOMY,
    FIRST_AUTHOR_ID,
    FIRST_COMMENT_ID,
    FIRST_POST_ID,
    LONG_CONTENT_BYTES,
    SITE_URL,
    UNINSTALLED_SHORTCODES,
    UNKNOWN_BLOCKS,
)
from wordpress.wxr import WxrComment, WxrExport, WxrItemTerm, WxrPost

__all__ = ["CUSTOM_POST_TYPE", "CUSTOM_TAXONOMY", "LONG_CONTENT_BYTES", "MIN_SIZE", "SHAPES", "SITE_URL",
           "generate_site", "php_serialize"]  # fmt: skip

NO_DATE = "0000-00-00 00:00:00"
AHEAD, PAST = "2032-05-05 05:05:05", "2015-05-05 05:05:05"  # dates of scheduled posts


class _Site:
    """The random draws of one site; items are made in order, so a seed always gives the same site."""

    def __init__(self, seed: int, size: int) -> None:
        self.rng = rng = random.Random(seed)
        self.size = size
        self.next_id = FIRST_POST_ID
        self.next_comment_id = FIRST_COMMENT_ID
        self.titles = [
            *parts.SPECIAL_TITLES,
            *(" ".join(rng.sample(parts.WORDS, 3)).capitalize() for _ in range(size // 3)),
        ]
        self.dates = [self.date(2006, 2023) for _ in range(size // 2)]
        self.authors = parts.authors(max(3, size // 10))
        self.terms = parts.terms(rng)
        self.categories = [t for t in self.terms if t.taxonomy == "category"]
        self.tags = [t for t in self.terms if t.taxonomy == "post_tag"]
        self.attachments: list[WxrPost] = []
        self.first_post_id = 0

    def visible(self, post: WxrPost) -> WxrPost:
        """The post published, without a password, and dated in the past (or WordPress schedules it)."""
        date = post.date if post.date < "2030" else self.rng.choice(self.dates)
        return replace(post, status="publish", password="", date=date, date_gmt=date, modified=date, modified_gmt=date)

    def date(self, first_year: int, last_year: int) -> str:
        rng = self.rng
        day = f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return f"{day} {rng.randint(0, 23):02d}:{rng.choice((0, 0, 30, 59)):02d}:00"

    def new_id(self) -> int:
        self.next_id += self.rng.choice((1, 1, 1, 2, 7))  # gaps, as deleted posts leave
        return self.next_id

    def missing_id(self) -> int:
        """A post id no item of the export has (nor a fresh install, nor the demo site)."""
        return FIRST_POST_ID - self.rng.randint(1, 9_000)

    def item_terms(self, post_type: str) -> tuple[WxrItemTerm, ...]:
        rng = self.rng
        if post_type != "post":
            return ()
        chosen = [rng.choice(self.categories), *rng.sample(self.tags, rng.randint(0, 3))]
        terms = [WxrItemTerm(t.taxonomy, t.slug, t.name) for t in chosen]
        if rng.random() < 0.08:  # a term the channel never declared (hand-edited or partial exports)
            terms.append(WxrItemTerm("category", f"undeclared-{rng.randint(1, 5)}", "Undeclared"))
        if rng.random() < 0.15:
            slug, name = rng.choice((("post-format-aside", "Aside"), ("post-format-gallery", "Gallery")))
            terms.append(WxrItemTerm("post_format", slug, name))
        if rng.random() < 0.05:
            terms.append(WxrItemTerm(CUSTOM_TAXONOMY, "illustration", "Illustration"))
        return tuple(terms)

    def content(self) -> str:
        rng = self.rng
        pieces = [parts.paragraphs(rng, rng.randint(1, 4))]
        for probability, piece in ((0.2, rng.choice(UNINSTALLED_SHORTCODES)), (0.1, rng.choice(UNKNOWN_BLOCKS)),
                                   (0.1, CAPTION), (0.2, parts.ENTITIES)):  # fmt: skip
            if rng.random() < probability:
                pieces.append(piece)
        if rng.random() < 0.1:
            pieces.insert(1, "<!--more-->")
        return "\n\n".join(pieces)

    def slug(self, title: str) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return ""
        if roll < 0.10:
            return "-".join(word.capitalize() for word in parts.slugify(title).split("-"))
        if roll < 0.13:
            return "legacy-" + "x" * 230
        return parts.slugify(title)

    def meta(self, post_type: str) -> tuple[tuple[str, str], ...]:
        rng = self.rng
        meta: list[tuple[str, str]] = []
        roll = rng.random()
        if roll < 0.5 and self.attachments:
            meta.append(("_thumbnail_id", str(rng.choice(self.attachments).post_id)))
        elif roll < 0.56:
            meta.append(("_thumbnail_id", str(self.missing_id())))
        if rng.random() < 0.2:
            meta.append(("_legacy_plugin_settings", php_serialize({"layout": "wide", "ids": [1, 2, 3]})))
        if rng.random() < 0.1:
            meta.append(("_wp_old_slug", f"old-slug-{rng.randint(1, 99)}"))
        if rng.random() < 0.1:
            meta.append(("_edit_lock", f"{rng.randint(1_300_000_000, 1_700_000_000)}:1"))
        if post_type == "page" and rng.random() < 0.2:
            meta.append(("_wp_page_template", rng.choice(("default", "templates/full-width.php"))))
        return tuple(meta)

    def comments(self, post_date: str, *, at_least_one: bool = False) -> tuple[WxrComment, ...]:
        rng = self.rng
        if rng.random() > 0.4 and not at_least_one:
            return ()
        comments: list[WxrComment] = []
        for _ in range(rng.randint(1, 4)):
            self.next_comment_id += rng.choice((1, 1, 3))
            # a reply to an earlier comment, to one that comes later (or nowhere), to one never exported
            earlier = rng.choice(comments).comment_id if comments else 0
            parent = rng.choices((0, earlier, self.next_comment_id + 1, FIRST_COMMENT_ID - 1), (60, 30, 5, 5))[0]
            meta = (("akismet_history", php_serialize({"time": 1_400_000_000, "event": "check-ham"})),)
            comment = WxrComment(
                comment_id=self.next_comment_id,
                author=rng.choice(("Visitor", "A. Reader", "", "Ünïcödé Fan")),
                author_email=rng.choice(("visitor@example.test", "", parts.SHARED_EMAIL)),
                author_url=rng.choice(("", "http://spam.example.test/?x=1&y=2")),
                author_ip="192.0.2.1",
                date=post_date,
                date_gmt=post_date,
                content=rng.choice(("Nice post!", "<strong>Bold</strong> claim.", parts.paragraphs(rng, 2))),
                approved=rng.choice(("1", "1", "1", "0", "spam", "trash")),
                comment_type=rng.choice(("comment", "comment", "", "pingback", "trackback")),
                parent=parent,
                user_id=rng.choice((0, 0, 0, FIRST_AUTHOR_ID, parts.MISSING_USER_ID)),
                meta=meta if rng.random() < 0.3 else (),
            )
            comments.append(comment)
        return tuple(comments)

    def item(self, post_type: str, **fields: object) -> WxrPost:
        rng = self.rng
        post_id = self.new_id()
        title = rng.choice(self.titles)
        status = rng.choices([s for s, _ in parts.STATUS_WEIGHTS], [w for _, w in parts.STATUS_WEIGHTS])[0]
        date = self.date(2031, 2035) if status == "future" else rng.choice(self.dates)
        creator = rng.choice(self.authors).login
        if rng.random() < 0.08:
            creator = rng.choice((parts.GHOST_CREATOR, "", "markusb"))
        post = WxrPost(
            post_id=post_id,
            title=title,
            link=f"{SITE_URL}/?p={post_id}",
            creator=creator,
            content=self.content(),
            excerpt=parts.paragraphs(rng, 1) if rng.random() < 0.15 else "",
            date=date,
            date_gmt=NO_DATE if rng.random() < 0.05 else date,
            modified=date,
            modified_gmt=date,
            comment_status=rng.choice(("open", "open", "closed")),
            ping_status=rng.choice(("open", "closed")),
            name=self.slug(title),
            status=status,
            parent=0,
            menu_order=0,
            post_type=post_type,
            password="legacy" if rng.random() < 0.05 else "",
            is_sticky=post_type == "post" and rng.random() < 0.05,
            attachment_url="",
            guid=f"{SITE_URL}/?{'page_id' if post_type == 'page' else 'p'}={post_id}",
            terms=self.item_terms(post_type),
            meta=self.meta(post_type),
            comments=self.comments(date),
        )
        return replace(post, **fields)  # type: ignore[arg-type]

    def attachment(self, parents: Sequence[int]) -> WxrPost:
        rng = self.rng
        name = f"IMG_{rng.randint(1000, 9999)}"
        file = f"{rng.randint(2008, 2023)}/{rng.randint(1, 12):02d}/{name}.jpg"
        width, height = rng.choice(((1024, 768), (640, 480), (300, 300)))
        thumbnail = {"file": f"{name}-150x150.jpg", "width": 150, "height": 150, "mime-type": "image/jpeg"}
        image_meta = {"caption": "", "camera": "", "title": name}
        metadata = php_serialize(
            {
                "width": width,
                "height": height,
                "file": file,
                "sizes": {"thumbnail": thumbnail},
                "image_meta": image_meta,
            }
        )
        if rng.random() < 0.1:  # a search-replace changed a string, not its serialized length
            metadata = metadata.replace(f'"{file}"', f'"{file}-replaced"')
        roll = rng.random()
        parent = rng.choice(parents) if roll < 0.5 else self.missing_id() if roll < 0.6 else 0
        meta = (("_wp_attached_file", file), ("_wp_attachment_metadata", metadata),
                ("_wp_attachment_image_alt", rng.choice(("", "An alt text", name))))  # fmt: skip
        return self.item(
            "attachment", title=name, status="inherit", parent=parent, terms=(), comments=(), content="",
            name=name.lower(), attachment_url=f"{SITE_URL}/wp-content/uploads/{file}", password="",
            is_sticky=False, meta=meta,
        )  # fmt: skip


def _set_meta(post: WxrPost, key: str, value: str) -> WxrPost:
    return replace(post, meta=(*((k, v) for k, v in post.meta if k != key), (key, value)))


def _with_term(post: WxrPost, taxonomy: str, slug: str, name: str) -> WxrPost:
    return replace(post, terms=(*post.terms, WxrItemTerm(taxonomy, slug, name)))


Shape = Callable[[_Site, WxrPost], WxrPost]
# Each on a post of its own; published and without a password but for the statuses.
STATUS_RULES: dict[str, Shape] = {
    "future, ahead": lambda s, p: replace(p, status="future", date=AHEAD, date_gmt=AHEAD),
    "future, past": lambda s, p: replace(p, status="future", date=PAST, date_gmt=PAST),
    "pending": lambda s, p: replace(p, status="pending"),
    "private": lambda s, p: replace(p, status="private"),
    "draft": lambda s, p: replace(p, status="draft"),
    "trash": lambda s, p: replace(p, status="trash"),
    "inherit without parent": lambda s, p: replace(p, status="inherit", parent=0),
    "inherit with a missing parent": lambda s, p: replace(p, status="inherit", parent=s.missing_id()),
    "inherit under a published post": lambda s, p: replace(p, status="inherit", parent=s.first_post_id),
    # its parent is set to the "draft" shape's post once both are drawn
    "inherit under a draft": lambda s, p: replace(p, status="inherit"),
    "unknown status": lambda s, p: replace(p, status=parts.UNKNOWN_STATUS),
    "sticky draft": lambda s, p: replace(p, status="draft", is_sticky=True),
}
VISIBLE_RULES: dict[str, Shape] = {
    "thumbnail of a missing post": lambda s, p: _set_meta(p, "_thumbnail_id", str(s.missing_id())),
    "thumbnail of a non-attachment": lambda s, p: _set_meta(p, "_thumbnail_id", str(s.first_post_id)),
    "parent missing": lambda s, p: replace(p, parent=s.missing_id()),
    "creator not in the author list": lambda s, p: replace(p, creator=parts.GHOST_CREATOR),
    "creator empty": lambda s, p: replace(p, creator=""),
    "creator in another case": lambda s, p: replace(p, creator="markusb"),
    "creator with an unusable login": lambda s, p: replace(p, creator=parts.UNUSABLE_LOGIN),
    "undeclared term": lambda s, p: _with_term(p, "post_tag", "never-declared", "Never declared"),
    "custom taxonomy term": lambda s, p: _with_term(p, CUSTOM_TAXONOMY, "sketch", "Sketch"),
    "post format": lambda s, p: _with_term(p, "post_format", "post-format-aside", "Aside"),
    "unknown post format": lambda s, p: _with_term(p, "post_format", parts.UNKNOWN_FORMAT, "Diary"),
    "uppercase slug": lambda s, p: replace(p, name="Legacy-UPPER-Slug"),
    "percent-encoded slug": lambda s, p: replace(p, name="caf%C3%A9-cr%C3%A8me"),
    "empty slug": lambda s, p: replace(p, name=""),
    "numeric slug": lambda s, p: replace(p, name="2019"),
    "sticky": lambda s, p: replace(p, is_sticky=True),
    "serialized meta": lambda s, p: _set_meta(p, "_legacy_plugin_settings", php_serialize({"a": 1, "b": ["x"]})),
    "very long content": lambda s, p: replace(p, content=parts.long_content(s.rng)),
    "uninstalled shortcodes": lambda s, p: replace(p, content="\n\n".join((p.content, *UNINSTALLED_SHORTCODES))),
    "unknown blocks": lambda s, p: replace(p, content="\n\n".join((*UNKNOWN_BLOCKS, p.content))),
    "gallery shortcode": lambda s, p: replace(p, content=f"{p.content}\n\n[gallery]\n\n{CAPTION}"),
    "comments": lambda s, p: replace(p, comments=p.comments or s.comments(p.date, at_least_one=True)),
}
PAGE_SHAPES = ("page parent missing", "page parent is a post", "missing page template")
SHAPES = (*STATUS_RULES, *VISIBLE_RULES, *PAGE_SHAPES, "equal titles and dates", "comments on a missing post",
          "repeated post id", "custom post type", "nav menu items")  # fmt: skip
MIN_SIZE = len(STATUS_RULES) + len(VISIBLE_RULES) + 3


def _with_shapes(site: _Site, posts: list[WxrPost]) -> list[WxrPost]:
    rules = [*STATUS_RULES.values(), *(lambda s, p, rule=rule: rule(s, s.visible(p))
                                       for rule in VISIBLE_RULES.values())]  # fmt: skip
    chosen = site.rng.sample(range(1, len(posts)), len(rules))  # posts[0] is the non-attachment thumbnail
    for index, rule in zip(chosen, rules, strict=True):
        posts[index] = rule(site, posts[index])
    at = dict(zip(STATUS_RULES, chosen, strict=False))
    posts[at["inherit under a draft"]] = replace(posts[at["inherit under a draft"]], parent=posts[at["draft"]].post_id)
    first, second = site.rng.sample([i for i in range(len(posts)) if i not in chosen], 2)
    posts[first] = replace(site.visible(posts[first]), title=posts[first].title or "Twin")
    posts[second] = replace(site.visible(posts[second]), title=posts[first].title, date=posts[first].date,
                            date_gmt=posts[first].date_gmt)  # fmt: skip
    return posts


def _pages(site: _Site, posts: list[WxrPost]) -> list[WxrPost]:
    rng = site.rng
    pages: list[WxrPost] = []
    for _ in range(max(6, site.size // 4)):
        roll = rng.random()
        parent = (rng.choice(pages).post_id if pages and roll < 0.2 else site.missing_id() if roll < 0.28
                  else rng.choice(posts).post_id if roll < 0.33 else 0)  # fmt: skip
        order = rng.choices((0, rng.randint(1, 5), -1), (80, 15, 5))[0]
        pages.append(site.item("page", parent=parent, menu_order=order, is_sticky=False))
    missing, of_post, template = (site.visible(pages[i]) for i in rng.sample(range(1, len(pages)), 3))
    shaped = [replace(missing, parent=site.missing_id()), replace(of_post, parent=site.first_post_id),
              _set_meta(template, "_wp_page_template", "templates/gone.php")]  # fmt: skip
    by_id = {page.post_id: page for page in shaped}
    return [by_id.get(page.post_id, page) for page in pages]


def _menu_item(site: _Site, target: int) -> WxrPost:
    meta = (("_menu_item_type", "post_type"), ("_menu_item_object", "page"), ("_menu_item_object_id", str(target)))
    menu = (WxrItemTerm("nav_menu", "main-menu", "Main menu"),)
    return site.item("nav_menu_item", title="", status="publish", terms=menu, meta=meta, comments=())


def generate_site(seed: int, size: int = 60) -> WxrExport:
    """A site of ``size`` posts, about a quarter as many pages and a fifth as many attachments, a few
    items of a custom post type, two menu items and a repeated post id."""
    if size < MIN_SIZE:
        raise ValueError(f"size must be at least {MIN_SIZE}, for every shape to have a post of its own")
    site = _Site(seed, size)
    posts = [site.visible(site.item("post"))]
    site.first_post_id = posts[0].post_id
    site.attachments = [site.attachment([site.first_post_id]) for _ in range(max(4, size // 5))]
    posts = _with_shapes(site, posts + [site.item("post") for _ in range(size - 1)])
    pages = _pages(site, posts)
    genre = (WxrItemTerm(CUSTOM_TAXONOMY, "illustration", "Illustration"),)
    custom = [site.item(CUSTOM_POST_TYPE, terms=genre, comments=site.comments(posts[0].date, at_least_one=True))
              for _ in range(max(2, size // 20))]  # fmt: skip
    menu = [_menu_item(site, target) for target in (pages[0].post_id, site.missing_id())]
    repeated = replace(posts[-1], title="The same id again", guid=f"{SITE_URL}/?p=repeated", comments=())
    return WxrExport(
        path=Path(f"<realworld seed={seed} size={size}>"),
        title="A site with a past",
        link=SITE_URL,
        description="Generated: real-world-shaped data",
        base_site_url=SITE_URL,
        base_blog_url=SITE_URL,
        authors=tuple(site.authors),
        terms=tuple(site.terms),
        posts=(*site.attachments, *posts, *pages, *custom, *menu, repeated),
    )

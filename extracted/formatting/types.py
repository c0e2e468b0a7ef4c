"""The formatting library's contract: site options, the post being rendered, and the media it refers to.

Everything is plain data a read model has (options, posts, post meta), so rendering needs no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteOptions:
    """The options of the site that change rendered output (the ``wp_options`` of the same names)."""

    home: str = "http://localhost"
    siteurl: str = ""  # empty: same as home
    content_url: str = ""  # WP_CONTENT_URL; empty: siteurl + "/wp-content"
    upload_url_path: str = ""  # the upload_url_path option; empty: content_url + "/uploads"
    use_smilies: bool = True
    date_format: str = "F j, Y"
    show_avatars: bool = True
    avatar_default: str = "mystery"  # the Gravatar default image (mystery, blank, gravatar_default, identicon...)
    avatar_rating: str = "G"  # the highest Gravatar rating shown (G, PG, R, X)
    thread_comments: bool = True  # replies nested under the comment they answer (WordPress's default)
    thread_comments_depth: int = 5  # nested this deep at most (deeper replies join the deepest level)
    require_name_email: bool = True  # the comment form asks for them
    show_comments_cookies_opt_in: bool = True
    https_migration_required: bool = False
    # Links: ``permalink_structure`` empty gives plain ones (``?p=N``); the bases of category and tag archives
    # (empty: ``category``, ``tag``), the front page, and the category of posts without one (``%category%``).
    permalink_structure: str = ""
    category_base: str = ""
    tag_base: str = ""
    show_on_front: str = "posts"
    page_on_front: int = 0
    default_category: int = 1
    # The theme declares HTML5 markup for captions and galleries (every block theme does, e.g. Twenty Twenty-Three).
    html5: bool = True
    thumbnail_size: tuple[int, int] = (150, 150)
    medium_size: tuple[int, int] = (300, 300)
    medium_large_size: tuple[int, int] = (768, 0)
    large_size: tuple[int, int] = (1024, 1024)

    @property
    def site_url(self) -> str:
        return (self.siteurl or self.home).rstrip("/")

    @property
    def uploads_url(self) -> str:
        if self.upload_url_path:
            return self.upload_url_path.rstrip("/")
        return (self.content_url or self.site_url + "/wp-content").rstrip("/") + "/uploads"

    @property
    def home_url(self) -> str:
        return self.home.rstrip("/")


@dataclass(frozen=True)
class ImageSize:
    """One generated size of an image (an entry of ``_wp_attachment_metadata['sizes']``)."""

    file: str
    width: int
    height: int
    mime_type: str = ""


@dataclass(frozen=True)
class ImageMeta:
    """``_wp_attachment_metadata`` of an image: the original's size and file, and its sizes in order."""

    file: str
    width: int
    height: int
    sizes: Mapping[str, ImageSize] = field(default_factory=dict)


@dataclass(frozen=True)
class Attachment:
    """A media library item as the renderer needs it."""

    id: int
    mime_type: str
    attached_file: str = ""  # ``_wp_attached_file``: path relative to the uploads directory
    guid: str = ""
    title: str = ""
    caption: str = ""  # post_excerpt
    description: str = ""  # post_content
    alt: str = ""  # ``_wp_attachment_image_alt``
    parent: int = 0
    menu_order: int = 0
    date: str = "2020-01-01 00:00:00"
    name: str = ""  # post_name
    metadata: ImageMeta | None = None
    link: str | None = None  # the attachment page's URL; None: the plain ``?attachment_id=`` link


@dataclass(frozen=True)
class PostContext:
    """The post whose content is rendered (WordPress's global ``$post`` during a REST response)."""

    id: int = 0
    post_type: str = "post"
    status: str = "publish"
    content: str = ""  # needed by the excerpt when the post has no handwritten one
    password_required: bool = False
    # Media the content refers to: images by ``wp-image-N``, galleries and attached audio/video.
    attachments: Mapping[int, Attachment] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)  # the post's own meta (e.g. ``_oembed_*`` caches)


@dataclass
class RenderState:
    """Counters WordPress keeps for a whole request (ids of galleries, players); share one per response."""

    galleries: int = 0
    audio_players: int = 0
    video_players: int = 0
    playlists: int = 0
    unique_ids: int = 0
    category_blocks: int = 0  # the categories block numbers its dropdowns itself
    comments: int = 0  # comments listed so far (their even/odd classes alternate through the request)
    comment_threads: int = 0
    # Titles of the navigation menus shown so far, with how often: a title shown again gets a number.
    navigation_names: dict[str, int] = field(default_factory=dict)
    navigation_menus_shown: list[int] = field(default_factory=list)  # the menus being rendered, innermost last
    # After content with blocks, WordPress re-registers wpautop behind the other filters of its priority:
    # from then on, in the same request, paragraphs are made after shortcode_unautop and the image filter.
    wpautop_moved_last: bool = False

    def next_unique_id(self, prefix: str) -> str:
        self.unique_ids += 1
        return f"{prefix}{self.unique_ids}"


@dataclass(frozen=True)
class SitePost:
    """A published post or page as the dynamic blocks list it (latest posts, page list, query loops)."""

    id: int
    post_type: str = "post"
    title: str = ""
    name: str = ""  # post_name (the slug)
    date: str = "2020-01-01 00:00:00"
    date_gmt: str = "2020-01-01 00:00:00"
    modified: str = "2020-01-01 00:00:00"
    author: int = 0
    excerpt: str = ""
    content: str = ""
    parent: int = 0
    menu_order: int = 0
    comment_status: str = "open"
    terms: tuple[int, ...] = ()  # term ids (categories and tags)
    # Only navigation menus may be other than published (a block referring to a draft menu falls back).
    status: str = "publish"
    featured_image_id: int = 0  # the ``_thumbnail_id`` meta (0: none)
    featured_image: Attachment | None = None  # that attachment (None: unknown, e.g. deleted)
    # It has a password (``post_password`` not empty): its title shows as "Protected: ...". Unless the visitor
    # gave it (a REST request for this post with its ``password``), its excerpt, comments and form are withheld.
    password_protected: bool = False
    password_given: bool = False

    @property
    def password_required(self) -> bool:
        """``post_password_required()`` for this visitor."""
        return self.password_protected and not self.password_given


@dataclass(frozen=True)
class SiteTerm:
    id: int
    taxonomy: str  # "category", "post_tag", ...
    name: str
    slug: str
    parent: int = 0
    description: str = ""
    count: int | None = None  # the stored ``term_taxonomy.count`` WordPress shows; None: its published posts


@dataclass(frozen=True)
class SiteUser:
    id: int
    login: str
    display_name: str
    nicename: str = ""
    description: str = ""
    email: str = ""
    email_hash: str = ""  # md5 of the trimmed, lowercased email (Gravatar's id); empty: from ``email``


@dataclass(frozen=True)
class SiteComment:
    id: int
    post_id: int
    author: str
    content: str
    date: str
    date_gmt: str
    parent: int = 0
    user_id: int = 0
    author_url: str = ""
    author_email: str = ""
    author_email_hash: str = ""  # md5 of the trimmed, lowercased email (Gravatar's id); empty: from the email
    comment_type: str = "comment"  # or "pingback", "trackback" (no avatar)


@dataclass(frozen=True)
class SiteData:
    """The site beyond the post being rendered, read-only, for the dynamic blocks that show it.

    Lists hold what an anonymous visitor may see: published posts and pages, approved comments. ``now``
    is the request's time (local, ``Y-m-d H:i:s``) for blocks such as the calendar. ``request_url`` is the
    URL of the request (the login link's ``redirect_to``); ``feed_error`` is the message WordPress gives
    for a feed it cannot fetch (the RSS block), or None when that cannot be known (the block then raises
    ``UnsupportedContentError``: its output depends on WordPress's network at request time).
    """

    posts: tuple[SitePost, ...] = ()
    # Navigation menus (``wp_navigation`` posts: title, date, status, and the menu's blocks as content); the
    # unpublished ones only matter to blocks referring to them (which then show the fallback menu).
    navigation_menus: tuple[SitePost, ...] = ()
    terms: tuple[SiteTerm, ...] = ()
    users: tuple[SiteUser, ...] = ()
    comments: tuple[SiteComment, ...] = ()
    sticky_posts: tuple[int, ...] = ()  # the ``sticky_posts`` option: query loops show them first
    title: str = ""
    tagline: str = ""
    now: str = "2020-01-01 00:00:00"
    request_url: str = ""
    feed_error: str | None = "WP HTTP Error: User has blocked requests through HTTP."

    def post(self, post_id: int) -> SitePost | None:
        return next((post for post in self.posts if post.id == post_id), None)

    def any_post(self, post_id: int) -> SitePost | None:
        """A post, page or navigation menu by id (``get_post``)."""
        found = self.post(post_id)
        return found or next((menu for menu in self.navigation_menus if menu.id == post_id), None)

"""The content read model: what the REST API reads, shaped for it.

Posts carry their rendered title, content and excerpt (rendered when the post, its meta, its terms, the
media it shows or a rendering option changes); ``content_dirty`` queues the posts to render in the batch's
transaction (post id 0 = every post). ``content_render_modes`` tells how far a post's stored rendering
holds (see ``rendering``); a post without a row there is served as rendered. Terms and their taxonomies
are joined on read. Users come from the users service's events (``content_user_profiles``), not from
WordPress's user tables.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

posts = Table(
    "content_posts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("slug", String(200), nullable=False, default=""),
    Column("parent", BigInteger, nullable=False, default=0),
    Column("menu_order", Integer, nullable=False, default=0),
    Column("author", BigInteger, nullable=False, default=0),
    Column("date", String(19)),  # local time, "YYYY-MM-DDTHH:MM:SS" (sorts as text)
    Column("date_gmt", String(19)),
    Column("modified", String(19)),
    Column("modified_gmt", String(19)),
    Column("password", String(255), nullable=False, default=""),
    Column("comment_status", String(20), nullable=False, default="open"),
    Column("ping_status", String(20), nullable=False, default="open"),
    Column("guid", String(255), nullable=False, default=""),
    Column("mime_type", String(100), nullable=False, default=""),
    Column("comment_count", BigInteger, nullable=False, default=0),
    Column("title_raw", Text, nullable=False, default=""),
    Column("title_key", Text, nullable=False, default=""),  # sorts as MariaDB's utf8mb4_unicode_520_ci
    Column("content_raw", Text, nullable=False, default=""),
    Column("excerpt_raw", Text, nullable=False, default=""),
    Column("title", Text, nullable=False, default=""),  # rendered
    Column("content", Text, nullable=False, default=""),  # rendered
    Column("excerpt", Text, nullable=False, default=""),  # rendered
    Index("content_posts_listing", "type", "status", "date"),
    Index("content_posts_parent", "parent"),
)

post_meta = Table(
    "content_post_meta",
    metadata,
    Column("meta_id", BigInteger, primary_key=True, autoincrement=False),
    Column("post_id", BigInteger, nullable=False),
    Column("key", String(255), nullable=False),
    Column("value", Text, nullable=False, default=""),
    Index("content_post_meta_post", "post_id", "key"),
)

terms = Table(
    "content_terms",
    metadata,
    Column("term_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False, default=""),
    Column("name_key", String(200), nullable=False, default=""),
    Column("slug", String(200), nullable=False, default=""),
)

taxonomies = Table(
    "content_taxonomies",
    metadata,
    Column("term_taxonomy_id", BigInteger, primary_key=True, autoincrement=False),
    Column("term_id", BigInteger, nullable=False),
    Column("taxonomy", String(32), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("parent", BigInteger, nullable=False, default=0),
    Column("count", BigInteger, nullable=False, default=0),
    Index("content_taxonomies_term", "taxonomy", "term_id"),
)

relationships = Table(
    "content_relationships",
    metadata,
    Column("object_id", BigInteger, primary_key=True, autoincrement=False),
    Column("term_taxonomy_id", BigInteger, primary_key=True, autoincrement=False),
    Column("term_order", Integer, nullable=False, default=0),
    Index("content_relationships_term", "term_taxonomy_id"),
)

# Every user the users service announced, from its domain events (``user_events``), not WordPress's
# tables; only what the answers show or search (no names, nickname or locale). Not ``content_users``,
# which stores from before filled from ``wp_users`` rows: such a store gets this table created empty
# and filled from the events topic, which it has never read and so reads from its beginning.
users = Table(
    "content_user_profiles",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("login", String(60), nullable=False, default=""),
    Column("nicename", String(50), nullable=False, default=""),
    Column("email", String(100), nullable=False, default=""),  # for Gravatar's hash
    Column("url", String(100), nullable=False, default=""),
    Column("registered", String(19)),
    Column("display_name", String(250), nullable=False, default=""),
    Column("name_key", String(250), nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("roles", JSON, nullable=False, default=list),  # role slugs, in WordPress's order
)

options = Table(
    "content_options",
    metadata,
    Column("option_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(191), nullable=False, unique=True),
    Column("value", Text, nullable=False, default=""),
)

comments = Table(
    "content_comments",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("post_id", BigInteger, nullable=False),
    Column("parent", BigInteger, nullable=False, default=0),
    Column("user_id", BigInteger, nullable=False, default=0),
    Column("author_name", String(255), nullable=False, default=""),
    Column("author_email", String(100), nullable=False, default=""),
    Column("author_url", String(200), nullable=False, default=""),
    Column("date", String(19)),
    Column("date_gmt", String(19)),
    Column("content_raw", Text, nullable=False, default=""),
    Column("approved", String(20), nullable=False, default="1"),
    Column("type", String(20), nullable=False, default="comment"),
    Index("content_comments_post", "post_id", "approved", "date_gmt"),
)

dirty = Table(
    "content_dirty",
    metadata,
    Column("post_id", BigInteger, primary_key=True, autoincrement=False),
    Column("pending", Boolean, nullable=False, default=True),
)

render_modes = Table(
    "content_render_modes",
    metadata,
    Column("post_id", BigInteger, primary_key=True, autoincrement=False),
    # "static": the stored rendering holds in any response; "stateful": only as the first post a
    # response renders; "live": never (rendered per request: site data, or content not rendered here).
    Column("mode", String(10), nullable=False, default="static"),
    # What rendering the content / the excerpt adds to the response's RenderState (``render_state``).
    Column("content_delta", Text, nullable=False, default=""),
    Column("excerpt_delta", Text, nullable=False, default=""),
)

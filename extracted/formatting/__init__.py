"""WordPress 6.1's content formatting in Python: what an anonymous REST request renders, byte for byte.

    from extracted.formatting import SiteOptions, PostContext, the_content, the_title, rendered_excerpt

    site = SiteOptions(home="https://example.org")
    html = the_content(raw, site=site, post=PostContext(id=42))

Pure functions over plain data (no I/O); see ``types`` for the data a renderer may need. Also exported for
services that describe media as WordPress does: ``attachment_from_meta`` (an ``Attachment`` from post meta),
``downsize``/``attachment_url``/``is_image``/``attachment_link_html``, PHP's ``serialize``/``unserialize``, and
for comment submissions what WordPress stores of a visitor's fields: ``filter_comment_content``,
``filter_comment_author``, ``filter_comment_author_email``, ``filter_comment_author_url`` (and ``wp_kses``).
"""

from .attachment_meta import attachment_from_meta
from .attachments import attachment_link_html, attachment_url, downsize, is_image
from .blocks import Block, BlockRenderer, DynamicRenderer, do_blocks, parse_blocks
from .errors import FormattingError, UnsupportedContentError, WordPressFatalError
from .kses import (
    COMMENT_TAGS,
    filter_comment_author,
    filter_comment_author_email,
    filter_comment_author_url,
    filter_comment_content,
    wp_kses,
)
from .phpdata import PhpValue, UnserializeError, php_serialize, php_unserialize
from .render import comment_text, get_the_excerpt, rendered_excerpt, the_content, the_excerpt, the_title
from .types import (
    Attachment,
    ImageMeta,
    ImageSize,
    PostContext,
    RenderState,
    SiteComment,
    SiteData,
    SiteOptions,
    SitePost,
    SiteTerm,
    SiteUser,
)

__all__ = [
    "COMMENT_TAGS",
    "Attachment",
    "Block",
    "BlockRenderer",
    "DynamicRenderer",
    "FormattingError",
    "ImageMeta",
    "ImageSize",
    "PhpValue",
    "PostContext",
    "RenderState",
    "SiteComment",
    "SiteData",
    "SiteOptions",
    "SitePost",
    "SiteTerm",
    "SiteUser",
    "UnserializeError",
    "UnsupportedContentError",
    "WordPressFatalError",
    "attachment_from_meta",
    "attachment_link_html",
    "attachment_url",
    "comment_text",
    "do_blocks",
    "downsize",
    "filter_comment_author",
    "filter_comment_author_email",
    "filter_comment_author_url",
    "filter_comment_content",
    "get_the_excerpt",
    "is_image",
    "parse_blocks",
    "php_serialize",
    "php_unserialize",
    "rendered_excerpt",
    "the_content",
    "the_excerpt",
    "the_title",
    "wp_kses",
]

"""WordPress 6.1's content formatting in Python: what an anonymous REST request renders, byte for byte.

    from extracted.formatting import SiteOptions, PostContext, the_content, the_title, rendered_excerpt

    site = SiteOptions(home="https://example.org")
    html = the_content(raw, site=site, post=PostContext(id=42))

Pure functions over plain data (no I/O); see ``types`` for the data a renderer may need.
"""

from .blocks import Block, BlockRenderer, DynamicRenderer, do_blocks, parse_blocks
from .errors import FormattingError, UnsupportedContentError, WordPressFatalError
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
    "Attachment",
    "Block",
    "BlockRenderer",
    "DynamicRenderer",
    "FormattingError",
    "ImageMeta",
    "ImageSize",
    "PostContext",
    "RenderState",
    "SiteComment",
    "SiteData",
    "SiteOptions",
    "SitePost",
    "SiteTerm",
    "SiteUser",
    "UnsupportedContentError",
    "WordPressFatalError",
    "comment_text",
    "do_blocks",
    "get_the_excerpt",
    "parse_blocks",
    "rendered_excerpt",
    "the_content",
    "the_excerpt",
    "the_title",
]

"""The filter chains an anonymous REST request runs: ``the_content``, ``the_title``, excerpts, ``comment_text``.

Each chain applies WordPress's default filters in WordPress's order (priority, then registration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .autop import shortcode_unautop, wpautop
from .blocks import Block, BlockRenderer, DynamicRenderer, do_blocks, excerpt_remove_blocks, has_blocks
from .caption import render_caption
from .chars import capital_p_dangit, convert_chars, replace_insecure_home_url
from .comment import comment_text
from .content_tags import filter_content_tags
from .dynamic_blocks import RENDERED_BLOCKS, dynamic_renderers, loop_renderers
from .embed import Embedder
from .excerpt import EXCERPT_LENGTH, EXCERPT_MORE, teaser, trim_words
from .gallery import render_gallery, select_attachments
from .html import escape_attribute
from .phpdata import php_string
from .players import render_audio, render_video
from .shortcodes import REGISTERED_SHORTCODES, Attributes, ShortcodeHandler, do_shortcode, strip_shortcodes
from .smilies import convert_smilies
from .texturize import wptexturize
from .title import PHP_TRIM, the_title
from .types import PostContext, RenderState, SiteData, SiteOptions, SitePost

NO_POST = PostContext()
NO_SITE_DATA = SiteData()
# ``get_the_excerpt`` of a post whose password the visitor has not given.
PROTECTED_EXCERPT = "There is no excerpt because this is a protected post."
__all__ = ["comment_text", "get_the_excerpt", "rendered_excerpt", "the_content", "the_excerpt", "the_title"]


def _shortcode_handlers(site: SiteOptions, post: PostContext, state: RenderState) -> dict[str, ShortcodeHandler]:
    """The shortcodes a stock WordPress renders in ``do_shortcode``, in registration order."""

    def caption(attributes: Attributes, content: str | None, _: str) -> str:
        return render_caption(attributes, content, html5=site.html5, render_inner=render_inner)

    def render_inner(content: str) -> str:
        return do_shortcode(content, handlers)

    def playlist(attributes: Attributes, content: str | None, name: str) -> str:
        state.playlists += 1
        if not (attributes.get("ids") or attributes.get("include")):
            return ""  # the tracks of a post: WordPress asks for the "read" capability, which visitors lack
        kind = "audio" if attributes.get("type", "audio") == "audio" else "video"
        if not select_attachments(attributes, post, kind):
            return ""
        return f"[{name}]"  # a playlist with tracks is not rendered (see the package's README)

    handlers: dict[str, ShortcodeHandler] = {
        "embed": lambda attributes, content, name: "",  # only run before the other filters
        "wp_caption": caption,
        "caption": caption,
        "gallery": lambda attributes, content, name: render_gallery(attributes, post, site, state),
        "playlist": playlist,
        "audio": lambda attributes, content, name: render_audio(attributes, post, site, state),
        "video": lambda attributes, content, name: render_video(attributes, post, site, state, content),
    }
    assert tuple(handlers) == REGISTERED_SHORTCODES
    return handlers


def _shortcode_block(block: Block, html: str) -> str:
    return wpautop(html)


def block_renderer(
    state: RenderState,
    renderers: Mapping[str, DynamicRenderer] | None,
    site: SiteOptions | None = None,
    post: PostContext | None = None,
    site_data: SiteData | None = None,
) -> BlockRenderer:
    """Dynamic core blocks rendered from the block alone or from the site's data, and the caller's renderers."""

    def image_block(block: Block, html: str) -> str:
        data_id = block.attrs.get("data-id") if isinstance(block.attrs, dict) else None
        if data_id is None:
            return html
        attribute = f'data-id="{escape_attribute(php_string(data_id))}"'
        return html if attribute in html else html.replace("<img", f"<img {attribute} ")

    def gallery_block(block: Block, html: str) -> str:
        # The gallery's gap goes to a stylesheet of the page; the content only gets its class.
        return html.replace('class="', f'class="{state.next_unique_id("wp-block-gallery-")} ', 1)

    core = {"core/shortcode": _shortcode_block, "core/gallery": gallery_block, "core/image": image_block}
    site = site or SiteOptions()
    post = post or NO_POST

    def excerpt_of(other: SitePost, length: int) -> str:
        """Another post's excerpt, as blocks listing posts show it (its media are the same site's)."""
        if other.password_required:
            return PROTECTED_EXCERPT
        context = PostContext(
            id=other.id, post_type=other.post_type, content=other.content, attachments=post.attachments
        )
        return get_the_excerpt(
            other.excerpt, site=site, post=context, state=state, site_data=site_data, excerpt_length=length
        )

    def dynamic() -> dict[str, DynamicRenderer]:
        return dynamic_renderers(site, post, site_data or NO_SITE_DATA, state, excerpt_of)

    return BlockRenderer(
        _Renderers(core, dynamic, renderers or {}), state, loop_renderers(site, post, site_data or NO_SITE_DATA)
    )


class _Renderers(Mapping[str, DynamicRenderer]):
    """The core blocks' renderers, then the dynamic blocks', then the caller's (each overriding the former).

    The dynamic ones, dozens of closures over the site's data, are only made when a dynamic block shows up:
    most content has none."""

    def __init__(
        self,
        core: Mapping[str, DynamicRenderer],
        make_dynamic: Callable[[], Mapping[str, DynamicRenderer]],
        caller: Mapping[str, DynamicRenderer],
    ) -> None:
        self._core, self._make_dynamic, self._caller = core, make_dynamic, caller
        self._dynamic: Mapping[str, DynamicRenderer] | None = None

    def _dynamic_renderers(self) -> Mapping[str, DynamicRenderer]:
        if self._dynamic is None:
            self._dynamic = self._make_dynamic()
        return self._dynamic

    def get(self, name: str, default: Any = None) -> Any:
        if name in self._caller:
            return self._caller[name]
        if name in RENDERED_BLOCKS and name in self._dynamic_renderers():
            return self._dynamic_renderers()[name]
        return self._core.get(name, default)

    def __getitem__(self, name: str) -> DynamicRenderer:
        if name not in self:
            raise KeyError(name)
        renderer: DynamicRenderer = self.get(name)
        return renderer

    def __contains__(self, name: object) -> bool:
        return name in self._caller or name in self._dynamic_renderers() or name in self._core

    def __iter__(self) -> Iterator[str]:
        return iter({**self._core, **self._dynamic_renderers(), **self._caller})

    def __len__(self) -> int:
        return len({**self._core, **self._dynamic_renderers(), **self._caller})


def the_content(
    raw: str,
    *,
    site: SiteOptions,
    post: PostContext | None = None,
    state: RenderState | None = None,
    block_renderers: Mapping[str, DynamicRenderer] | None = None,
    site_data: SiteData | None = None,
) -> str:
    """``apply_filters('the_content', $raw)`` as in a REST response (``content.rendered``)."""
    post = post or NO_POST
    state = state if state is not None else RenderState()
    embedder = Embedder(post.meta)
    text = embedder.run_shortcode(raw)
    text = embedder.autoembed(text)
    has_block_markup = has_blocks(text)
    text = do_blocks(text, block_renderer(state, block_renderers, site, post, site_data))
    text = wptexturize(text)
    autop_now = not has_block_markup and not state.wpautop_moved_last
    autop_last = not has_block_markup and state.wpautop_moved_last
    if has_block_markup:
        state.wpautop_moved_last = True
    if autop_now:
        text = wpautop(text)
    text = shortcode_unautop(text)
    text = filter_content_tags(text, post.attachments, site)
    if site.https_migration_required:
        text = replace_insecure_home_url(text, site.home_url)
    if autop_last:
        text = wpautop(text)
    text = capital_p_dangit(text)
    if "[" in text:  # (the handlers, closures over the post, are only made for text that may have shortcodes)
        text = do_shortcode(text, _shortcode_handlers(site, post, state))
    if site.use_smilies:
        text = convert_smilies(text, site.site_url)
    return text


def get_the_excerpt(
    raw_excerpt: str,
    *,
    site: SiteOptions,
    post: PostContext,
    state: RenderState | None = None,
    block_renderers: Mapping[str, DynamicRenderer] | None = None,
    site_data: SiteData | None = None,
    excerpt_length: int = EXCERPT_LENGTH,
) -> str:
    """``apply_filters('get_the_excerpt', $raw_excerpt, $post)``: the handwritten excerpt, or one made
    of the post's teaser without shortcodes and non-text blocks, rendered, stripped, cut to 55 words."""
    if raw_excerpt.strip(PHP_TRIM):
        return raw_excerpt
    state = state if state is not None else RenderState()
    renderer = block_renderer(state, block_renderers, site, post, site_data)
    text = excerpt_remove_blocks(strip_shortcodes(teaser(post.content)), renderer)
    text = the_content(text, site=site, post=post, state=state, block_renderers=block_renderers, site_data=site_data)
    return trim_words(text.replace("]]>", "]]&gt;"), excerpt_length, EXCERPT_MORE)


def the_excerpt(excerpt: str, *, site: SiteOptions, post: PostContext | None = None) -> str:
    """``apply_filters('the_excerpt', $excerpt)``."""
    text = wptexturize(excerpt)
    if site.use_smilies:
        text = convert_smilies(text, site.site_url)
    text = shortcode_unautop(wpautop(convert_chars(text)))
    text = filter_content_tags(text, (post or NO_POST).attachments, site)
    if site.https_migration_required:
        text = replace_insecure_home_url(text, site.home_url)
    return text


def rendered_excerpt(
    raw_excerpt: str,
    *,
    site: SiteOptions,
    post: PostContext,
    state: RenderState | None = None,
    block_renderers: Mapping[str, DynamicRenderer] | None = None,
    site_data: SiteData | None = None,
) -> str:
    """A REST response's ``excerpt.rendered``: ``the_excerpt`` of ``get_the_excerpt``."""
    excerpt = get_the_excerpt(
        raw_excerpt, site=site, post=post, state=state, block_renderers=block_renderers, site_data=site_data
    )
    return the_excerpt(excerpt, site=site, post=post)

"""Block markup: the ``<!-- wp:name {attrs} -->`` comments of the block editor, parsed and rendered.

Parsing follows WordPress's block grammar (including its recovery from unbalanced comments). Rendering
keeps the saved HTML of static blocks and drops the delimiters; a dynamic block (one rendered by PHP code
from data) renders through a renderer given by the caller, or as its saved HTML without one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from .block_attributes import prepared_attributes
from .block_data import PREPARED_BLOCKS, prepared_block, provided_context
from .block_supports import apply_block_supports
from .types import RenderState

DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.DOTALL | re.ASCII,
)
HAS_BLOCKS = "<!-- wp:"
# Dynamic core blocks rendered from site data beyond the post (other posts, terms, comments, users, menus,
# widgets, the theme's templates, the visitor): without a renderer from the caller they render as their
# saved HTML, which is not what WordPress renders.
DATA_BLOCKS = frozenset(
    {
        "core/legacy-widget",
        "core/widget-group",
        "core/archives",
        "core/avatar",
        "core/block",
        "core/calendar",
        "core/categories",
        "core/comment-author-name",
        "core/comment-content",
        "core/comment-date",
        "core/comment-edit-link",
        "core/comment-reply-link",
        "core/comment-template",
        "core/comments",
        "core/comments-pagination",
        "core/comments-pagination-next",
        "core/comments-pagination-numbers",
        "core/comments-pagination-previous",
        "core/comments-title",
        "core/home-link",
        "core/latest-comments",
        "core/latest-posts",
        "core/loginout",
        "core/navigation",
        "core/navigation-link",
        "core/navigation-submenu",
        "core/page-list",
        "core/pattern",
        "core/post-author",
        "core/post-author-biography",
        "core/post-comments-form",
        "core/post-content",
        "core/post-date",
        "core/post-excerpt",
        "core/post-featured-image",
        "core/post-navigation-link",
        "core/post-template",
        "core/post-terms",
        "core/post-title",
        "core/query-no-results",
        "core/query-pagination",
        "core/query-pagination-next",
        "core/query-pagination-numbers",
        "core/query-pagination-previous",
        "core/query-title",
        "core/read-more",
        "core/rss",
        "core/search",
        "core/site-logo",
        "core/site-tagline",
        "core/site-title",
        "core/social-link",
        "core/tag-cloud",
        "core/template-part",
        "core/term-description",
        "core/post-comments",
    }
)


@dataclass(slots=True)
class Block:
    """A parsed block; ``name`` is None for HTML between blocks ("freeform")."""

    name: str | None
    # The attributes as parsed (JSON of any shape); renderers read ``attributes``.
    attrs: Any = field(default_factory=dict)
    inner_blocks: list[Block] = field(default_factory=list)
    inner_html: str = ""
    # The block's own HTML pieces with None where each inner block goes.
    inner_content: list[str | None] = field(default_factory=list)
    # Block context: values its ancestors provide (``providesContext``), set while rendering.
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def attributes(self) -> dict[str, Any]:
        """What its render callback gets (``WP_Block::$attributes``): the attributes of the wrong type
        dropped, the declared defaults added. ``attrs`` (the parsed ones) are what block supports read."""
        return prepared_attributes(self.name, self.attrs)

    def add_html(self, html: str) -> None:
        if html and html != "0":  # PHP's empty() also rejects "0"
            self.inner_html += html
            self.inner_content.append(html)


@dataclass(slots=True)
class _Frame:
    """A block whose closing delimiter is not found yet."""

    block: Block
    token_start: int
    # Where the HTML not yet given to the block starts.
    previous_offset: int
    # Where the HTML before the block starts (-1: none), emitted as freeform if the block ends at the top level.
    leading_html_start: int


def _freeform(html: str) -> Block:
    return Block(None, {}, [], html, [html])


PHP_INT_MIN, PHP_INT_MAX = -(2**63), 2**63 - 1


def _json_integer(text: str) -> int | float:
    """An integer as ``json_decode`` reads it: a float when PHP's int cannot hold it (and for thousands of
    digits, which ``int()`` refuses, infinity)."""
    if len(text) <= 20 and PHP_INT_MIN <= (number := int(text)) <= PHP_INT_MAX:
        return number
    return float(text)


_decode_json = json.JSONDecoder(parse_int=_json_integer).raw_decode
JSON_WHITESPACE = " \t\n\r"


def _attributes(source: str) -> Any:
    """``json_decode`` of a delimiter's attributes (``{...}`` and the spaces after it); None if invalid.

    ``json.loads`` without its wrapper's checks and regex passes, which cost more than decoding small JSON."""
    try:
        value, end = _decode_json(source)
    except ValueError:
        return None
    return value if end == len(source) or not source[end:].strip(JSON_WHITESPACE) else None


def _nest(parent: _Frame, block: Block, block_start: int, after: int, document: str) -> None:
    parent.block.inner_blocks.append(block)
    parent.block.add_html(document[parent.previous_offset : block_start])
    parent.block.inner_content.append(None)
    parent.previous_offset = after


def _close(frame: _Frame, end: int, document: str, output: list[Block]) -> None:
    """A block at the top level ends at ``end``: it goes to the output, after the HTML before it."""
    frame.block.add_html(document[frame.previous_offset : end])
    if frame.leading_html_start >= 0:
        output.append(_freeform(document[frame.leading_html_start : frame.token_start]))
    output.append(frame.block)


def parse_blocks(content: str, *, decode: Callable[[str], Any] = _attributes) -> list[Block]:
    """WordPress's ``parse_blocks`` (``WP_Block_Parser``, with its recovery from unbalanced delimiters);
    ``decode`` reads a delimiter's attributes (``json_decode`` as the renderer needs it; kses decodes
    them as PHP arrays)."""
    output: list[Block] = []
    stack: list[_Frame] = []
    offset = 0
    for match in DELIMITER.finditer(content):
        start, end = match.span()
        closer, namespace, name, source, void = match.groups()
        if closer and not void:  # (a closer's name and attributes are not read)
            if not stack:  # a closer without an opener: the rest is plain HTML
                break
            top = stack.pop()
            if stack:
                # Unlike HTML between inner blocks, the last piece is kept even if empty.
                top.block.inner_html += content[top.previous_offset : start]
                top.block.inner_content.append(content[top.previous_offset : start])
                _nest(stack[-1], top.block, top.token_start, end, content)
            else:
                _close(top, start, content, output)
        else:
            block = Block((namespace or "core/") + name, {} if source is None else decode(source))
            if not void:
                stack.append(_Frame(block, start, end, offset if start > offset else -1))
            elif stack:
                _nest(stack[-1], block, start, end, content)
            else:
                if start > offset:
                    output.append(_freeform(content[offset:start]))
                output.append(block)
        offset = end
    if not stack and offset < len(content):
        output.append(_freeform(content[offset:]))
    while stack:
        _close(stack.pop(), len(content), content, output)
    return output


def has_blocks(content: str) -> bool:
    return HAS_BLOCKS in content


def data_blocks_in(content: str) -> set[str]:
    """The blocks of ``DATA_BLOCKS`` in the content (each needs a renderer for WordPress's output)."""
    found: set[str] = set()
    for match in DELIMITER.finditer(content):
        name = (match.group("namespace") or "core/") + match.group("name")
        if name in DATA_BLOCKS:
            found.add(name)
    return found


def _own_html(block: Block) -> str:
    """The HTML of a block without inner blocks (so without their None placeholders)."""
    return "".join(cast(list[str], block.inner_content))


# Renders a dynamic block from its attributes and its rendered inner content.
DynamicRenderer = Callable[[Block, str], str]


class BlockRenderer:
    """Renders parsed blocks: saved HTML with inner blocks in place, dynamic blocks through their renderer,
    then the classes of block supports (whose container ids count through the request's state).

    A loop renderer (``loops``) renders its inner blocks itself, once per item, with ``render_inner``."""

    def __init__(
        self,
        renderers: Mapping[str, DynamicRenderer],
        state: RenderState,
        loops: Mapping[str, LoopRenderer] | None = None,
    ) -> None:
        self.renderers = renderers
        self.state = state
        self.loops = loops or {}

    def render(self, block: Block, context: Mapping[str, Any] | None = None) -> str:
        name = block.name
        if name is None and not block.inner_blocks and not block.attrs:
            return _own_html(block)  # HTML between blocks, as it is
        if name in PREPARED_BLOCKS:
            block = prepared_block(block)
        if context:
            block = replace(block, context=dict(context))
        loop = self.loops.get(name) if name else None
        if loop is not None:
            return apply_block_supports(loop(block, self), block, self.state)
        html = self.render_inner(block, provided_context(block) if block.inner_blocks else {})
        renderer = self.renderers.get(name) if name else None
        if renderer is not None:
            html = renderer(block, html)
        return apply_block_supports(html, block, self.state)

    def render_inner(self, block: Block, context: Mapping[str, Any]) -> str:
        """The block's own HTML with its inner blocks rendered in the given context."""
        if not block.inner_blocks:
            return _own_html(block)
        inner = iter(block.inner_blocks)
        return "".join(
            chunk if chunk is not None else self.render(next(inner), context) for chunk in block.inner_content
        )


# Renders a block that repeats its inner blocks (a query's post template) through the block renderer.
LoopRenderer = Callable[[Block, BlockRenderer], str]


def do_blocks(content: str, renderer: BlockRenderer) -> str:
    """WordPress's ``do_blocks``: every block rendered, the delimiters gone."""
    if "wp:" not in content:  # no delimiter: one freeform block, rendered as it is
        return content
    return "".join(renderer.render(block) for block in parse_blocks(content))


# Blocks whose HTML an excerpt keeps (WordPress's ``excerpt_remove_blocks``); of wrappers, only the children.
EXCERPT_BLOCKS = frozenset(
    {
        None,
        "core/freeform",
        "core/heading",
        "core/html",
        "core/list",
        "core/media-text",
        "core/paragraph",
        "core/preformatted",
        "core/pullquote",
        "core/quote",
        "core/table",
        "core/verse",
    }
)
EXCERPT_WRAPPERS = frozenset({"core/columns", "core/column", "core/group"})
EXCERPT_ALLOWED = EXCERPT_BLOCKS | EXCERPT_WRAPPERS


def _excerpt_children(block: Block, renderer: BlockRenderer) -> str:
    """A wrapper's allowed descendants, rendered without the wrapper's own HTML."""
    return "".join(
        (_excerpt_children(child, renderer) if child.inner_blocks else renderer.render(child))
        for child in block.inner_blocks
        if child.name in EXCERPT_ALLOWED
    )


def _excerpt_block(block: Block, renderer: BlockRenderer) -> str:
    if block.name not in EXCERPT_ALLOWED:
        return ""
    if block.inner_blocks:
        if block.name in EXCERPT_WRAPPERS:
            return _excerpt_children(block, renderer)
        # A text block with anything but plain text blocks inside (a list of list items too) is dropped.
        if any(child.name not in EXCERPT_BLOCKS or child.inner_blocks for child in block.inner_blocks):
            return ""
    return renderer.render(block)


def excerpt_remove_blocks(content: str, renderer: BlockRenderer) -> str:
    """WordPress's ``excerpt_remove_blocks``: only text-like blocks survive, rendered."""
    return "".join(_excerpt_block(block, renderer) for block in parse_blocks(content))

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
from typing import Any

from .block_data import prepared_block, provided_context
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


@dataclass
class Block:
    """A parsed block; ``name`` is None for HTML between blocks ("freeform")."""

    name: str | None
    attrs: Any = field(default_factory=dict)
    inner_blocks: list[Block] = field(default_factory=list)
    inner_html: str = ""
    # The block's own HTML pieces with None where each inner block goes.
    inner_content: list[str | None] = field(default_factory=list)
    # Block context: values its ancestors provide (``providesContext``), set while rendering.
    context: dict[str, Any] = field(default_factory=dict)

    def add_html(self, html: str) -> None:
        if html and html != "0":  # PHP's empty() also rejects "0"
            self.inner_html += html
            self.inner_content.append(html)


@dataclass
class _Frame:
    block: Block
    token_start: int
    token_length: int
    previous_offset: int
    leading_html_start: int | None


def _freeform(html: str) -> Block:
    return Block(None, {}, [], html, [html])


class _Parser:
    def __init__(self, document: str) -> None:
        self.document = document
        self.offset = 0
        self.output: list[Block] = []
        self.stack: list[_Frame] = []

    def parse(self) -> list[Block]:
        while self._proceed():
            pass
        return self.output

    def _add_freeform(self) -> None:
        if self.offset < len(self.document):
            self.output.append(_freeform(self.document[self.offset :]))

    def _add_inner_block(self, block: Block, start: int, length: int, last_offset: int | None = None) -> None:
        parent = self.stack[-1]
        parent.block.inner_blocks.append(block)
        parent.block.add_html(self.document[parent.previous_offset : start])
        parent.block.inner_content.append(None)
        parent.previous_offset = last_offset if last_offset else start + length

    def _add_block_from_stack(self, end_offset: int | None = None) -> None:
        top = self.stack.pop()
        end = len(self.document) if end_offset is None else end_offset
        top.block.add_html(self.document[top.previous_offset : end])
        if top.leading_html_start is not None:
            self.output.append(_freeform(self.document[top.leading_html_start : top.token_start]))
        self.output.append(top.block)

    def _proceed(self) -> bool:
        match = DELIMITER.search(self.document, self.offset)
        if match is None:
            if not self.stack:
                self._add_freeform()
            while self.stack:
                self._add_block_from_stack()
            return False
        start, end = match.span()
        leading_html_start = self.offset if start > self.offset else None
        name = (match.group("namespace") or "core/") + match.group("name")
        attrs = _attributes(match.group("attrs"))
        if match.group("void"):
            block = Block(name, attrs)
            if not self.stack:
                if leading_html_start is not None:
                    self.output.append(_freeform(self.document[leading_html_start:start]))
                self.output.append(block)
            else:
                self._add_inner_block(block, start, end - start)
            self.offset = end
            return True
        if not match.group("closer"):
            self.stack.append(_Frame(Block(name, attrs), start, end - start, end, leading_html_start))
            self.offset = end
            return True
        if not self.stack:  # a closer without an opener: the rest is plain HTML
            self._add_freeform()
            return False
        if len(self.stack) == 1:
            self._add_block_from_stack(start)
            self.offset = end
            return True
        top = self.stack.pop()
        top.block.inner_html += self.document[top.previous_offset : start]
        top.block.inner_content.append(self.document[top.previous_offset : start])
        self._add_inner_block(top.block, top.token_start, top.token_length, end)
        self.offset = end
        return True


def _attributes(source: str | None) -> Any:
    if source is None:
        return {}
    try:
        return json.loads(source)
    except ValueError:
        return None


def parse_blocks(content: str) -> list[Block]:
    """WordPress's ``parse_blocks``."""
    return _Parser(content).parse()


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
        block = prepared_block(block)
        if context:
            block = replace(block, context=dict(context))
        loop = self.loops.get(block.name) if block.name else None
        if loop is not None:
            return apply_block_supports(loop(block, self), block, self.state)
        html = self.render_inner(block, provided_context(block) if block.inner_blocks else {})
        renderer = self.renderers.get(block.name) if block.name else None
        if renderer is not None:
            html = renderer(block, html)
        return apply_block_supports(html, block, self.state)

    def render_inner(self, block: Block, context: Mapping[str, Any]) -> str:
        """The block's own HTML with its inner blocks rendered in the given context."""
        inner = iter(block.inner_blocks)
        return "".join(
            chunk if chunk is not None else self.render(next(inner), context) for chunk in block.inner_content
        )


# Renders a block that repeats its inner blocks (a query's post template) through the block renderer.
LoopRenderer = Callable[[Block, BlockRenderer], str]


def do_blocks(content: str, renderer: BlockRenderer) -> str:
    """WordPress's ``do_blocks``: every block rendered, the delimiters gone."""
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

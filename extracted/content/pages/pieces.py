"""The site-wide pieces of the theme's pages, as ``wordpress/php/page_pieces.php`` renders them, and
whether they still hold.

WordPress reports the inputs it rendered them from (options' values, and the posts of the types that
templates, global styles and navigation read: pages, ``wp_global_styles``, ``wp_template``...). The
same inputs read from the read model give :func:`model_inputs`; pieces hold while the two digests are
equal. A digest that differs means the pieces are older than the read model (an option changed and
WordPress has not rendered them again yet) or newer (WordPress's database is ahead of the CDC): either
way they are not served (:func:`fresh_pieces` gives None, the page is declined).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import OperationalError

from ..render_inputs import options
from ..schema import posts

__all__ = [
    "INPUT_POST_TYPES",
    "Document",
    "Pieces",
    "fresh_pieces",
    "input_options",
    "inputs_digest",
    "model_inputs",
    "parse_pieces",
    "pieces_table",
    "save_pieces",
    "stored_digest",
]

#: options the pieces depend on: the site's name and URLs, its theme and the theme's mods (named after
#: the stylesheet, :func:`input_options`), language and charset, indexing, icon and logo, the front page
OPTIONS = (
    "blogname", "blogdescription", "home", "siteurl", "stylesheet", "template", "WPLANG", "blog_charset",
    "html_type", "blog_public", "site_icon", "site_logo", "show_on_front", "page_on_front", "page_for_posts",
    "permalink_structure",
)  # fmt: skip
#: post types the pieces read: pages (the navigation's page list), the user's global styles, templates and
#: template parts edited in the site editor, navigation menus, reusable blocks
INPUT_POST_TYPES = ("page", "wp_global_styles", "wp_template", "wp_template_part", "wp_navigation", "wp_block")

pieces_metadata = MetaData()
#: one row per kind of pieces (``site``): WordPress's JSON answer and the digest of its inputs. Its own
#: metadata: the refresher creates it, the consumer's projection never writes it.
pieces_table = Table(
    "content_page_pieces",
    pieces_metadata,
    Column("kind", String(32), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("document", Text, nullable=False),
    Column("made_at", Integer, nullable=False, default=0),
)
KIND = "site"


def input_options(stylesheet: str | None) -> list[str]:
    return [*OPTIONS, f"theme_mods_{stylesheet or ''}"]


def _mysql_date(value: str | None) -> str:
    return (value or "0000-00-00T00:00:00").replace("T", " ")


def model_inputs(connection: Connection) -> dict[str, Any]:
    """The pieces' inputs as the read model has them, in the shape ``page_pieces.php`` reports them."""
    stylesheet = options(connection, ["stylesheet"]).get("stylesheet")
    names = input_options(stylesheet)
    values = options(connection, names)
    rows = connection.execute(
        select(posts.c.id, posts.c.type, posts.c.status, posts.c.slug, posts.c.parent, posts.c.menu_order,
               posts.c.modified_gmt, posts.c.title_raw, posts.c.content_raw)
        .where(posts.c.type.in_(INPUT_POST_TYPES))
        .order_by(posts.c.id)
    )  # fmt: skip
    found = [
        [r.id, r.type, r.status, r.slug, r.parent, r.menu_order, _mysql_date(r.modified_gmt), r.title_raw,
         hashlib.md5(r.content_raw.encode("utf-8")).hexdigest()]
        for r in rows
    ]  # fmt: skip
    return {"options": {name: values.get(name) for name in names}, "posts": found}


def inputs_digest(inputs: dict[str, Any]) -> str:
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """A page WordPress rendered ahead of time, cut where the request's own parts go: before the
    ``<title>``, between it and the body's classes, after them."""

    parts: tuple[str, str, str]
    title: str
    body_class: str
    status: int
    headers: tuple[tuple[str, str], ...]

    def compose(self, title: str, body_class: str) -> bytes:
        head, middle, rest = self.parts
        return f"{head}<title>{title}</title>\n{middle}{body_class}{rest}".encode()


@dataclass(frozen=True)
class Pieces:
    digest: str
    documents: dict[str, Document]
    global_styles: str
    blogname: str


def parse_pieces(answer: dict[str, Any]) -> Pieces:
    """WordPress's answer as pieces (KeyError, TypeError or ValueError when it is not one)."""
    documents = {
        name: Document(
            parts=(str(doc["parts"][0]), str(doc["parts"][1]), str(doc["parts"][2])),
            title=str(doc["title"]),
            body_class=str(doc["body_class"]),
            status=int(doc["status"]),
            headers=tuple((str(k), str(v)) for k, v in doc["headers"]),
        )
        for name, doc in answer["documents"].items()
    }
    blogname = answer["inputs"]["options"].get("blogname") or ""
    return Pieces(inputs_digest(answer["inputs"]), documents, str(answer["global_styles"]), str(blogname))


def save_pieces(connection: Connection, answer: dict[str, Any], made_at: int) -> str:
    """Store WordPress's answer (checked by :func:`parse_pieces`); the digest of its inputs."""
    digest = parse_pieces(answer).digest
    connection.execute(pieces_table.delete().where(pieces_table.c.kind == KIND))
    document = json.dumps(answer, ensure_ascii=False)
    connection.execute(pieces_table.insert().values(kind=KIND, digest=digest, document=document, made_at=made_at))
    return digest


def stored_digest(connection: Connection) -> str | None:
    try:
        return connection.execute(select(pieces_table.c.digest).where(pieces_table.c.kind == KIND)).scalar()
    except OperationalError:  # no table yet: no refresher has run on this store
        return None


def fresh_pieces(connection: Connection) -> Pieces | None:
    """The stored pieces if they were made from what the read model holds now, else None."""
    try:
        row = connection.execute(select(pieces_table).where(pieces_table.c.kind == KIND)).first()
    except OperationalError:
        return None
    if row is None or row.digest != inputs_digest(model_inputs(connection)):
        return None
    return parse_pieces(json.loads(row.document))

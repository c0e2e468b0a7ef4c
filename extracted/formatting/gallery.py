"""The ``[gallery]`` shortcode: a grid of attachment images, linked to their pages or files."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .attachments import attachment_image, attachment_link_html
from .html import sanitize_html_class, tag_escape
from .phpdata import php_int
from .shortcodes import Attributes
from .texturize import wptexturize
from .types import Attachment, PostContext, RenderState, SiteOptions

ID_SEPARATOR = re.compile(r"[\s,]+", re.ASCII)
PHP_TRIM = " \t\n\r\0\x0b"
# Elements WordPress's kses allows in posts: a gallery's item, icon and caption tags must be among them.
POST_ELEMENTS = frozenset(
    {
        "address",
        "a",
        "abbr",
        "acronym",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "bdo",
        "big",
        "blockquote",
        "br",
        "button",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "del",
        "dd",
        "dfn",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "fieldset",
        "figure",
        "figcaption",
        "font",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "main",
        "map",
        "mark",
        "menu",
        "nav",
        "object",
        "p",
        "pre",
        "q",
        "rb",
        "rp",
        "rt",
        "rtc",
        "ruby",
        "s",
        "samp",
        "span",
        "section",
        "small",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "tt",
        "u",
        "ul",
        "ol",
        "var",
        "video",
    }
)


def id_list(text: str) -> list[int]:
    """``wp_parse_id_list``: unique non-negative integers from a comma/space separated list."""
    ids: list[int] = []
    for piece in ID_SEPARATOR.split(text):
        number = abs(php_int(piece))
        if number not in ids:
            ids.append(number)
    return ids


def _ordered(attachments: Iterable[Attachment], orderby: str, order: str, include: list[int]) -> list[Attachment]:
    chosen = list(attachments)
    if orderby == "post__in" and include:
        return sorted(chosen, key=lambda a: include.index(a.id))
    if orderby == "rand":  # the database's random order: kept as given
        return chosen
    if orderby in ("menu_order ID", "menu_order", "ID"):
        chosen.sort(key=lambda a: a.id if orderby == "ID" else (a.menu_order, a.id))
        return chosen[::-1] if order.upper() == "DESC" else chosen
    return sorted(chosen, key=lambda a: a.date, reverse=True)


def select_attachments(attributes: Attributes, post: PostContext, kind: str) -> list[Attachment] | None:
    """The attachments of a gallery or playlist (by ids, or attached to the post), or None when the post
    they are attached to may not be shown."""
    orderby = attributes.get("orderby") or ("post__in" if attributes.get("ids") else "menu_order ID")
    order = attributes.get("order", "ASC")
    include_text = attributes.get("ids") or attributes.get("include", "")
    images = [a for a in post.attachments.values() if a.mime_type.startswith(kind)]
    if include_text and include_text != "0":
        include = id_list(include_text)
        return _ordered((a for a in images if a.id in include), orderby, order, include)
    parent = php_int(attributes["id"]) if "id" in attributes else post.id
    if parent and post.password_required:
        return None
    exclude = id_list(attributes.get("exclude", "")) if attributes.get("exclude") else []
    return _ordered((a for a in images if a.parent == parent and a.id not in exclude), orderby, order, [])


def render_gallery(attributes: Attributes, post: PostContext, site: SiteOptions, state: RenderState) -> str:
    state.galleries += 1
    selector = f"gallery-{state.galleries}"
    images = select_attachments(attributes, post, "image")
    if not images:
        return ""
    html5 = site.html5
    item_tag = tag_escape(attributes.get("itemtag", "figure" if html5 else "dl"))
    icon_tag = tag_escape(attributes.get("icontag", "div" if html5 else "dt"))
    caption_tag = tag_escape(attributes.get("captiontag", "figcaption" if html5 else "dd"))
    item_tag = item_tag if item_tag in POST_ELEMENTS else "dl"
    caption_tag = caption_tag if caption_tag in POST_ELEMENTS else "dd"
    icon_tag = icon_tag if icon_tag in POST_ELEMENTS else "dt"
    columns = php_int(str(attributes.get("columns", "3")))
    size = attributes.get("size", "thumbnail")
    link = attributes.get("link", "")
    gallery_id = php_int(attributes["id"]) if "id" in attributes else post.id
    output = [] if html5 else [_default_style(selector, columns)]
    output.append(
        f"<div id='{selector}' class='gallery galleryid-{gallery_id} gallery-columns-{columns} "
        f"gallery-size-{sanitize_html_class(size)}'>"
    )
    for count, image in enumerate(images, start=1):
        extra = {"aria-describedby": f"{selector}-{image.id}"} if image.caption.strip(PHP_TRIM) else None
        if link == "file":
            image_html = attachment_link_html(image, size, site, to_page=False, extra=extra)
        elif link == "none":
            image_html = attachment_image(image, size, site, extra)
        else:
            image_html = attachment_link_html(image, size, site, to_page=True, extra=extra)
        meta = image.metadata
        orientation = ("portrait" if meta.height > meta.width else "landscape") if meta else ""
        output.append(f"<{item_tag} class='gallery-item'>")
        output.append(
            f"\n\t\t\t<{icon_tag} class='gallery-icon {orientation}'>\n\t\t\t\t{image_html}\n\t\t\t</{icon_tag}>"
        )
        if caption_tag and image.caption.strip(PHP_TRIM):
            output.append(
                f"\n\t\t\t\t<{caption_tag} class='wp-caption-text gallery-caption' id='{selector}-{image.id}'>"
                f"\n\t\t\t\t{wptexturize(image.caption)}\n\t\t\t\t</{caption_tag}>"
            )
        output.append(f"</{item_tag}>")
        if not html5 and columns > 0 and count % columns == 0:
            output.append('<br style="clear: both" />')
    if not html5 and columns > 0 and len(images) % columns != 0:
        output.append("\n\t\t\t<br style='clear: both' />")
    output.append("\n\t\t</div>\n")
    return "".join(output)


def _default_style(selector: str, columns: int) -> str:
    width = math.floor(100 / columns) if columns > 0 else 100
    return (
        f'\n\t\t<style type="text/css">\n\t\t\t#{selector} {{\n\t\t\t\tmargin: auto;\n\t\t\t}}\n'
        f"\t\t\t#{selector} .gallery-item {{\n\t\t\t\tfloat: left;\n\t\t\t\tmargin-top: 10px;\n"
        f"\t\t\t\ttext-align: center;\n\t\t\t\twidth: {width}%;\n\t\t\t}}\n"
        f"\t\t\t#{selector} img {{\n\t\t\t\tborder: 2px solid #cfcfcf;\n\t\t\t}}\n"
        f"\t\t\t#{selector} .gallery-caption {{\n\t\t\t\tmargin-left: 0;\n\t\t\t}}\n"
        "\t\t\t/* see gallery_shortcode() in wp-includes/media.php */\n\t\t</style>\n\t\t"
    )

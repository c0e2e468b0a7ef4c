"""Embeds: URLs alone on their line or paragraph, and ``[embed]url[/embed]``.

WordPress asks the provider (oEmbed) and caches the answer in the post's meta (``_oembed_<md5>``). The
renderer never goes to the network: it uses that cache, and where there is none it renders what
WordPress renders when the provider cannot be reached (the URL, or a link for ``[embed]``). Media file
URLs become ``[audio]``/``[video]`` shortcodes, rendered later by ``do_shortcode``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from urllib.parse import quote_plus

from .html import escape_html, split_html
from .phpdata import php_int, php_serialize
from .players import AUDIO_TYPES, VIDEO_TYPES
from .shortcodes import Attributes, do_shortcode
from .urls import esc_url

LINE_BREAK_PLACEHOLDER = "<!-- wp-line-break -->"
# "(^|\s|>)https?://", spelled from its "://" (a literal the regex engine scans for) with lookbehinds over it.
HAS_URL = re.compile(
    r"://(?:(?<=[\s>]http://)|(?<=[\s>]https://)|(?<!.{8})(?<=http://)|(?<!.{9})(?<=https://))",
    re.IGNORECASE | re.ASCII | re.DOTALL,
)
URL_ON_OWN_LINE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.IGNORECASE | re.MULTILINE | re.ASCII)
URL_IN_OWN_PARAGRAPH = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.IGNORECASE | re.ASCII)
YOUTUBE_EMBED_URL = re.compile(r"https?://(www.)?youtube\.com/(?:v|embed)/([^/]+)", re.IGNORECASE)
AUDIO_URL = re.compile(r"^https?://.+?\.(" + "|".join(AUDIO_TYPES) + r")$", re.IGNORECASE)
VIDEO_URL = re.compile(r"^https?://.+?\.(" + "|".join(VIDEO_TYPES) + r")$", re.IGNORECASE)
DEFAULT_WIDTH = 500


def _with_defaults(raw: Attributes) -> dict[str, object]:
    attributes: dict[str, object] = {"width": DEFAULT_WIDTH, "height": float(min(DEFAULT_WIDTH * 3 // 2, 1000))}
    attributes.update({str(key): value for key, value in raw.items()})
    return attributes


class Embedder:
    """Renders embeds of one post from its oEmbed cache."""

    def __init__(self, post_meta: Mapping[str, str]) -> None:
        self.post_meta = post_meta

    def _handler_html(self, url: str, raw: Attributes) -> str | None:
        youtube = YOUTUBE_EMBED_URL.search(url)
        if youtube:
            return self.autoembed("https://youtube.com/watch?v=" + quote_plus(youtube.group(2)))
        if AUDIO_URL.search(url):
            return f'[audio src="{esc_url(url)}" /]'
        if VIDEO_URL.search(url):
            dimensions = ""
            width, height = raw.get("width", ""), raw.get("height", "")
            if width and width != "0" and height and height != "0":
                dimensions = f'width="{php_int(width)}" height="{php_int(height)}" '
            return f'[video {dimensions} src="{esc_url(url)}" /]'
        return None

    def embed(self, url: str, raw: Attributes, *, link_unknown: bool) -> str:
        """``WP_Embed::shortcode``: the cached provider HTML, or the URL (as a link for ``[embed]``)."""
        if not url or url == "0":
            url = raw.get("src", "")
        if not url or url == "0":
            return ""
        url = url.replace("&amp;", "&")
        handled = self._handler_html(url, raw)
        if handled is not None:
            return handled
        key = hashlib.md5((url + php_serialize(_with_defaults(raw))).encode()).hexdigest()
        cached = self.post_meta.get(f"_oembed_{key}", "")
        if cached and cached not in ("{{unknown}}", "0"):
            return cached
        return f'<a href="{esc_url(url)}">{escape_html(url)}</a>' if link_unknown else url

    def autoembed(self, content: str) -> str:
        """``WP_Embed::autoembed``: embed URLs that stand alone on a line or in a paragraph."""
        if not HAS_URL.search(content):
            # Nothing to embed (newlines in tags would be hidden, then restored): only placeholders
            # already in the content turn into newlines.
            return content.replace(LINE_BREAK_PLACEHOLDER, "\n")
        parts = split_html(content)
        parts[1::2] = [tag.replace("\n", LINE_BREAK_PLACEHOLDER) for tag in parts[1::2]]
        content = "".join(parts)
        if HAS_URL.search(content):

            def replace(match: re.Match[str]) -> str:
                return match.group(1) + self.embed(match.group(2), {}, link_unknown=False) + match.group(3)

            content = URL_ON_OWN_LINE.sub(replace, content)
            content = URL_IN_OWN_PARAGRAPH.sub(replace, content)
        return content.replace(LINE_BREAK_PLACEHOLDER, "\n")

    def run_shortcode(self, content: str) -> str:
        """``WP_Embed::run_shortcode``: ``[embed]`` alone, before the other filters."""
        return do_shortcode(
            content,
            {"embed": lambda attributes, url, _: self.embed(url or "", attributes, link_unknown=True)},
            ignore_html=True,
        )

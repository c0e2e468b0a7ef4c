"""The ``[audio]`` and ``[video]`` shortcodes: MediaElement.js players with a link as fallback."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .attachments import attachment_url
from .html import escape_attribute, escape_html
from .mime_types import file_type
from .phpdata import php_int
from .shortcodes import Attributes
from .types import PostContext, RenderState, SiteOptions
from .urls import esc_url

AUDIO_TYPES = ("mp3", "ogg", "flac", "m4a", "wav")
VIDEO_TYPES = ("mp4", "m4v", "webm", "ogv", "flv")
YOUTUBE = re.compile(r"https?://(?:www\.)?(?:youtube\.com/watch|youtu\.be/)")
VIMEO = re.compile(r"https?://(.+\.)?vimeo\.com/.*")


def _extension(url: str, types: tuple[str, ...]) -> str | None:
    """The URL's extension if it is one of ``types`` (lowercased)."""
    known = file_type(url) if url else None
    extension = known[0].lower() if known else ""
    return extension if extension in types else None


def _mime_type(url: str) -> str:
    known = file_type(url)
    return known[1] if known else ""


def _with_instance(url: str, instance: int) -> str:
    """``add_query_arg('_', instance, url)`` for the URLs of media files."""
    url, hash_mark, fragment = url.partition("#")
    base, question, query = url.partition("?")
    pairs = [pair for pair in query.split("&") if pair and pair.split("=", 1)[0] != "_"] if question else []
    pairs.append(f"_={instance}")
    return base + "?" + "&".join(pairs) + (hash_mark + fragment)


def _boolean(value: str) -> bool:
    """``wp_validate_boolean`` of an attribute: any text is true but ``""``, ``"0"`` and ``"false"`` in any
    ASCII case (so ``loop="no"`` and ``loop=&quot;true&quot;`` both loop; ``"falſe"`` is not ``"false"``)."""
    return value not in ("", "0") and not (value.isascii() and value.lower() == "false")


def _attribute_string(attributes: dict[str, str]) -> str:
    return " ".join(f'{name}="{escape_attribute(value)}"' for name, value in attributes.items())


def _sources(
    attributes: Mapping[str, str], types: tuple[str, ...], instance: int, src_type: str | None = None
) -> tuple[str, str]:
    """The ``<source>`` tags and the URL of the first (for the fallback link)."""
    sources, first = [], ""
    for name in ("src", *types):
        value = attributes.get(name, "")
        if not value or value == "0":
            continue
        first = first or value
        mime = src_type if name == "src" and src_type else _mime_type(value)
        sources.append(f'<source type="{mime}" src="{esc_url(_with_instance(value, instance))}" />')
    return "".join(sources), first


def _attached(post: PostContext, kind: str, site: SiteOptions) -> str:
    """The URL of the post's first attached audio or video (by menu order, then id)."""
    attached = [a for a in post.attachments.values() if a.parent == post.id and a.mime_type.startswith(kind + "/")]
    if not attached:
        return ""
    return attachment_url(min(attached, key=lambda a: (a.menu_order, a.id)), site)


def _primary(attributes: Mapping[str, str], types: tuple[str, ...]) -> bool:
    return any(attributes.get(name) and _extension(attributes[name], types) == name for name in types)


def render_audio(attributes: Attributes, post: PostContext, site: SiteOptions, state: RenderState) -> str:
    state.audio_players += 1
    instance = state.audio_players
    values = {str(key): value for key, value in attributes.items()}
    source = values.get("src", "")
    if source and source != "0":
        if _extension(source, AUDIO_TYPES) is None:
            return f'<a class="wp-embedded-audio" href="{esc_url(source)}">{escape_html(source)}</a>'
    elif not _primary(values, AUDIO_TYPES):
        values["src"] = _attached(post, "audio", site)
        if not values["src"]:
            return ""
    html_attributes = {"class": values.get("class", "wp-audio-shortcode"), "id": f"audio-{post.id}-{instance}"}
    for flag in ("loop", "autoplay"):
        if _boolean(values.get(flag, "")):
            html_attributes[flag] = "1"
    preload = values.get("preload", "none")
    if preload and preload != "0":
        html_attributes["preload"] = preload
    html_attributes["style"] = values.get("style", "width: 100%;")
    sources, first = _sources(values, AUDIO_TYPES, instance)
    start = "<!--[if lt IE 9]><script>document.createElement('audio');</script><![endif]-->\n" if instance == 1 else ""
    fallback = esc_url(first)
    return (
        f'{start}<audio {_attribute_string(html_attributes)} controls="controls">{sources}'
        f'<a href="{fallback}">{fallback}</a></audio>'
    )


def _video_source(attributes: dict[str, str]) -> tuple[str | None, str]:
    """The type of a YouTube or Vimeo ``src`` and the URL MediaElement plays it from."""
    source = attributes.get("src", "")
    if YOUTUBE.match(source):
        url = re.sub(r"([?&])feature=[^&#]*&?", r"\1", source).rstrip("?&")
        return "video/youtube", re.sub(r"\Ahttp://", "https://", url)
    if VIMEO.match(source):
        parts = urlsplit(source)
        loop = "1" if attributes.get("loop") and attributes.get("loop") != "0" else "0"
        return "video/vimeo", f"https://{parts.hostname}{parts.path}?loop={loop}"
    return None, source


def render_video(
    attributes: Attributes, post: PostContext, site: SiteOptions, state: RenderState, content: str | None
) -> str:
    state.video_players += 1
    instance = state.video_players
    values = {str(key): value for key, value in attributes.items()}
    source = values.get("src", "")
    src_type: str | None = None
    if source and source != "0":
        src_type, values["src"] = _video_source(values)
        if src_type is None and _extension(source, VIDEO_TYPES) is None:
            return f'<a class="wp-embedded-video" href="{esc_url(source)}">{escape_html(source)}</a>'
    elif not _primary(values, VIDEO_TYPES):
        values["src"] = _attached(post, "video", site)
        if not values["src"]:
            return ""
    width, height = abs(php_int(str(values.get("width", "640")))), abs(php_int(str(values.get("height", "360"))))
    html_attributes = {
        "class": values.get("class", "wp-video-shortcode"),
        "id": f"video-{post.id}-{instance}",
        "width": str(width),
        "height": str(height),
    }
    poster = esc_url(values.get("poster", ""))
    if poster and poster != "0":
        html_attributes["poster"] = poster
    for flag, default in (("loop", ""), ("autoplay", ""), ("muted", "false")):
        if _boolean(values.get(flag, default)):
            html_attributes[flag] = "1"
    preload = values.get("preload", "metadata")
    if preload and preload != "0":
        html_attributes["preload"] = preload
    sources, first = _sources(values, VIDEO_TYPES, instance, src_type)
    inner = content or ""
    if inner and inner != "0":
        if "\n" in inner:
            inner = inner.replace("\r\n", "").replace("\n", "").replace("\t", "")
        sources += inner.strip(" \t\n\r\0\x0b")
    start = "<!--[if lt IE 9]><script>document.createElement('video');</script><![endif]-->\n" if instance == 1 else ""
    fallback = esc_url(first)
    width_rule = f"width: {php_int(str(values.get('width', '640')))}px;" if values.get("width", "640") else ""
    return (
        f'<div style="{width_rule}" class="wp-video">{start}<video {_attribute_string(html_attributes)} '
        f'controls="controls">{sources}<a href="{fallback}">{fallback}</a></video></div>'
    )

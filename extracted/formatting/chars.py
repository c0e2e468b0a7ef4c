"""Small character-level filters: stray ampersands, WordPress's capital P, insecure home URLs."""

from __future__ import annotations

import re

STRAY_AMPERSAND = re.compile(r"&([^#])(?![a-z1-4]{1,8};)", re.IGNORECASE | re.ASCII)

_DANGIT_CONTEXTS = (" ", "&#8216;", "&#8220;", ">", "(")


def convert_chars(text: str) -> str:
    """WordPress's ``convert_chars``: an ``&`` that starts no entity becomes ``&#038;``."""
    return STRAY_AMPERSAND.sub(r"&#038;\1", text) if "&" in text else text


def capital_p_dangit(text: str, *, title: bool = False) -> str:
    """ "Wordpress" spelled "WordPress": everywhere in titles, after a space, quote, ``>`` or ``(`` elsewhere."""
    if "Wordpress" not in text:
        return text
    if title:
        return text.replace("Wordpress", "WordPress")
    for before in _DANGIT_CONTEXTS:
        text = text.replace(before + "Wordpress", before + "WordPress")
    return text


def replace_insecure_home_url(text: str, home_url: str) -> str:
    """After an HTTPS migration, links to the ``http://`` home become ``https://`` (plain and JSON-escaped)."""
    https_url = "https://" + home_url.split("://", 1)[-1]
    http_url = "http://" + https_url[len("https://") :]
    text = text.replace(http_url, https_url)
    return text.replace(http_url.replace("/", "\\/"), https_url.replace("/", "\\/"))

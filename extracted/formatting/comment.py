"""The ``comment_text`` filter chain (a comment's ``content.rendered``), also used by the comments block."""

from __future__ import annotations

from .autop import wpautop
from .balance_tags import force_balance_tags
from .chars import capital_p_dangit, convert_chars
from .clickable import make_clickable
from .smilies import convert_smilies
from .texturize import wptexturize
from .types import SiteOptions


def comment_text(raw: str, *, site: SiteOptions) -> str:
    """``apply_filters('comment_text', $raw)`` (a comment's ``content.rendered``)."""
    text = make_clickable(raw, rel="nofollow ugc")
    text = convert_chars(wptexturize(text))
    if site.use_smilies:
        text = convert_smilies(text, site.site_url)
    text = wpautop(force_balance_tags(text))
    return capital_p_dangit(text)

"""The comments form block: WordPress's ``comment_form()`` for a visitor, as a block theme styles it.

The form shows when the post is open to comments; the site's options decide whether name and email are
required (``SiteOptions.require_name_email``), whether the cookies consent box shows
(``show_comments_cookies_opt_in``) and whether the title has the (hidden) link cancelling a reply to a
comment (``thread_comments``: the link is the request's own URL).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlsplit

from ..blocks import Block
from ..html import escape_html
from ..phpdata import php_string
from ..types import SiteData, SiteOptions, SitePost
from ..urls import esc_url
from .wrapper import wrapper_attributes

REQUIRED = ' <span class="required">*</span>'
NOTES = (
    '<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> '
    '<span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>'
)
COMMENT_FIELD = (
    '<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> '
    '<textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>'
)
COOKIES = (
    '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" '
    'name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">'
    "Save my name, email, and website in this browser for the next time I comment.</label></p>\n"
)


def _fields(site: SiteOptions) -> str:
    required = REQUIRED if site.require_name_email else ""
    attribute = " required" if site.require_name_email else ""
    html = (
        f'<p class="comment-form-author"><label for="author">Name{required}</label> <input id="author" '
        f'name="author" type="text" value="" size="30" maxlength="245" autocomplete="name"{attribute} /></p>\n'
        f'<p class="comment-form-email"><label for="email">Email{required}</label> <input id="email" '
        f'name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" '
        f'autocomplete="email"{attribute} /></p>\n'
        '<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" '
        'value="" size="30" maxlength="200" autocomplete="url" /></p>\n'
    )
    return html + (COOKIES if site.show_comments_cookies_opt_in else "")


REPLY_ARGUMENTS = frozenset({"replytocom", "unapproved", "moderation-hash"})


def cancel_reply_link(data: SiteData) -> str:
    """``get_cancel_comment_reply_link``: the request's path and query without reply arguments."""
    request = urlsplit(data.request_url)
    kept = [
        (key, value) for key, value in parse_qsl(request.query, keep_blank_values=True) if key not in REPLY_ARGUMENTS
    ]
    query = "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in kept)
    link = escape_html(request.path + (f"?{query}" if query else "")) + "#respond"
    return f'<a rel="nofollow" id="cancel-comment-reply-link" href="{link}" style="display:none;">Cancel reply</a>'


def render_comment_form(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    if post.comment_status != "open" or post.password_required:
        return ""
    align = block.attributes.get("textAlign")
    classes = "comment-respond" + (f" has-text-align-{php_string(align)}" if align is not None else "")
    wrapper = wrapper_attributes(block, **{"class": classes})
    action = esc_url(f"{site.site_url}/wp-comments-post.php")
    submit = (
        '<p class="form-submit wp-block-button"><input name="submit" type="submit" id="submit" '
        'class="wp-block-button__link wp-element-button" value="Post Comment" /> '
        f"<input type='hidden' name='comment_post_ID' value='{post.id}' id='comment_post_ID' />\n"
        "<input type='hidden' name='comment_parent' id='comment_parent' value='0' />\n</p>"
    )
    return (
        f'\t<div id="respond" {wrapper}>\n'
        '\t\t<h3 id="reply-title" class="comment-reply-title">Leave a Reply'
        f"{f' <small>{cancel_reply_link(data)}</small>' if site.thread_comments else ''}</h3>"
        f'<form action="{action}" method="post" id="commentform" class="comment-form" novalidate>'
        f"{NOTES}{COMMENT_FIELD}{_fields(site)}{submit}</form>\t</div><!-- #respond -->\n\t"
    )

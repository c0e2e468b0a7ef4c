"""The theme's HTML pages, byte for byte as WordPress 6.1 answers an anonymous visitor (so far the 404 page).

What depends only on the theme's files and the site's options and pages (global styles from theme.json and
the user's styles, ``wp_head`` and ``wp_footer`` output, the template parts with the site title and the
navigation's page list, the block styles and layout rules the template needs) is rendered **ahead of time**
by the installed WordPress itself: ``wordpress/php/page_pieces.php``, run with the site's PHP against its
database by the service's :class:`~extracted.content.pages.refresh.PiecesRefresher` worker whenever the
read model's copy of those inputs changed (CDC of ``wp_options`` rows such as ``blogname``, ``stylesheet``,
``theme_mods_*``, and of pages, ``wp_global_styles``, templates and navigation posts). It is never run on a
request's path: requests read the stored pieces, and only while the inputs they were made from are those of
the read model (``pieces``); else the page is a 503 with ``X-Strangler-Unavailable`` and WordPress answers.

The request decides the rest: whether the path is WordPress's 404 (``not_found``, from the rewrite rules and
the posts), the status and headers, the document title and the body's classes (``documents``).
"""

from __future__ import annotations

from .pieces import Pieces, fresh_pieces, model_inputs
from .refresh import PiecesRefresher, WordPressPhp, php_settings
from .routes import page_reply, page_routes

__all__ = [
    "Pieces",
    "PiecesRefresher",
    "WordPressPhp",
    "fresh_pieces",
    "model_inputs",
    "page_reply",
    "page_routes",
    "php_settings",
]

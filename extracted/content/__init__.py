"""The content service: WordPress's posts, pages, categories, tags and authors served from change events.

It answers ``/wp-json/wp/v2/{posts,pages,categories,tags,users}``, ``/robots.txt`` and the XML sitemaps
(``/wp-sitemap.xml``, its sub-sitemaps and their two stylesheets) exactly as WordPress 6.1 does for
anonymous visitors, from its own read model (never WordPress's database), built by the consumer
runtime (``extracted.runtime``) from the CDC topics and, for users (authors, their embeds, avatars),
from the users service's domain events (``<prefix>.events.users``; no WordPress user table is read,
so the users service must run for content to know its authors). ``_embed`` also covers authors,
terms, parent pages, replies and a post's featured image (the media item in embed context, ``media_embed``).

Run it (see ``__main__`` for every flag)::

    python -m extracted.content serve --listen HOST:PORT --bootstrap HOST:PORT --prefix wordpress \\
        --database wordpress --store sqlite:///PATH [--group content]
    python -m extracted.content rebuild --bootstrap HOST:PORT --prefix wordpress --database wordpress \\
        --store sqlite:///PATH [--group content]

Rendering (``content``, ``excerpt`` and ``title``, with ``extracted.formatting``) happens at projection
time where it can and at request time where it must:

* At projection time (``rendering``) every changed post is rendered from a fresh request state and
  classified: ``static`` (the same output after any other content, and no site data read: served as
  stored), ``stateful`` (the output depends on what WordPress rendered before it in the same request:
  ``wp-container-N``, gallery numbers, paragraphs around shortcodes after block content) or ``live``
  (its dynamic blocks read site data: latest posts, archives, calendar, query loops, page list, ...).
  Posts re-render when their row, meta or terms change, posts showing media when media changes, all
  posts when a rendering option changes.
* At request time (``live``) a response follows WordPress's request-wide state through its posts in
  order (stored deltas for static posts), renders stateful posts that are not first and every live post
  with the read model as ``SiteData`` (``site_data``, loaded part by part once per read-model
  generation) and the request's time and URL; renderings are cached per generation.

**503 for the proxy's fallback.** Where the service cannot give WordPress's answer for a post a
response includes (the formatting library raises ``UnsupportedContentError`` or ``WordPressFatalError``
or fails), the whole request is answered ``503`` with ``X-Strangler-Unavailable: post N`` and a JSON
body with code ``strangler_content_unavailable`` (never wrapped by ``_envelope``); the proxy then serves
WordPress's answer. Requests that do not render that post's content (``_fields`` without it, other pages) are served.
Forms of request the service does not reproduce are declined the same way, ``X-Strangler-Unavailable:
request <kind>`` (``extracted.rest.request_forms``: ``_jsonp``, ``_method`` and
``X-HTTP-Method-Override``, invalid UTF-8 in the query, NUL in the path, an ``Origin`` that WordPress
rewrites); a plain ``Origin`` gets WordPress's CORS headers.

**Searches compare as MariaDB does** (``collation``): by ``utf8mb4_unicode_520_ci`` weight classes read
from MariaDB (``é`` finds ``e``, ``ß`` does not find ``ss``); a ``search`` over 1,600 bytes is ignored as
``WP_Query`` ignores it; ``sanitize_text_field`` trims what PHP's ``trim`` trims (NUL, not NBSP).

**Post events** (``post_events``, ``post_records``, ``post_announcer``): ``post.published``,
``post.updated`` (only the changed fields), ``post.unpublished`` and ``post.deleted`` on
``<prefix>.events.posts``, derived from a post's settled state against what consumers were last told
(a ledger): revisions, autosaves, meta and counters make none; a scheduled post is published when it
goes live. An outbox and a relay publish them exactly once (as users' and comments' events).

**robots.txt and sitemaps** (``site_files``, ``sitemaps``, ``sitemap_xml``, ``sitemap_stylesheets``,
``robots``): built from the read model and the options (``home``, ``siteurl``, ``blog_public``,
``permalink_structure``, ``show_on_front``, ``WPLANG``), cached per read-model generation. The
stylesheets depend only on the language: WordPress's ``en_US`` text is stored verbatim (another language
is declined). Only the spellings WordPress answers itself are served; a sitemap page past the last one,
``/wp-sitemap.xml/``, ``-0.xml``, a query string that may change the answer, a site that is not public,
plain permalinks or a permalink front other than ``/`` are declined (503, WordPress answers).

Tie order of term listings (``tie_order``, ``terms_order``): where MariaDB's plan can be predicted
from the data (an unfiltered listing sorted before the join), its order for equal keys is reproduced
(quicksort, the radix switch, row references' little-endian bytes; measured: 776 of 1,600 random
listings predicted, every one of them right); listings sorted through a temporary table break ties by
memory address and keep the SQL order.

Known gaps (see the parity tests): MariaDB's order of posts with equal sort keys (filesort) is not
reproduced: with a full scan in primary-key order and no bounded priority queue it is exactly
MariaDB's ``my_qsort2`` (quicksort, median of three, insertion sort under 10 rows), but whether the
optimizer scans the table or the ``type_status_date`` index, and whether ``LIMIT`` makes it use a
priority queue, depend on InnoDB's sampled statistics, which the read model does not have. Categories
with the same name in the categories block are sorted through a temporary in-memory table whose ties
MariaDB breaks by the rows' memory addresses (see ``extracted.formatting.dynamic_blocks.categories``). Dynamic
blocks the formatting library does not render keep their saved HTML.

Modules: ``schema`` (read model), ``projection`` (events → changes), ``rendering`` (projection-time
rendering and modes), ``render_inputs``, ``render_state``, ``post_render``, ``site_data``, ``live``
(request-time rendering), ``post_args`` (the posts controller's argument types),
``post_query``/``post_view``/``posts_api``, ``links`` (posts' routes), ``media_embed``, ``comments_embed``,
``terms_api``/``terms_order``/``tie_order``, ``users_api``, ``collation``, ``site``, ``routes``, ``app``
(HTTP), ``site_files``/``sitemaps``/``sitemap_xml``/``sitemap_stylesheets``/``robots`` (robots.txt and
sitemaps), ``service`` (process). What every service shares (JSON as ``json_encode`` writes it, PHP's query
parsing, argument checks, errors, links, context/``_fields``/``_embed``/``_envelope``, the 503 fallback,
the HTTP ways in) is ``extracted.rest``.
"""

from .projection import ContentProjection

__all__ = ["ContentProjection"]

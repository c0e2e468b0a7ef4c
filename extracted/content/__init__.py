"""The content service: WordPress's posts, pages, categories, tags and authors served from change events.

It answers ``/wp-json/wp/v2/{posts,pages,categories,tags,users}`` exactly as WordPress 6.1 does for
anonymous visitors, from its own read model (never WordPress's database), built by the consumer
runtime (``extracted.runtime``) from the CDC topics. Content, titles and excerpts are rendered at
projection time with ``extracted.formatting``.

Run it (see ``__main__`` for every flag)::

    python -m extracted.content serve --listen HOST:PORT --bootstrap HOST:PORT --prefix wordpress \\
        --database wordpress --store sqlite:///PATH [--group content]
    python -m extracted.content rebuild --bootstrap HOST:PORT --prefix wordpress --database wordpress \\
        --store sqlite:///PATH [--group content]

Known gaps (see the parity tests): ``_embed`` of ``wp:featuredmedia`` (the media endpoint is not
served here); counters WordPress shares across one request (``wp-container-N``, gallery numbers) are
per post here; dynamic blocks without a renderer in ``extracted.formatting`` keep their saved HTML;
MariaDB's order of rows with equal sort keys (filesort) is not reproduced.

Modules: ``schema`` (read model), ``projection`` (events → changes), ``rendering`` (formatting at
projection time), ``params`` (argument checks), ``post_query``/``post_view``/``posts_api``,
``terms_api``, ``users_api``, ``shaping`` (context, _fields, _embed, _envelope), ``phpjson``
(json_encode byte for byte), ``app`` (HTTP), ``service`` (process).
"""

from .projection import ContentProjection

__all__ = ["ContentProjection"]

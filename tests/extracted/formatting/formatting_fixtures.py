"""The fixture corpus (fixtures/*.yaml): cases of formatting rules, rendered by Python and by WordPress.

Each case names a WordPress function or filter chain (``fn``), an input, and optionally the post it belongs
to and its media, the site's options, and the site around it (``data``: a file of fixtures/site/ with the
posts, pages, navigation menus, users, comments and terms the dynamic blocks show). WordPress's answers are
kept in fixtures/expected/*.json (regenerate them with ``python tests/extracted/formatting/formatting_fixtures.py``
when WordPress or a case changes).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from formatting_harness import SITE, SITE_DATA

from extracted.formatting import (
    Attachment,
    ImageMeta,
    ImageSize,
    PostContext,
    RenderState,
    SiteComment,
    SiteData,
    SiteOptions,
    SitePost,
    SiteTerm,
    SiteUser,
)
from extracted.formatting.autop import shortcode_unautop, wpautop
from extracted.formatting.balance_tags import force_balance_tags
from extracted.formatting.blocks import do_blocks, excerpt_remove_blocks
from extracted.formatting.chars import capital_p_dangit, convert_chars
from extracted.formatting.clickable import make_clickable
from extracted.formatting.dynamic_blocks.avatars import email_hash
from extracted.formatting.errors import WordPressFatalError
from extracted.formatting.excerpt import strip_all_tags, trim_words
from extracted.formatting.render import block_renderer, comment_text, rendered_excerpt, the_content, the_title
from extracted.formatting.safecss import safecss_filter_attr
from extracted.formatting.shortcodes import strip_shortcodes
from extracted.formatting.smilies import convert_smilies
from extracted.formatting.texturize import wptexturize
from wordpress.phpeval import PhpEvalError, PhpFormatter

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = FIXTURES / "expected"
SITES = FIXTURES / "site"


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    fn: str
    input: str
    post: PostContext | None = None
    site: SiteOptions = SITE
    options: dict[str, Any] = field(default_factory=dict)
    data: SiteData | None = None

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def _attachment(data: dict[str, Any]) -> Attachment:
    fields = dict(data)
    meta = fields.pop("metadata", None)
    if meta is not None:
        sizes = {name: ImageSize(**size) for name, size in meta.get("sizes", {}).items()}
        fields["metadata"] = ImageMeta(meta["file"], meta["width"], meta["height"], sizes)
    return Attachment(**fields)


def _post(data: dict[str, Any] | None) -> PostContext | None:
    if data is None:
        return None
    attachments = {a["id"]: _attachment(a) for a in data.get("attachments", [])}
    return PostContext(
        id=data["id"],
        post_type=data.get("post_type", "post"),
        status=data.get("status", "publish"),
        content=data.get("content", ""),
        attachments=attachments,
        meta=data.get("meta", {}),
    )


def _site_post(data: dict[str, Any], post_type: str = "post") -> SitePost:
    fields = {"post_type": post_type, **data}
    if "featured_image" in fields:
        fields["featured_image"] = _attachment(fields["featured_image"])
    return SitePost(**{**fields, "terms": tuple(fields.get("terms", ()))})


def load_site_data(name: str) -> SiteData:
    """A site of fixtures/site/ (its posts newest first, as the content service orders them)."""
    raw = yaml.safe_load((SITES / f"{name}.yaml").read_text())
    posts = [_site_post(p) for p in raw.get("posts", [])] + [_site_post(p, "page") for p in raw.get("pages", [])]
    return dataclasses.replace(
        SITE_DATA,
        posts=tuple(sorted(posts, key=lambda p: (p.date, p.id), reverse=True)),
        navigation_menus=tuple(_site_post(m, "wp_navigation") for m in raw.get("navigation_menus", [])),
        # Users come with the hash of their email (as the content service has them), comments with emails.
        users=tuple(SiteUser(**u, email_hash=email_hash(u.get("email", ""))) for u in raw.get("users", [])),
        comments=tuple(SiteComment(**c) for c in raw.get("comments", [])),
        terms=tuple(SiteTerm(**t) for t in raw.get("terms", [])),
        sticky_posts=tuple(raw.get("sticky_posts", ())),
        title=raw.get("title", ""),
        tagline=raw.get("tagline", ""),
        now=raw.get("now", SITE_DATA.now),
    )


def load_cases() -> list[Case]:
    cases = []
    sites: dict[str, SiteData] = {}
    for path in sorted(FIXTURES.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text()):
            site = dataclasses.replace(SITE, **entry.get("site", {}))
            options = {k: entry[k] for k in ("br", "num_words", "more") if k in entry}
            data = None
            if "data" in entry:
                data = sites.setdefault(entry["data"], load_site_data(entry["data"]))
                data = dataclasses.replace(data, request_url=entry.get("request_url", data.request_url))
            post = _post(entry.get("post"))
            cases.append(Case(path.stem, entry["name"], entry["fn"], entry["input"], post, site, options, data))
    return cases


def _unit(function: Callable[[str], str]) -> Callable[[Case], str]:
    return lambda case: function(case.input)


RENDERERS: dict[str, Callable[[Case], str]] = {
    "the_content": lambda c: the_content(
        c.input, site=c.site, post=c.post, state=RenderState(), site_data=c.data or SITE_DATA
    ),
    "the_title": _unit(the_title),
    "the_excerpt": lambda c: rendered_excerpt(c.input, site=c.site, post=c.post or PostContext(), state=RenderState()),
    "comment_text": lambda c: comment_text(c.input, site=c.site),
    "wptexturize": _unit(wptexturize),
    "wpautop": lambda c: wpautop(c.input, c.options.get("br", True)),
    "shortcode_unautop": _unit(shortcode_unautop),
    "convert_smilies": lambda c: convert_smilies(c.input, c.site.site_url),
    "convert_chars": _unit(convert_chars),
    "capital_P_dangit": _unit(capital_p_dangit),
    "make_clickable": _unit(make_clickable),
    "force_balance_tags": _unit(force_balance_tags),
    "strip_shortcodes": _unit(strip_shortcodes),
    "do_blocks": lambda c: do_blocks(c.input, block_renderer(RenderState(), None)),
    "excerpt_remove_blocks": lambda c: excerpt_remove_blocks(c.input, block_renderer(RenderState(), None)),
    "wp_trim_words": lambda c: trim_words(c.input, c.options.get("num_words", 55), c.options.get("more", "&hellip;")),
    "wp_strip_all_tags": _unit(strip_all_tags),
    "safecss_filter_attr": _unit(safecss_filter_attr),
}


FATAL = "fatal error"  # WordPress dies (HTTP 500); the library raises WordPressFatalError


def render(case: Case) -> str:
    try:
        return RENDERERS[case.fn](case)
    except WordPressFatalError:
        return FATAL


def php_answers(php: PhpFormatter, cases: list[Case]) -> list[str]:
    """WordPress's output for each case (``FATAL`` where it died)."""
    answers = []
    for case in cases:
        try:
            answers += php.evaluate_many([php_request_for(case)])
        except PhpEvalError:
            answers.append(FATAL)
    return answers


def expected_outputs() -> dict[str, str]:
    outputs: dict[str, str] = {}
    for path in sorted(EXPECTED.glob("*.json")):
        outputs.update({f"{path.stem}: {name}": text for name, text in json.loads(path.read_text()).items()})
    return outputs


def php_request_for(case: Case) -> dict[str, Any]:
    from formatting_harness import php_request

    request = php_request(case.fn, case.input, case.post, case.site, site_data=case.data)
    request.update(case.options)
    return request


def regenerate() -> None:
    """Ask WordPress for the output of every case and keep it in fixtures/expected."""
    from formatting_harness import WORDPRESS_OPTIONS

    cases = load_cases()
    with PhpFormatter(WORDPRESS_OPTIONS) as php:
        outputs = php_answers(php, cases)
    EXPECTED.mkdir(exist_ok=True)
    for file in sorted({case.file for case in cases}):
        answers = {case.name: output for case, output in zip(cases, outputs, strict=True) if case.file == file}
        (EXPECTED / f"{file}.json").write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    regenerate()

"""Repair the ways WXR exports commonly fail to be XML, for a second, forgiving parse.

WordPress's importer reads a file its XML parser refuses with a regular-expression parser instead, so
exports with stray control characters, undeclared ``wp:``/``dc:`` prefixes (hand-edited or truncated
headers) or bare ``&`` (plugins writing unescaped URLs) still import. We keep a real XML parser and
repair exactly those faults first, outside CDATA sections and comments, whose text must stay as is:

- characters XML 1.0 forbids (NUL and the other C0 controls but tab, newline and return; U+FFFE,
  U+FFFF; character references to any of them) are removed;
- namespace prefixes used but never declared are declared on the root element (WXR's own with their
  usual URIs, any other with a placeholder URI);
- ``&`` that does not start an entity becomes ``&amp;``, and HTML's named entities, which XML does not
  define (``&nbsp;``), become character references.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass

# The URIs WordPress's exporter declares; our reader recognises any wordpress.org/export version.
WXR_NAMESPACES = {
    "excerpt": "http://wordpress.org/export/{version}/excerpt/",
    "wp": "http://wordpress.org/export/{version}/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "atom": "http://www.w3.org/2005/Atom",
}
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})

_ILLEGAL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# CDATA sections and comments are copied untouched; a CDATA section is how WordPress escapes content.
_UNTOUCHED = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)
_AMPERSAND = re.compile(r"&(?:(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_][\w.-]*);)?")
_USED_PREFIX = re.compile(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_DECLARED_PREFIX = re.compile(r"\sxmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT_START = re.compile(r"<(?![?!/])[A-Za-z_][\w.:-]*")
_ENCODING = re.compile(rb"^(\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_WXR_VERSION = re.compile(r"<wp:wxr_version>\s*(\d+\.\d+)\s*</wp:wxr_version>")


@dataclass(frozen=True)
class RepairedXml:
    data: bytes  # UTF-8, with an XML declaration that says so
    repairs: tuple[str, ...]  # what was changed, for the import report; empty when nothing was


def _is_legal_codepoint(codepoint: int) -> bool:
    return (
        codepoint in (0x9, 0xA, 0xD)
        or 0x20 <= codepoint <= 0xD7FF
        or 0xE000 <= codepoint <= 0xFFFD
        or 0x10000 <= codepoint <= 0x10FFFF
    )


class _Counts:
    def __init__(self) -> None:
        self.illegal = 0
        self.bare_ampersands = 0
        self.html_entities = 0

    def entity(self, match: re.Match[str]) -> str:
        reference = match.group(1)
        if reference is None:
            self.bare_ampersands += 1
            return "&amp;"
        if reference.startswith("#"):
            digits = reference[2:] if reference[1:2] == "x" else reference[1:]
            codepoint = int(digits, 16 if reference[1:2] == "x" else 10)
            if _is_legal_codepoint(codepoint):
                return match.group(0)
            self.illegal += 1
            return ""
        if reference in XML_ENTITIES:
            return match.group(0)
        replacement = html.entities.html5.get(reference + ";")
        if replacement is None:  # an unknown name: the text meant a literal "&"
            self.bare_ampersands += 1
            return "&amp;" + reference + ";"
        self.html_entities += 1
        return "".join(f"&#{ord(character)};" for character in replacement)


def _decode(data: bytes) -> tuple[str, list[str]]:
    declared = _ENCODING.match(data)
    encoding = declared.group(2).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding), []
    except LookupError:
        return data.decode("utf-8", errors="replace"), [f"read the unknown encoding {encoding} as UTF-8"]
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), [f"replaced bytes that are not {encoding}"]


def _declare_prefixes(text: str, outside: list[str]) -> tuple[str, list[str]]:
    used: set[str] = set()
    declared: set[str] = set()
    for part in outside:
        for match in _USED_PREFIX.finditer(part):
            used.add(match.group(1) or match.group(2))
        declared.update(_DECLARED_PREFIX.findall(part))
    missing = sorted(used - declared - {"xml", "xmlns"})
    root = _ROOT_START.search(text)
    if not missing or root is None:
        return text, []
    version_match = _WXR_VERSION.search(text)
    version = version_match.group(1) if version_match else "1.2"
    declarations = "".join(
        f' xmlns:{prefix}="{WXR_NAMESPACES.get(prefix, "urn:x-undeclared:" + prefix).format(version=version)}"'
        for prefix in missing
    )
    repaired = text[: root.end()] + declarations + text[root.end() :]
    return repaired, [f"declared the namespace prefix{'es' if len(missing) > 1 else ''} {', '.join(missing)}"]


def repair_xml(data: bytes) -> RepairedXml:
    """``data`` with the faults above repaired; ``repairs`` says which were found."""
    text, repairs = _decode(data)
    counts = _Counts()
    pieces: list[str] = []
    outside: list[str] = []
    position = 0
    for untouched in _UNTOUCHED.finditer(text):
        outside.append(text[position : untouched.start()])
        pieces += [outside[-1], untouched.group(0)]
        position = untouched.end()
    outside.append(text[position:])
    pieces.append(outside[-1])
    repaired_pieces: list[str] = []
    for index, piece in enumerate(pieces):
        cleaned, removed = _ILLEGAL_CHARACTER.subn("", piece)
        counts.illegal += removed
        repaired_pieces.append(cleaned if index % 2 else _AMPERSAND.sub(counts.entity, cleaned))
    text = "".join(repaired_pieces)
    text, declared = _declare_prefixes(text, [_ILLEGAL_CHARACTER.sub("", part) for part in outside])
    if counts.illegal:
        repairs.append(f"removed {counts.illegal} character{'s' if counts.illegal > 1 else ''} XML does not allow")
    repairs += declared
    if counts.bare_ampersands:
        repairs.append(f"escaped {counts.bare_ampersands} bare &")
    if counts.html_entities:
        repairs.append(f"replaced {counts.html_entities} HTML entit{'ies' if counts.html_entities > 1 else 'y'}")
    # The text is handed on as UTF-8, so the declaration must say so, whatever the file declared.
    text = re.sub(r"^\ufeff?<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-8"?>', text, count=1)
    return RepairedXml(data=text.encode("utf-8"), repairs=tuple(repairs))

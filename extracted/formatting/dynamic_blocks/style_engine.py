"""WordPress's style engine for block attributes: preset values become classes, custom values inline CSS.

A block's ``style`` attribute (and its preset attributes such as ``textColor``) is turned into
``has-<slug>-color``-like classes and ``property:value;`` declarations, in the engine's fixed order of
groups (color, border, spacing, typography) and properties.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..phpdata import php_string

PRESET = "var:preset|"
KEBAB_WORDS = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]+[0-9]*|\b)|[A-Z]?[a-z]+[0-9]*|[A-Z]|[0-9]+")


@dataclass(frozen=True)
class Definition:
    """One style property: its CSS property (and per-side pattern), preset CSS variables and classes."""

    css: str
    individual: str | None = None
    css_vars: Mapping[str, str] = field(default_factory=dict)
    # class pattern -> preset kind whose slug fills ``$slug`` (None: the class is added for any value)
    classes: Mapping[str, str | None] = field(default_factory=dict)
    sides: bool = False  # border.top etc.: a map of color/style/width for one side


_SIDE = Definition("", sides=True, css_vars={"color": "--wp--preset--color--$slug"})
DEFINITIONS: dict[str, dict[str, Definition]] = {
    "color": {
        "text": Definition(
            "color",
            css_vars={"color": "--wp--preset--color--$slug"},
            classes={"has-text-color": None, "has-$slug-color": "color"},
        ),
        "background": Definition(
            "background-color", classes={"has-background": None, "has-$slug-background-color": "color"}
        ),
        "gradient": Definition(
            "background", classes={"has-background": None, "has-$slug-gradient-background": "gradient"}
        ),
    },
    "border": {
        "color": Definition(
            "border-color", "border-%s-color", classes={"has-border-color": None, "has-$slug-border-color": "color"}
        ),
        "radius": Definition("border-radius", "border-%s-radius"),
        "style": Definition("border-style", "border-%s-style"),
        "width": Definition("border-width", "border-%s-width"),
        "top": _SIDE,
        "right": _SIDE,
        "bottom": _SIDE,
        "left": _SIDE,
    },
    "spacing": {
        "padding": Definition("padding", "padding-%s", css_vars={"spacing": "--wp--preset--spacing--$slug"}),
        "margin": Definition("margin", "margin-%s", css_vars={"spacing": "--wp--preset--spacing--$slug"}),
    },
    "typography": {
        "fontSize": Definition("font-size", classes={"has-$slug-font-size": "font-size"}),
        "fontFamily": Definition("font-family", classes={"has-$slug-font-family": "font-family"}),
        "fontStyle": Definition("font-style"),
        "fontWeight": Definition("font-weight"),
        "lineHeight": Definition("line-height"),
        "textDecoration": Definition("text-decoration"),
        "textTransform": Definition("text-transform"),
        "letterSpacing": Definition("letter-spacing"),
    },
}


def kebab_case(text: str) -> str:
    """WordPress's ``_wp_to_kebab_case``."""
    return "-".join(word.lower() for word in KEBAB_WORDS.findall(text.replace("'", "")))


def _valid(value: Any) -> bool:
    return value == "0" or bool(value)


def preset_slug(value: Any, kind: str) -> str:
    if isinstance(value, str) and f"{PRESET}{kind}|" in value:
        return kebab_case(value[value.rindex("|") + 1 :])
    return ""


def _css_var(value: Any, css_vars: Mapping[str, str]) -> str:
    for kind, pattern in css_vars.items():
        slug = preset_slug(value, kind)
        if _valid(slug):
            return f"var({pattern.replace('$slug', slug)})"
    return ""


@dataclass
class Styles:
    """The classes and declarations of a block's styles (``wp_style_engine_get_styles``)."""

    classes: list[str] = field(default_factory=list)
    declarations: dict[str, str] = field(default_factory=dict)

    @property
    def class_names(self) -> str:
        return " ".join(dict.fromkeys(self.classes))

    @property
    def css(self) -> str:
        return "".join(f"{prop}:{value.strip()};" for prop, value in self.declarations.items() if value.strip())

    def attributes(self) -> dict[str, str]:
        found = {"class": self.class_names, "style": self.css}
        return {name: value for name, value in found.items() if value}


def _resolved(value: Any, definition: Definition, use_vars: bool) -> Any:
    """A preset value (``var:preset|color|red``) as its CSS variable, when variables are wanted."""
    if isinstance(value, str) and "var:" in value and use_vars and definition.css_vars:
        return _css_var(value, definition.css_vars)
    return value


def _declarations(value: Any, definition: Definition, group: str, side: str, use_vars: bool) -> dict[str, str]:
    if definition.sides:
        found: dict[str, str] = {}
        for prop, side_value in value.items() if isinstance(value, dict) else ():
            inner = DEFINITIONS[group].get(prop)
            if side_value and inner is not None and inner.individual is not None:
                found[inner.individual % side] = php_string(_resolved(side_value, definition, use_vars))
        return found
    if isinstance(value, str) and "var:" in value:
        css_var = _css_var(value, definition.css_vars) if use_vars and definition.css_vars else ""
        return {definition.css: css_var} if _valid(css_var) else {}
    if isinstance(value, dict):
        if definition.individual is None:
            return {}
        resolved = {key: _resolved(item, definition, use_vars) for key, item in value.items()}
        return {
            definition.individual % kebab_case(str(key)): php_string(item)
            for key, item in resolved.items()
            if _valid(item)
        }
    return {definition.css: php_string(value)}


def _classes(value: Any, definition: Definition) -> list[str]:
    if not value:
        return []
    found = []
    for pattern, kind in definition.classes.items():
        if kind is None:
            found.append(pattern)
            continue
        slug = preset_slug(value, kind)
        if slug:
            found.append(pattern.replace("$slug", slug))
    return found


def get_styles(styles: Mapping[str, Any], *, convert_vars_to_classnames: bool = False) -> Styles:
    """``wp_style_engine_get_styles`` for groups of values such as ``{"color": {"text": ...}}``."""
    result = Styles()
    for group, definitions in DEFINITIONS.items():
        values = styles.get(group)
        if not values or not isinstance(values, dict) or not any(map(_valid, values.values())):
            continue
        for key, definition in definitions.items():
            value = values.get(key)
            if not _valid(value):
                continue
            result.classes += _classes(value, definition)
            side = key if definition.sides else ""
            result.declarations.update(_declarations(value, definition, group, side, not convert_vars_to_classnames))
    return result

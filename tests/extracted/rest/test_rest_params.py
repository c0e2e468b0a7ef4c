"""Argument checks as WordPress's REST server makes them: order, messages, defaults, and a service's own type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from extracted.rest import (
    Arg,
    Invalid,
    QueryValue,
    RestError,
    base_args,
    listing_args,
    parse_checked,
    parse_str,
    sanitized_query,
)

SPEC = listing_args(("id", "name"), "name", offset=True)


def _error(query: str, spec: list[Arg] = SPEC) -> RestError:
    with pytest.raises(RestError) as raised:
        parse_checked(spec, parse_str(query), lambda: True)
    return raised.value


def test_arguments_with_a_validate_callback_are_reported_alone_first() -> None:
    error = _error("orderby=x&per_page=0&page=abc")
    assert error.message == "Invalid parameter(s): page, per_page" and not error.permission
    assert error.extra["params"]["per_page"] == "per_page must be between 1 (inclusive) and 100 (inclusive)"
    later = _error("orderby=x&order=up&include=1,a")
    assert later.message == "Invalid parameter(s): orderby, order, include"
    assert later.extra["params"]["orderby"] == "orderby is not one of id and name."
    assert later.extra["params"]["include"] == "include[1] is not of type integer."


def test_defaults_sanitizing_and_the_query_pagination_links_use() -> None:
    query = parse_str("search=%20a%3Cb%3E%20&include=3,1&per_page=2&extra=x")
    values = parse_checked(SPEC, query, lambda: True)
    assert values["search"] == "a" and values["include"] == [3, 1] and values["page"] == 1
    assert values["order"] == "asc" and values["context"] == "view"
    assert sanitized_query(SPEC, query, values) == {"search": "a", "include": {"0": "3", "1": "1"}, "per_page": "2",
                                                     "extra": "x"}  # fmt: skip


def test_an_error_without_permission_sends_no_allow() -> None:
    with pytest.raises(RestError) as raised:
        parse_checked(base_args(), parse_str("page=0"), lambda: False)
    assert raised.value.permission


@dataclass(frozen=True)
class ColourArg(Arg):
    """A schema type of a service's own: a colour name, kept uppercase in the request."""

    def check(self, value: QueryValue) -> Any:
        if self.type != "colour":
            return super().check(value)
        if value not in ("red", "blue"):
            raise Invalid("rest_invalid_colour", f"{self.name} is not a colour.")
        return value

    def query_value(self, checked: Any) -> QueryValue:
        return str(checked).upper() if self.type == "colour" else super().query_value(checked)


def test_a_service_adds_its_own_argument_type() -> None:
    spec = [*base_args(), ColourArg("colour", "colour")]
    assert _error("colour=green", spec).extra["details"]["colour"]["code"] == "rest_invalid_colour"
    query = parse_str("colour=red")
    assert sanitized_query(spec, query, parse_checked(spec, query, lambda: True)) == {"colour": "RED"}

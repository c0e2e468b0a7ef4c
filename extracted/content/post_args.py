"""The posts controller's own argument types, on ``extracted.rest``'s :class:`~extracted.rest.Arg`.

``terms`` is a taxonomy filter (``categories``, ``tags``...: a list of term ids, or the object
``{terms, include_children, operator}``, WordPress's ``oneOf``); ``status`` is ``sanitize_post_statuses``,
under which an anonymous visitor may only ask for published posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extracted.rest import Arg, Invalid, QueryValue, RestError, check_array, check_scalar, parse_list, php_query_value


@dataclass(frozen=True)
class PostArg(Arg):
    """An argument of ``/wp/v2/posts`` or ``/wp/v2/pages``: the REST layer's types, ``terms`` and ``status``."""

    hierarchical: bool = True  # terms: whether include_children is accepted
    with_operator: bool = False  # terms: whether operator is accepted

    def check(self, value: QueryValue) -> Any:
        if self.type == "terms":
            return _terms(self, value, self.name)
        if self.type == "status":  # ``sanitize_post_statuses``: anonymous visitors may only ask for the default
            statuses = parse_list(value) or []
            if any(status != "publish" for status in statuses):
                raise RestError("rest_forbidden_status", "Status is forbidden.", 401)
            return statuses
        return super().check(value)

    def query_value(self, checked: Any) -> QueryValue:
        if self.type == "terms":  # a filter given as a list stays a list in the request
            if checked.get("listed"):
                return php_query_value(checked["terms"])
            return php_query_value({key: item for key, item in checked.items() if key != "listed"})
        return super().query_value(checked)


def _terms(arg: PostArg, value: QueryValue, name: str) -> dict[str, Any]:
    """The taxonomy filter: a list of term ids, or ``{terms, include_children, operator}``."""
    listed = parse_list(value)
    if listed is not None:
        try:
            terms = check_array(Arg(name, "array", items="integer"), value, name)
        except Invalid as error:
            reason = f"{name} is not a valid Term ID List. Reason: {error.message}"
            raise Invalid("rest_no_matching_schema", reason, {"position": 0}) from error
        return {"terms": terms, "include_children": False, "operator": "OR", "listed": True}
    assert isinstance(value, dict)
    allowed = {"terms"}
    allowed |= {"include_children"} if arg.hierarchical else set()
    allowed |= {"operator"} if arg.with_operator else set()
    try:
        for key in value:
            if key not in allowed:
                raise Invalid("rest_additional_properties_forbidden", f"{key} is not a valid property of Object.")
        query = Arg(name, "array", items="integer")
        terms = check_array(query, value["terms"], f"{name}[terms]") if "terms" in value else []
        children = value.get("include_children", "0")
        children = check_scalar("boolean", children, f"{name}[include_children]", (), arg)
        operator = check_scalar("string", value.get("operator", "OR"), f"{name}[operator]", ("AND", "OR"), arg)
    except Invalid as error:
        reason = f"{name} is not a valid Term ID Taxonomy Query. Reason: {error.message}"
        raise Invalid("rest_no_matching_schema", reason, {"position": 1}) from error
    return {"terms": terms, "include_children": bool(children), "operator": operator}

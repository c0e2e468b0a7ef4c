"""The listing's query, as ``WP_Comment_Query`` builds it from the REST arguments of a visitor.

A visitor's status is ``approve`` and type ``comment`` (the permission check refuses any other), so
rows are ``comment_approved = '1'`` of type ``''`` or ``'comment'``. Id lists go through
``wp_parse_id_list`` (absolute values: ``include=-5`` is comment 5). ``search`` is a ``LIKE`` on the
author's name, email, URL and IP and the content, as MariaDB's collation matches (an anonymous visitor
may search emails and IPs: WordPress does it). ``after``/``before`` compare ``comment_date`` (local
time) with the date read in the site's time zone (``WP_Date_Query``), exclusively.

The order is always total: ``WP_Comment_Query`` adds ``comment_ID`` to every order but ``id`` and
``include``, in the date's direction when ordering by a date and ``DESC`` otherwise (its
``strpos('ASC', $clause)`` looks for the clause in ``'ASC'``); ``include`` is ``FIELD(comment_ID, …)``,
which ignores ``order``. With no ``include``, ``FIELD(comment_ID, )`` is an SQL error in WordPress:
nothing is found and nothing counted.

The total (``X-WP-Total``) counts every matching row, also those the visitor may not read (comments of
private posts...), which the endpoint then leaves out of the page (``check_read_permission``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, and_, case, func, or_, select

from extracted.rest.collation import collated_like, like_pattern

from . import schema
from .dates import php_date_time
from .site import CommentsSite

__all__ = ["comment_page", "id_list"]

comments = schema.comments


def id_list(values: list[int]) -> list[int]:
    """``wp_parse_id_list``: absolute values, each once."""
    return list(dict.fromkeys(abs(value) for value in values))


def _date_bound(site: CommentsSite, text: str) -> str:
    moment = php_date_time(text)
    assert moment is not None, "checked as a date-time argument"
    return site.local(moment)


def _filters(connection: Connection, site: CommentsSite, args: dict[str, Any]) -> list[Any]:
    where: list[Any] = [comments.c.approved == "1", comments.c.type.in_(["", "comment"])]
    for name, column, include in (
        ("include", comments.c.id, True), ("exclude", comments.c.id, False),
        ("parent", comments.c.parent, True), ("parent_exclude", comments.c.parent, False),
        ("post", comments.c.post_id, True),
    ):  # fmt: skip
        if args[name]:
            ids = id_list(args[name])
            where.append(column.in_(ids) if include else column.not_in(ids))
    if args["search"]:  # strlen(): "0" searches too
        like, pattern = collated_like(connection), like_pattern(args["search"])
        columns = (comments.c.author, comments.c.author_email, comments.c.author_url, comments.c.author_ip,
                   comments.c.content)  # fmt: skip
        where.append(or_(*(like(column, pattern) for column in columns)))
    if args["after"] is not None:
        where.append(comments.c.date > _date_bound(site, args["after"]))
    if args["before"] is not None:
        where.append(comments.c.date < _date_bound(site, args["before"]))
    return where


def _order(args: dict[str, Any]) -> list[Any]:
    descending = args["order"] == "desc"
    if args["orderby"] == "include":
        positions: dict[int, int] = {}
        for position, comment_id in enumerate(abs(value) for value in args["include"]):
            positions.setdefault(comment_id, position + 1)  # FIELD(): the first position of a duplicate
        return [case(positions, value=comments.c.id, else_=0)]
    if args["orderby"] == "id":
        return [comments.c.id.desc() if descending else comments.c.id.asc()]
    column = {"date": comments.c.date, "date_gmt": comments.c.date_gmt, "post": comments.c.post_id,
              "parent": comments.c.parent, "type": comments.c.type}[args["orderby"]]  # fmt: skip
    by_date = args["orderby"] in ("date", "date_gmt")
    tie = comments.c.id.desc() if descending or not by_date else comments.c.id.asc()
    return [column.desc() if descending else column.asc(), tie]


def comment_page(connection: Connection, site: CommentsSite, args: dict[str, Any]) -> tuple[list[Row[Any]], int]:
    """The rows of the requested page and the total of matching rows (``found_comments``)."""
    if args["orderby"] == "include" and not args["include"]:
        return [], 0
    condition = and_(*_filters(connection, site, args))
    total = connection.execute(select(func.count()).select_from(comments).where(condition)).scalar_one()
    per_page = args["per_page"]
    offset = abs(args["offset"]) if args.get("offset") else per_page * (args["page"] - 1)
    rows = connection.execute(
        select(comments).where(condition).order_by(*_order(args)).limit(per_page).offset(offset)
    ).all()
    return list(rows), int(total)

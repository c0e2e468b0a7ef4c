"""The archives block: published posts grouped by year, month, week or day, as links or dropdown options.

Groups come newest first. Weeks are MySQL's ``WEEK(date, 1)`` (weeks start on Monday; the site's
``start_of_week`` must be 1) and show as "first day – last day" in the site's date format.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from ..blocks import Block
from ..html import escape_html
from ..phpdata import php_string, php_truthy
from ..texturize import wptexturize
from ..types import RenderState, SiteData, SiteOptions
from ..urls import esc_url
from .dates import parse_mysql, php_date
from .links import day_link, month_link, year_link
from .wrapper import wrapper_attributes

LABELS = {"yearly": "Select Year", "monthly": "Select Month", "daily": "Select Day", "weekly": "Select Week"}
WEEK_SEPARATOR = "&#8211;"


def mysql_week(day: date) -> int:
    """MySQL's ``WEEK(day, 1)``: Monday-first weeks, 1 the first with four days in the year, 0 to 53."""
    iso_year, week, _ = day.isocalendar()
    if iso_year < day.year:
        return 0
    return week if iso_year == day.year else 53


def _key(kind: str, moment: datetime) -> tuple[int, ...]:
    if kind == "yearly":
        return (moment.year,)
    if kind == "daily":
        return (moment.year, moment.month, moment.day)
    if kind == "weekly":
        return (moment.year, mysql_week(moment.date()))
    return (moment.year, moment.month)


def archive_groups(data: SiteData, kind: str) -> list[tuple[tuple[int, ...], int, datetime]]:
    """(group key, number of posts, a date in the group) for the published posts, newest group first."""
    moments = sorted(
        (m for m in (parse_mysql(p.date) for p in data.posts if p.post_type == "post") if m is not None), reverse=True
    )
    counts = Counter(_key(kind, m) for m in moments)
    first: dict[tuple[int, ...], datetime] = {}
    for moment in moments:
        first.setdefault(_key(kind, moment), moment)
    return [(key, counts[key], moment) for key, moment in first.items()]


def _link(kind: str, key: tuple[int, ...], moment: datetime, site: SiteOptions) -> tuple[str, str]:
    home = site.home_url
    if kind == "yearly":
        return year_link(site, key[0]), str(key[0])
    if kind == "daily":
        return day_link(site, key[0], key[1], key[2]), php_date(site.date_format, moment)
    if kind == "weekly":
        start = datetime.combine(moment.date() - timedelta(days=moment.weekday()), datetime.min.time())
        end = start + timedelta(days=7, seconds=-1)
        text = php_date(site.date_format, start) + WEEK_SEPARATOR + php_date(site.date_format, end)
        return f"{home}/?m={key[0]}&w={key[1]}", text
    return month_link(site, key[0], key[1]), php_date("F Y", moment)


def get_archives(data: SiteData, site: SiteOptions, kind: str, *, option: bool, counts: bool) -> str:
    """``wp_get_archives`` in the ``html`` (list items) or ``option`` format."""
    html = ""
    for key, count, moment in archive_groups(data, kind):
        url, text = _link(kind, key, moment, site)
        url, text = esc_url(url), wptexturize(text)
        after = f"&nbsp;({count})" if counts else ""
        if option:
            html += f"\t<option value='{url}'> {text} {after}</option>\n"
        else:
            html += f"\t<li><a href='{url}'>{text}</a>{after}</li>\n"
    return html


def render_archives(block: Block, site: SiteOptions, data: SiteData, state: RenderState) -> str:
    attrs = block.attributes
    counts = php_truthy(attrs.get("showPostCounts"))
    kind = php_string(attrs.get("type", "monthly"))
    if php_truthy(attrs.get("displayAsDropdown")):
        dropdown_id = state.next_unique_id("wp-block-archives-")
        options = get_archives(data, site, kind, option=True, counts=counts)
        screen_reader = "" if php_truthy(attrs.get("showLabel")) else " screen-reader-text"
        label = escape_html(LABELS.get(kind, "Select Post"))
        content = (
            f'<label for="{dropdown_id}" class="wp-block-archives__label{screen_reader}">Archives</label>\n'
            f'\t\t<select id="{dropdown_id}" name="archive-dropdown" '
            'onchange="document.location.href=this.options[this.selectedIndex].value;">\n'
            f'\t\t<option value="">{label}</option>{options}</select>'
        )
        wrapper = wrapper_attributes(block, **{"class": " wp-block-archives-dropdown"})
        return f"<div {wrapper}>{content}</div>"
    items = get_archives(data, site, kind, option=False, counts=counts)
    wrapper = wrapper_attributes(block, **{"class": " wp-block-archives-list"})
    if not items:
        return f"<div {wrapper}>No archives to show.</div>"
    return f"<ul {wrapper}>{items}</ul>"

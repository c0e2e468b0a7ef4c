"""The calendar block: the month of the request's time (``SiteData.now``) with links to its days' posts.

Weeks start on Monday (the site's ``start_of_week``); "today" is ``now``'s day. With permalinks naming the
year and the month, a block with ``month`` and ``year`` shows that month instead.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time
from typing import Any

from ..blocks import Block
from ..errors import UnsupportedContentError
from ..html import escape_attribute
from ..phpdata import php_int, php_truthy
from ..types import SiteData, SiteOptions
from .dates import parse_mysql, php_date
from .links import day_link, month_link
from .wrapper import wrapper_attributes

WEEK_BEGINS = 1  # Monday
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _column(day: date) -> int:
    """The day's column in a week starting on ``WEEK_BEGINS`` (``calendar_week_mod``)."""
    return ((day.isoweekday() % 7) - WEEK_BEGINS) % 7


def calendar(site: SiteOptions, data: SiteData, shown: date | None = None) -> str:
    """``get_calendar()``: the table of the month (``shown``'s, else now's), and links to the months before
    and after with posts."""
    dates = sorted(p.date for p in data.posts if p.post_type == "post")
    now = parse_mysql(data.now)
    if not dates or now is None:
        return ""
    first = shown or date(now.year, now.month, 1)
    last_day = monthrange(first.year, first.month)[1]
    month_start, month_end = f"{first:%Y-%m}-01 00:00:00", f"{first:%Y-%m}-{last_day:02d} 23:59:59"
    previous = next((d for d in reversed(dates) if d < f"{first:%Y-%m}-01"), None)
    following = next((d for d in dates if d > month_end), None)
    with_posts = {int(d[8:10]) for d in dates if month_start <= d <= month_end}
    html = (
        '<table id="wp-calendar" class="wp-calendar-table">\n\t<caption>'
        f"{php_date('F Y', _midnight(first))}</caption>\n\t<thead>\n\t<tr>"
    )
    for offset in range(7):
        name = DAY_NAMES[(offset + WEEK_BEGINS) % 7]
        html += f'\n\t\t<th scope="col" title="{escape_attribute(name)}">{name[0]}</th>'
    html += "\n\t</tr>\n\t</thead>\n\t<tbody>\n\t<tr>"
    if _column(first):
        html += f'\n\t\t<td colspan="{_column(first)}" class="pad">&nbsp;</td>'
    for number in range(1, last_day + 1):
        day = first.replace(day=number)
        if number > 1 and _column(day) == 0:
            html += "\n\t</tr>\n\t<tr>\n\t\t"
        html += '<td id="today">' if day == now.date() else "<td>"
        if number in with_posts:
            label = escape_attribute(f"Posts published on {php_date('F j, Y', _midnight(day))}")
            html += f'<a href="{day_link(site, day.year, day.month, number)}" aria-label="{label}">{number}</a>'
        else:
            html += str(number)
        html += "</td>"
    end_pad = 7 - _column(first.replace(day=last_day)) - 1
    if end_pad:
        html += f'\n\t\t<td class="pad" colspan="{end_pad}">&nbsp;</td>'
    html += '\n\t</tr>\n\t</tbody>\n\t</table><nav aria-label="Previous and next months" class="wp-calendar-nav">'
    html += _month_link("prev", previous, site)
    html += '\n\t\t<span class="pad">&nbsp;</span>'
    html += _month_link("next", following, site)
    return html + "\n\t</nav>"


def _month_link(side: str, moment: str | None, site: SiteOptions) -> str:
    parsed = parse_mysql(moment) if moment else None
    if parsed is None:
        return f'\n\t\t<span class="wp-calendar-nav-{side}">&nbsp;</span>'
    abbreviation = php_date("M", parsed)
    text = f"&laquo; {abbreviation}" if side == "prev" else f"{abbreviation} &raquo;"
    link = month_link(site, parsed.year, parsed.month)
    return f'\n\t\t<span class="wp-calendar-nav-{side}"><a href="{link}">{text}</a></span>'


def _shown_month(attributes: dict[str, Any], site: SiteOptions) -> date | None:
    """The month the block asks for: only honoured with permalinks naming the year and the month."""
    month, year = attributes.get("month"), attributes.get("year")
    structure = site.permalink_structure
    if month is None or year is None or "%monthnum%" not in structure or "%year%" not in structure:
        return None
    if not php_truthy(month) or not php_truthy(year):
        return None
    number, year_number = php_int(month), php_int(year)
    if not (1 <= number <= 12 and 1000 <= year_number <= 9999):  # PHP's mktime() moves to another month
        raise UnsupportedContentError(f"a calendar of month {month!r} of year {year!r} is not rendered")
    return date(year_number, number, 1)


def render_calendar(block: Block, site: SiteOptions, data: SiteData) -> str:
    output = calendar(site, data, _shown_month(block.attributes, site))
    if not output:
        return ""  # no published posts: hidden from visitors
    return f"<div {wrapper_attributes(block)}>{output}</div>"

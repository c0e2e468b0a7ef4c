"""The import report and the order posts are sent in, without a stack (what WordPress answers is faked
here only as the JSON shape ``import.php`` answers; the live tests run the real thing)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from wordpress.importer import ImportReport, SkippedItem, _parents_first_posts
from wordpress.wxr import parse_wxr

HEADER = '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'


def _answer(**overrides: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "authors": 0,
        "terms": 0,
        "posts": {},
        "comments": 0,
        "skipped": 0,
        "skipped_items": [],
        "errors": [],
        "id_map": {},
    }
    return answer | overrides


def test_answers_add_up_and_repeated_reasons_are_listed_once() -> None:
    report = ImportReport()
    refused = ["term", "genre/jazz", "invalid taxonomy genre (not registered in this WordPress)"]
    report.add(_answer(posts={"post": 2}, terms=3, skipped_items=[refused], id_map={"5": 7}))
    report.add(_answer(posts={"post": 1, "page": 1}, skipped=1, skipped_items=[refused], id_map={"5": 7, "6": 6}))
    assert report.posts == {"post": 3, "page": 1}
    assert (report.terms, report.skipped, report.id_map) == (3, 1, {5: 7, 6: 6})
    assert report.skipped_items == [SkippedItem(*refused)]
    assert report.skipped_of("term") == [SkippedItem(*refused)] and report.skipped_of("post") == []


def test_the_summary_counts_alike_reasons_and_lists_the_first() -> None:
    report = ImportReport(posts=Counter({"post": 9}), terms=2, skipped=1, repairs=["escaped 1 bare &"])
    report.skipped_items = [
        SkippedItem("post", 'custom1 175 "A"', "invalid post type custom1 (not registered in this WordPress)"),
        SkippedItem("post", 'custom1 176 "B"', "invalid post type custom1 (not registered in this WordPress)"),
        SkippedItem("post", "page 334", "post id 334 appears earlier in the export: the first is kept"),
        SkippedItem("comment", '12 of post 8 "C"', "its post was not imported"),
    ]
    text = report.summary()
    assert text.splitlines()[0] == "imported 9 post; 2 terms, 0 authors, 0 comments; 1 already present"
    assert "read after repairing the XML: escaped 1 bare &" in text
    assert "2 × post: invalid post type custom1 (not registered in this WordPress)" in text
    assert "1 × post: post id N appears earlier in the export: the first is kept" in text
    assert 'custom1 175 "A": invalid post type custom1' in text
    assert 'comment 12 of post 8 "C": its post was not imported' in text
    assert "errors" not in text


def test_a_report_without_skips_reads_as_before() -> None:
    report = ImportReport(terms=1, errors=["post 3: Could not insert post into the database."])
    assert report.summary().splitlines() == [
        "imported no posts; 1 terms, 0 authors, 0 comments",
        "1 errors:",
        "  post 3: Could not insert post into the database.",
    ]


def _item(post_id: int, parent: int, title: str) -> str:
    return (
        f"<item><title>{title}</title><wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_parent>{parent}</wp:post_parent></item>"
    )


def test_posts_without_parents_go_first_but_a_repeated_id_keeps_the_file_order() -> None:
    items = _item(3, 1, "child") + _item(1, 0, "parent") + _item(3, 0, "repeat of the child") + _item(4, 0, "other")
    export = parse_wxr(HEADER + items + "</channel></rss>")
    ordered = [post.title for post in _parents_first_posts(export.posts)]
    # WordPress's importer imports the first item of a post id: "child" must stay before its repeat.
    assert ordered == ["parent", "other", "child", "repeat of the child"]

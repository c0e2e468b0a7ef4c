from __future__ import annotations

import json

from cli.parity_report import cutover_refusals, kept_cells, summarise, top_differences


def _row(route: str, outcome: str, *paths: str, target: str = "/wp-json/wp/v2/posts") -> dict[str, object]:
    differences = [{"path": path, "kind": "value", "legacy": "a", "candidate": "b"} for path in paths]
    return {
        "route": route,
        "outcome": outcome,
        "method": "GET",
        "target": target,
        "diff": json.dumps({"differences": differences}),
    }


def test_noise_counts_as_a_match_and_errors_are_not_compared() -> None:
    rows = [_row("r", "match"), _row("r", "noise"), _row("r", "mismatch", "$.x"), _row("r", "error")]
    parity = summarise(rows)["r"]
    assert parity.compared == 3
    assert parity.match_percent == 200 / 3
    assert parity.noise_percent == 100 / 3


def test_top_differences_fold_array_indexes_and_keep_an_example() -> None:
    rows = [
        _row("r", "mismatch", "$[0].title.rendered", "$[3].title.rendered", target="/a"),
        _row("r", "mismatch", "$[1].title.rendered", "$.slug", target="/b"),
        _row("r", "match"),
    ]
    top = top_differences(rows)
    assert [(d.path, d.count) for d in top] == [("$[*].title.rendered", 3), ("$.slug", 1)]
    assert top[0].target == "/a"
    assert top[0].reproduce("http://wp", "http://svc") == "diff -u <(curl -sS http://wp/a) <(curl -sS http://svc/a)"
    hosted = top_differences([{**_row("r", "mismatch", "$.a", target="/p"), "host": "blog.example"}])[0]
    assert "curl -sS -H 'Host: blog.example' http://wp/p" in hosted.reproduce("http://wp", "http://svc")


def test_cutover_is_refused_below_threshold_or_without_comparisons() -> None:
    parities = summarise([_row("good", "match")] * 999 + [_row("bad", "match"), _row("bad", "mismatch", "$.a")])
    reasons = cutover_refusals(parities, ["good", "bad", "never"], 99.9)
    assert len(reasons) == 2
    assert reasons[0].startswith("bad: parity 50.00% < 99.9%")
    assert "never: no shadowed request" in reasons[1]
    assert cutover_refusals(parities, ["good"], 99.9) == []


def test_kept_cells_say_why_wordpress_answered() -> None:
    assert kept_cells({"personal": 5, "kept_personal": 4, "kept_url_form": 2}) == ("5", "6 (4 personal, 2 URL form)")
    assert kept_cells({}) == ("0", "0 (0 personal, 0 URL form)")  # a route without traffic yet


def test_tie_order_counts_as_equal_for_the_gate_and_the_gate_does_not_round() -> None:
    rows = [_row("pages", "match")] * 7 + [_row("pages", "equivalent")] * 3
    parity = summarise(rows)["pages"]
    assert (parity.compared, parity.match_percent, parity.equivalent_percent) == (10, 100.0, 30.0)
    assert cutover_refusals(summarise(rows), ["pages"], 99.9) == []
    almost = summarise([_row("r", "match")] * 9989 + [_row("r", "mismatch", "$.a")] * 11)
    assert cutover_refusals(almost, ["r"], 99.9)  # 99.89% is not rounded up to 99.9%

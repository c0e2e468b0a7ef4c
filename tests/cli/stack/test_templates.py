from __future__ import annotations

from pathlib import Path

import pytest

from cli.stack.templates import render


def test_placeholders_are_filled_and_dollar_variables_kept(tmp_path: Path) -> None:
    template = tmp_path / "t.tmpl"
    template.write_text("listen {{port}}; try_files $uri $uri/;")
    assert render(template, tmp_path / "out", port=80).read_text() == "listen 80; try_files $uri $uri/;"


def test_a_missing_value_is_named(tmp_path: Path) -> None:
    template = tmp_path / "t.tmpl"
    template.write_text("{{a}} {{b}}")
    with pytest.raises(KeyError, match="b"):
        render(template, tmp_path / "out", a=1)

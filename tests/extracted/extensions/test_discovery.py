"""Finding extensions: entry points and the settings' ``load``, one refused for the right reason."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

from extracted.extensions.discovery import GROUP, discover
from extracted.extensions.settings import load_settings
from extracted.runtime import ConfigurationError

PROBES = "tests.extracted.extensions.probes"


def no_entry_points() -> list[importlib.metadata.EntryPoint]:
    return []


def test_load_finds_an_extension_by_import_path_as_an_entry_point_would() -> None:
    found = discover(no_entry_points, load={"failing-probe": f"{PROBES}:failing", "recording": f"{PROBES}:recording"})
    assert [extension.name for extension in found.extensions] == ["failing-probe"]
    (broken,) = found.broken
    assert broken.name == "recording" and "named 'recording' but the extension 'recording-probe'" in broken.error


def test_a_loaded_name_already_installed_is_broken_not_run_twice() -> None:
    installed = [importlib.metadata.EntryPoint("failing-probe", f"{PROBES}:failing", GROUP)]
    found = discover(lambda: installed, load={"failing-probe": f"{PROBES}:failing"})
    assert len(found.extensions) == 1 and "a second extension" in found.broken[0].error


def test_load_and_run_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"load": {"x": "a.b:c"}, "run": ["x", "webhooks"]}))
    settings = load_settings(str(path))
    assert settings.load == {"x": "a.b:c"} and settings.runs("webhooks") and not settings.runs("site-emails")
    assert load_settings("").runs("anything")
    for bad, field in (({"load": {"x": "no-colon"}}, "load"), ({"run": "webhooks"}, "run")):
        path.write_text(json.dumps(bad))
        with pytest.raises(ConfigurationError, match=rf"settings.json: {field}:"):
            load_settings(str(path))

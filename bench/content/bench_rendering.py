"""What the content service's rendering costs, on a read model the service built (a copy, untouched):

* projection time: rendering every post once (what a plain projection would do) against classifying it
  (``rendering.classify``: a fresh render, a probe from a far state, the excerpt alone when needed), and
  how many posts end up static, stateful and live;
* request time: the posts and pages collections (per_page=100) answered from a new read-model
  generation (live and stateful posts rendered now), then again from the same generation (their
  renderings cached; the service's response cache, which would answer the second, is not used here).

    python bench/content/bench_rendering.py [--store sqlite:///PATH]   # default: $STRANGLER_HOME's store

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from extracted.content import schema
from extracted.content.app import render
from extracted.content.live import LiveRendering
from extracted.content.post_render import BOTH, render_parts
from extracted.content.render_inputs import RenderInputs, meta_of
from extracted.content.rendering import classify
from extracted.content.site_data import SiteDataSource, WatchedSiteData
from extracted.formatting import RenderState
from extracted.rest import parse_str
from extracted.runtime import open_engine

DEFAULT_STORE = Path(os.environ.get("STRANGLER_HOME", Path.home() / ".strangler")) / "services/content/read-model.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=f"sqlite:///{DEFAULT_STORE}", help="SQLite URL of a content read model")
    args = parser.parse_args()
    source_path = Path(args.store.removeprefix("sqlite:///"))
    if not source_path.exists():
        sys.exit(f"no read model at {source_path} (run the stack, or give --store)")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "content.db"
        shutil.copy(source_path, copy)
        engine = open_engine(f"sqlite:///{copy}")
        rows_out: list[tuple[str, str]] = []
        with engine.connect() as connection:
            rows = connection.execute(select(schema.posts).where(schema.posts.c.type.in_(["post", "page"]))).all()
            inputs = RenderInputs.load(connection)
            metas = meta_of(connection, [row.id for row in rows])
            source = SiteDataSource(connection)
            started = time.perf_counter()
            for row in rows:
                data = WatchedSiteData(source, own_id=row.id, now="2024-01-01 00:00:00", request_url="", reads=set())
                try:
                    render_parts(row, metas.get(row.id, {}), inputs, data, state=RenderState(), parts=BOTH)
                except Exception:  # what fails is rendered per request; only the time counts here
                    continue
            plain = time.perf_counter() - started
            modes: Counter[str] = Counter()
            started = time.perf_counter()
            for row in rows:
                modes[classify(row, metas.get(row.id, {}), inputs, SiteDataSource(connection)).mode] += 1
            classified = time.perf_counter() - started
            rows_out += [
                (f"render {len(rows)} posts once (ms/post)", f"{plain / len(rows) * 1000:.2f}"),
                ("classify them (ms/post)", f"{classified / len(rows) * 1000:.2f}"),
                ("static / stateful / live", f"{modes['static']} / {modes['stateful']} / {modes['live']}"),
            ]
            for route in ("/wp/v2/posts", "/wp/v2/pages"):
                live = LiveRendering(1)
                for label in ("new generation", "same generation"):
                    started = time.perf_counter()
                    answer = render(connection, route, parse_str("per_page=100"), live)
                    name = f"{route}?per_page=100, {label} (ms) [HTTP {answer.status}]"
                    rows_out.append((name, f"{(time.perf_counter() - started) * 1000:.1f}"))
        engine.dispose()
    print("| measure | value |\n|---|---|")
    for name, value in rows_out:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()

"""The server's read side (Library) over a real SQLite file that an ingest changes under it:
the story index follows every commit, and a page stays cached until its own story changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsfuse import api
from newsfuse.library import Library
from newsfuse.settings import Settings

pytestmark = pytest.mark.slow  # ingest loads a sentence encoder

# Invented events; every name and place is made up.
FLOOD = (
    "The river Orrin burst its banks at Tavelby on Monday, flooding 140 homes. The mayor, Edda "
    "Lunn, said pumps from three towns were working through the night."
)
BRIDGE = (
    "Engineers closed the Harl Street bridge in Quenmouth on Thursday after finding a crack in "
    "its main beam. The city said the bridge would stay shut for at least six weeks."
)
PRIZE = (
    "The novelist Ama Strand won the Velmar book prize on Friday for her third novel, a family "
    "saga set on a fishing island. The judges called it fearless."
)


def write(path: Path, records: list[tuple[str, str, str]]) -> Path:
    rows = [{"id": i, "text": t, "published": d, "source": f"{i}.example"} for i, t, d in records]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_pages_stay_cached_until_their_own_story_changes(tmp_path: Path) -> None:
    settings = Settings.from_env(analysis=False, index_days=0, encoder="model2vec")
    db = tmp_path / "nf.db"
    api.ingest(
        [
            write(
                tmp_path / "1.jsonl",
                [("flood", FLOOD, "2024-03-04"), ("bridge", BRIDGE, "2024-03-07")],
            )
        ],
        db,
        settings,
    )
    builds: list[str] = []

    def page(lib: Library, story: str) -> str:
        def build() -> str:
            builds.append(story)
            return f"{story}:{lib.card(story).articles}"

        return lib.memo(("page", story), build, story=story)

    with Library(db) as lib:
        flood, bridge = lib.story_of("flood"), lib.story_of("bridge")
        assert flood and bridge and flood != bridge
        listing = lib.memo(("list",), lambda: [c.id for c in lib.find_stories().stories])
        assert page(lib, flood) == f"{flood}:1" and page(lib, bridge) == f"{bridge}:1"
        assert page(lib, flood) == f"{flood}:1" and builds == [flood, bridge]

        # An exact copy of the bridge report joins the bridge story; the flood story is untouched.
        api.ingest(
            [write(tmp_path / "2.jsonl", [("bridge-copy", BRIDGE, "2024-03-07")])], db, settings
        )
        assert lib.story_of("bridge-copy") == bridge
        assert page(lib, flood) == f"{flood}:1"  # still the cached page
        assert page(lib, bridge) == f"{bridge}:2"  # rebuilt: its story has a new article
        assert builds == [flood, bridge, bridge]

        # A new story changes the listing, which is keyed by the whole database state.
        api.ingest([write(tmp_path / "3.jsonl", [("prize", PRIZE, "2024-03-09")])], db, settings)
        fresh = lib.memo(("list",), lambda: [c.id for c in lib.find_stories().stories])
        assert fresh != listing and lib.story_of("prize") in fresh
        assert page(lib, flood) == f"{flood}:1" and builds == [flood, bridge, bridge]
        assert lib.card(bridge).articles == 2 and lib.card(bridge).independent_sources == 1
        assert lib.sources() == sorted(
            ["bridge-copy.example", "bridge.example", "flood.example", "prize.example"]
        )

"""Uploads go through incremental ingest, and story ids stay usable after a merge: a real
uvicorn server over a real SQLite file, with our own invented texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from test_web import TOKEN, running  # tests/ is on the path: no package

from newsfuse import api
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.web.app import create_app

pytestmark = pytest.mark.slow  # loads a sentence encoder

# Invented events; every name and place is made up.
FLOOD = [
    "The river Audle burst its banks at Wenbridge on Monday morning and flooded 140 homes. "
    "Mayor Hester Quaile said the town's pumps failed after a night of heavy rain and that "
    "nobody was hurt. Army engineers arrived in the afternoon.",
    "Floodwater from the Audle filled 140 houses in Wenbridge early on Monday after the town's "
    "pumps broke down in overnight rain, Mayor Hester Quaile said. There were no injuries, and "
    "army engineers reached the town by the afternoon.",
]
ORCHESTRA = (
    "The Kellsworth Philharmonic named Odile Farrant as its new principal conductor on Friday. "
    "Farrant, 34, will lead the orchestra's winter season and its first tour of the northern "
    "provinces, the board said."
)
SETTINGS = Settings.from_env(analysis=False, index_days=0, encoder="model2vec")
AUTH = {"authorization": f"Bearer {TOKEN}"}


def post(http: httpx.Client, records: list[dict[str, str]]) -> dict[str, Any]:
    r = http.post("/api/articles", json=records, headers=AUTH)
    assert r.status_code in (200, 201), r.text
    body: dict[str, Any] = r.json()
    return body


def test_an_upload_that_merges_two_stories_keeps_the_old_id_working(tmp_path: Path) -> None:
    db = tmp_path / "merge.db"
    api.ensure_db(db)
    day = "2024-03-11"
    with (
        running(create_app(db, token=TOKEN, settings=SETTINGS)) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        first = post(
            http,
            [
                {"id": "w1", "text": FLOOD[0], "published": day, "source": "w1.example"},
                {"id": "k1", "text": ORCHESTRA, "published": day, "source": "k1.example"},
            ],
        )
        assert first["new_articles"] == 2 and first["articles"] == ["w1", "k1"]
        before = set(first["stories"])
        assert len(before) == 2 and sorted(first["stories_changed"]) == sorted(before)
        assert first["stories_merged"] == {}
        # k1 comes back corrected into a report of the flood: its story and w1's become one.
        fixed = post(http, [{"id": "k1", "text": FLOOD[1], "published": day, "source": "k1"}])
        assert fixed["updated_articles"] == 1 and fixed["new_articles"] == 0
        (live,) = fixed["stories"]
        assert live in before
        (gone,) = before - {live}
        assert fixed["stories_merged"] == {gone: live}
        assert fixed["stories_changed"] == [live]
        with Store(db, readonly=True) as store:  # only the merged story is left in the file
            assert [s.id for s in store.stories()] == [live]

        # The JSON API answers the old id with the live story, and says where it lives.
        old = http.get(f"/api/stories/{gone}")
        assert old.status_code == 200, old.text
        assert old.json()["id"] == live
        assert old.headers["content-location"] == f"/api/stories/{live}"
        now = http.get(f"/api/stories/{live}")
        assert now.json() == old.json() and "content-location" not in now.headers
        assert {e["article"] for e in now.json()["entries"]} == {"w1", "k1"}

        # The page redirects, so the address bar shows the id to keep.
        page = http.get(f"/stories/{gone}")
        assert page.status_code == 308 and page.headers["location"] == f"/stories/{live}"
        followed = http.get(f"/stories/{gone}", follow_redirects=True)
        assert followed.status_code == 200 and str(followed.url).endswith(f"/stories/{live}")
        assert http.get("/stories/s-never-was").status_code == 404
        assert http.get("/api/stories/s-never-was").status_code == 404

        # Posting the same text again touches nothing.
        again = post(http, [{"id": "k1", "text": FLOOD[1], "published": day, "source": "k1"}])
        assert again["new_articles"] == again["updated_articles"] == 0 and again["unchanged"] == 1
        assert again["stories_changed"] == [] and again["stories"] == [live]

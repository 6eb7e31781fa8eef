"""Pages for anonymous visitors are rendered once per database state (issue 9: load), never stale,
never shared with curators."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from docket.pipeline import ingest_paths
from docket.store import SQLiteStore
from docket.web import create_app
from docket.web.pagecache import page_cache
from docket.web.settings import Settings
from tests.web.conftest import TOKEN


def test_cached_until_the_database_changes_and_never_for_curators(
    seeded_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "cache.db"
    shutil.copyfile(seeded_db, db)
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    first = c.get("/search", params={"q": "Zhaksylykov"})
    assert first.status_code == 200 and 'class="hit"' not in first.text  # nobody of that name yet
    key_count = len(page_cache._pages)
    again = c.get("/search", params={"q": "Zhaksylykov"})
    assert again.text == first.text and len(page_cache._pages) == key_count
    assert (
        again.headers["content-type"].startswith("text/html")
        and "content-security-policy" in again.headers
    )

    f = tmp_path / "new.txt"
    f.write_text(
        "Report\n\nThe court sentenced Aidos Zhaksylykov, a blogger, on 3 May 2024.\n", "utf-8"
    )
    store = SQLiteStore(db)
    ingest_paths(store, [f])
    store.close()
    after = c.get("/search", params={"q": "Zhaksylykov"})
    assert after.text.count('class="hit"') == 1  # the new report is found at once: no stale page

    csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    c.post("/login", data={"name": "ana", "token": TOKEN, "csrf": csrf})
    mine = c.get("/search", params={"q": "Zhaksylykov"})
    assert "log out" in mine.text and "log out" not in after.text  # a curator's page is their own

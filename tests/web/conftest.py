"""Web fixtures: a database of the seed reports, an app on it, and a live server for the browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from docket.web.settings import Settings
from tests.conftest import copy_of, serve_in_thread

TOKEN = "test-token-5b1e"


@pytest.fixture(scope="package")
def seeded_db(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of(seeded_template, tmp_path_factory)


@pytest.fixture(scope="package")
def settings(seeded_db: Path) -> Settings:
    return Settings(db=str(seeded_db), token=TOKEN, data_dir=seeded_db.parent / "data")


@pytest.fixture(scope="package")
def live_server(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    base, stop = serve_in_thread(settings)
    yield base
    stop()

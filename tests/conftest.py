"""Shared fixtures: the real reports in ../shared and a fresh store per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docket.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds"
CORPUS = SHARED / "corpus"

FLATTENED_HRW = SEEDS / "001_4bef5a0b70577191.txt"
STATE_DEPT = SEEDS / "002_ca87da13deb4d5d1.txt"


def seed_files() -> list[Path]:
    """The five seed reports."""
    return sorted(SEEDS.glob("0*.txt"))


@pytest.fixture(scope="session", autouse=True)
def _require_shared() -> None:
    if not SEEDS.is_dir():
        pytest.exit(f"the real reports are expected in {SEEDS}", returncode=3)


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def gold_documents() -> dict[str, dict]:
    return {d["file"]: d for d in json.loads((GOLD / "documents.json").read_text())}

"""Stable person ids: unchanged by re-ingesting a changed report, a namesake in a new report and an
unrelated merge; a merged id resolves to its successor on every surface."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from docket.cli import app
from docket.pipeline import ingest_paths
from docket.query.curation import curate
from docket.query.people import lookup_person, people
from docket.store import SQLiteStore
from docket.web import create_app
from docket.web.settings import Settings
from tests.conftest import seed_folder


def _ids(store: SQLiteStore) -> dict[str, str]:
    """Person id by each full spelling."""
    return {f: p.cluster.id for p in people(store) for f in p.cluster.forms if " " in f}


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    return seed_folder(tmp_path)


def test_ids_survive_a_changed_report_a_namesake_and_an_unrelated_merge(
    reports: Path, tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "i.db")
    ingest_paths(store, [reports])
    before = _ids(store)
    # every report corrected and ingested again, oldest first: the order persons are first seen in changes
    for f in sorted(reports.iterdir()):
        f.write_text(f.read_text() + "\n\nThis report was corrected.\n")
        ingest_paths(store, [reports])
    assert _ids(store) == before
    # a new report naming someone who shares a surname (and a person never seen before)
    surname = next(f.split()[-1] for f in before)
    (reports / "zz_new.txt").write_text(
        f"Kazakhstan 2026\n\nOn 3 March 2026 police detained the activist Daniyar {surname} in Almaty. "
        "The journalist Ivan Testov was fined on 5 March 2026.\n"
    )
    ingest_paths(store, [reports])
    after = _ids(store)
    assert {f: after[f] for f in before} == before
    # a merge of two persons leaves everyone else's id; one of the two keeps its id, the other resolves to it
    records = people(store)
    a, b = [p for p in records if len(p.cluster.canonical.split()) >= 2 and len(p.documents) == 1][
        :2
    ]
    curate(store, "merge", a.cluster.id, b.cluster.id, who="t", why="test", records=records)
    merged = _ids(store)
    others = {f: pid for f, pid in before.items() if pid not in (a.cluster.id, b.cluster.id)}
    assert {f: merged[f] for f in others} == others
    survivor = merged[a.cluster.canonical]
    assert survivor in (a.cluster.id, b.cluster.id) and merged[b.cluster.canonical] == survivor
    retired = ({a.cluster.id, b.cluster.id} - {survivor}).pop()
    found = lookup_person(people(store), retired)
    assert (
        found.person is not None
        and found.person.cluster.id == survivor
        and retired in found.person.aliases
    )
    store.close()


def test_a_retired_id_resolves_on_the_cli_the_api_and_the_web(
    reports: Path, tmp_path: Path
) -> None:
    db = tmp_path / "r.db"
    store = SQLiteStore(db)
    ingest_paths(store, [reports])
    records = people(store)
    a, b = [p for p in records if len(p.cluster.canonical.split()) >= 2 and len(p.documents) == 1][
        :2
    ]
    curate(store, "merge", a.cluster.id, b.cluster.id, who="t", why="test", records=records)
    [merged] = [
        p for p in people(store) if {a.cluster.id, b.cluster.id} & ({p.cluster.id} | set(p.aliases))
    ]
    retired = merged.aliases[0]
    store.close()
    r = CliRunner().invoke(app, ["person", retired, "--db", str(db), "--json"])
    assert r.exit_code == 0 and r.stdout and f'"id": "{merged.cluster.id}"' in r.stdout
    client = TestClient(create_app(Settings(db=str(db), token=None)))
    case = client.get(f"/api/v1/persons/{retired}").json()
    assert case["id"] == merged.cluster.id and retired in case["aliases"]
    page = client.get(
        f"/persons/{retired}", follow_redirects=False, headers={"accept": "text/html"}
    )
    assert page.status_code == 301 and page.headers["location"] == f"/persons/{merged.cluster.id}"


def test_relink_gives_ids_once(reports: Path, tmp_path: Path) -> None:
    from docket.pipeline import IngestOptions
    from docket.query.people import relink

    store = SQLiteStore(tmp_path / "l.db")
    ingest_paths(store, [reports], IngestOptions())
    first = relink(store)
    again = relink(store)
    assert first.persons == again.persons > 0
    assert again.new_ids == 0 and again.retired == 0
    store.close()

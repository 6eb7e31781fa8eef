"""FollowTheMoney export (issue 20): checked with the followthemoney library and its own tools."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from followthemoney import model
from followthemoney.statement import read_path_statements

from docket.export import collect, write_ftm
from docket.store import SQLiteStore


@pytest.fixture(scope="module")
def exported(
    seeded: SQLiteStore, tmp_path_factory: pytest.TempPathFactory
) -> tuple[object, list[dict], Path]:
    data = collect(seeded)
    out = tmp_path_factory.mktemp("ftm") / "seeds.ftm.jsonl"
    written = write_ftm(data, out)
    assert written[0] == out and written[1].name == "seeds.ftm.statements.csv"
    return data, [json.loads(line) for line in out.read_text("utf-8").splitlines()], out


def test_every_entity_passes_its_schema_and_every_reference_resolves(exported) -> None:
    _, entities, _ = exported
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for e in entities:
        schema = model.get(e["schema"])
        assert schema is not None and not schema.abstract, e["schema"]
        schema.validate(e)  # raises InvalidData on a bad value or a missing required property
        proxy = model.get_proxy(e, cleaned=False)
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids, (e["id"], prop.name, value)


def test_persons_facts_and_documents_map_one_to_one(exported) -> None:
    data, entities, _ = exported
    counts = Counter(e["schema"] for e in entities)
    assert counts["Document"] == len(data.documents) and counts["Person"] == len(data.cases)
    facts = [f for c in data.cases for f in c.facts]
    assert (
        counts["Event"] + counts["CourtCase"] == len(facts)
        and counts["CourtCaseParty"] == counts["CourtCase"]
    )
    assert counts["Mention"] >= len(data.cases)
    by_id = {e["id"]: e for e in entities}
    docs = {
        e["properties"]["notes"][0].split()[2].rstrip(";"): e["id"]
        for e in entities
        if e["schema"] == "Document"
    }
    for c in data.cases:
        person = next(
            e
            for e in entities
            if e["schema"] == "Person"
            and f"docket person {c.person.cluster.id};" in e["properties"]["notes"][0]
        )
        names = set(person["properties"]["name"]) | set(person["properties"].get("alias", []))
        assert names == set(c.person.cluster.forms)
        for f in c.facts:
            [fact] = [
                e
                for e in entities
                if e["schema"] in ("Event", "CourtCase")
                and any(n.startswith(f"docket fact {f.id},") for n in e["properties"]["notes"])
                and (
                    person["id"] in e["properties"].get("involved", [])
                    or any(
                        p["properties"]["party"] == [person["id"]]
                        and p["properties"]["case"] == [e["id"]]
                        for p in by_id.values()
                        if p["schema"] == "CourtCaseParty"
                    )
                )
            ]
            assert set(fact["properties"]["proof"]) == {docs[d] for d in f.documents}
            assert {e.quote for _, e in f.statements} <= set(fact["properties"]["summary"])


def test_the_files_load_in_ftm_tools_and_statements_name_their_report(
    exported, tmp_path: Path
) -> None:
    _, entities, out = exported
    ftm = [
        str(Path(sys.executable).with_name("ftm"))
    ]  # the console script installed with followthemoney
    for command in ("validate", "aggregate"):
        done = tmp_path / f"{command}.jsonl"
        r = subprocess.run(
            [*ftm, command, "-i", str(out), "-o", str(done)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        assert sorted(json.loads(x)["id"] for x in done.read_text().splitlines()) == sorted(
            e["id"] for e in entities
        )
    ids = {e["id"]: e for e in entities}
    documents = {i for i, e in ids.items() if e["schema"] == "Document"}
    statements = list(read_path_statements(out.with_name("seeds.ftm.statements.csv"), "csv"))
    assert statements and {s.prop for s in statements} >= {"name", "proof", "summary"}
    for s in statements:
        assert s.origin in documents and s.entity_id in ids
        assert s.value in ids[s.entity_id]["properties"][s.prop], (s.entity_id, s.prop, s.value)

"""Exports on the seeds: JSON valid against the published schema, CSV that parses, Markdown with a
citation for every fact, ESF records that reference each other, a SQLite file other tools can read."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from docket.export import EXPORTERS, collect, csv_cell, schema, to_json
from docket.export.markdown import dossier, md_escape
from docket.store import SQLiteStore


@pytest.fixture(scope="module")
def data(seeded: SQLiteStore):
    return collect(seeded)


def test_json_export_is_valid_against_the_published_schema(
    seeded: SQLiteStore, data, tmp_path: Path
) -> None:
    path = tmp_path / "all.json"
    EXPORTERS["json"](data, path)
    doc = json.loads(path.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(doc, schema())
    assert len(doc["documents"]) == 5 and len(doc["persons"]) == len(data.cases) > 50
    texts = {d.id: seeded.get_document(d.id).text for d in data.documents}
    cited = 0
    for p in doc["persons"]:
        for f in p["facts"]:
            for st in f["statements"]:
                c = st["citation"]
                assert texts[c["document_id"]][c["start"] : c["end"]] == c["quote"]
                cited += 1
    assert cited == seeded.counts()["events"]  # every statement is exported exactly once


def test_schema_rejects_a_fact_without_statements(data) -> None:
    doc = to_json(data)
    victim = next(p for p in doc["persons"] if p["facts"])
    victim["facts"][0]["statements"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema())


def test_csv_tables_parse_and_join(data, tmp_path: Path) -> None:
    files = EXPORTERS["csv"](data, tmp_path / "csv")
    tables = {}
    for f in files:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            tables[f.stem] = list(csv.DictReader(fh))
    assert set(tables) == {"documents", "persons", "facts", "statements", "conflicts"}
    persons = {r["person_id"] for r in tables["persons"]}
    facts = {r["fact_id"] for r in tables["facts"]}
    assert all(r["person_id"] in persons for r in tables["facts"])
    assert all(r["fact_id"] in facts for r in tables["statements"])
    journalist = next(r for r in tables["persons"] if "Mukhammedkarim" in r["variants"])
    assert journalist["status_kind"] == "imprisoned"
    seven = [
        r
        for r in tables["facts"]
        if r["person_id"] == journalist["person_id"] and r["years"] == "7"
    ]
    assert seven and int(seven[0]["publishers"]) >= 2


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_cells_cannot_become_formulas(cell: str) -> None:
    assert str(csv_cell(cell)).startswith("'")
    assert csv_cell("Duman Mukhammedkarim") == "Duman Mukhammedkarim" and csv_cell(7) == 7


def test_markdown_dossier_cites_every_fact(data) -> None:
    case = next(c for c in data.cases if "Mukhammedkarim" in c.person.cluster.forms)
    text = dossier(case, data.citer)
    timeline = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in timeline.splitlines() if line.startswith("- ")]
    assert len(rows) == len(case.facts)
    for row in rows:
        assert re.search(r"\[\^\d+\]", row), row
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", text, re.M))
    used = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    assert used == set(notes)  # every footnote used is defined and vice versa
    assert any("Kyzylorda" in n and "Human Rights Watch" in n for n in notes.values())


def test_report_text_is_escaped_in_markdown() -> None:
    hostile = "<script>alert(1)</script> [click](http://evil) *bold* `code`"
    escaped = md_escape(hostile)
    assert "<script>" not in escaped and "[click](" not in escaped and "*bold*" not in escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == hostile  # nothing lost


_NOT_A_PERPETRATOR = re.compile(
    r"court|tribunal|city|almaty|astana|bank|UN\b|UNHCR|united nations|committee against|"
    r"ombudsman|parliament|ministry",
    re.I,
)


def esf_checks(esf: dict) -> None:
    """ESF records refer to each other, acts carry HURIDOCS codes from the mapping table, victims are
    target-side persons, and perpetrators are state-side persons or units named acting."""
    from docket.export.esf import mapping

    events = {e["event_record_number"] for e in esf["events"]}
    acts = {a["act_record_number"]: a for a in esf["acts"]}
    persons = {p["person_record_number"]: p for p in esf["persons"]}
    sources = {s["id"] for s in esf["sources"]}
    codes = {code for code, _ in mapping().acts.values()}
    assert events and acts and all(a["event"] in events for a in acts.values())
    assert all(a["type_of_act"] in codes for a in acts.values())
    assert all(
        a["victim"] is None or persons[a["victim"]]["side"] == "target" for a in acts.values()
    )
    assert all(i["event"] in events and i["source"] in sources for i in esf["information"])
    assert all(
        c["event"] in events and c["person"] in persons
        for c in esf["court_actions"] + esf["chain_of_events"]
    )
    for i in esf["involvements"]:
        assert i["act"] in acts
        if i["perpetrator"]:
            assert persons.get(i["perpetrator"], {}).get("side", "state") == "state", i
        else:
            assert i["perpetrator_unit"] and not _NOT_A_PERPETRATOR.search(i["perpetrator_unit"]), i
    # an incident with several victims is one event
    assert any(e["number_of_victims"] > 1 for e in esf["events"]) or len(esf["events"]) < 10


def test_esf_records_reference_each_other(data, tmp_path: Path) -> None:
    path = tmp_path / "esf.json"
    EXPORTERS["esf"](data, path)
    esf = json.loads(path.read_text("utf-8"))
    esf_checks(esf)
    acts = {a["type_of_act_term"] for a in esf["acts"]}
    assert {"Arrest", "Detention, imprisonment"} <= acts, acts
    assert {c["type"] for c in esf["court_actions"]} >= {"convicted", "sentenced"}


def test_esf_csv_and_uwazi_imports_parse_and_their_references_resolve(data, tmp_path: Path) -> None:
    EXPORTERS["esf-csv"](data, tmp_path / "esf")
    tables = {
        p.stem: list(csv.DictReader(p.open(encoding="utf-8-sig")))
        for p in (tmp_path / "esf").glob("*.csv")
    }
    assert {"events", "acts", "persons", "involvements", "information", "sources"} <= set(tables)
    events = {e["event_record_number"] for e in tables["events"]}
    assert tables["acts"] and all(a["event"] in events for a in tables["acts"])
    EXPORTERS["uwazi"](data, tmp_path / "uwazi")
    uw = {
        p.stem: list(csv.DictReader(p.open(encoding="utf-8-sig")))
        for p in (tmp_path / "uwazi").glob("*.csv")
    }
    assert set(uw) == {"Person", "Event", "Source"}
    people = {r["title"] for r in uw["Person"]}
    sources = {r["title"] for r in uw["Source"]}
    assert all(r["title"] for t in uw.values() for r in t)
    linked = 0
    for e in uw["Event"]:
        for v in filter(None, e["victims"].split("|")):
            assert v in people, v  # a relationship column holds the titles of the entities it links
            linked += 1
        assert all(s in sources for s in filter(None, e["sources"].split("|")))
    assert linked and any("|" in e["types of acts"] or "|" in e["victims"] for e in uw["Event"])


def test_sqlite_export_is_readable_by_plain_sql(data, tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    EXPORTERS["sqlite"](data, path)
    conn = sqlite3.connect(path)
    rows = conn.execute("""SELECT p.name, f.type, f.years, s.publisher FROM persons p
                           JOIN facts f USING (person_id) JOIN statements s USING (fact_id)
                           WHERE p.variants LIKE '%Mukhammedkarim%' AND f.years = 7""").fetchall()
    assert {r[3] for r in rows} >= {"Amnesty International", "US Department of State"}
    assert not path.with_name("cases.db.part").exists()


def test_database_views_name_their_sources(seeded: SQLiteStore) -> None:
    conn = seeded.conn
    row = conn.execute("""SELECT publisher, title, section, paragraph_id, quote FROM event_statements
                          WHERE person_as_printed LIKE '%Mukhammedkarim' AND sanction_years = 7""").fetchone()
    assert (
        row["publisher"] == "US Department of State"
        and row["section"]
        and row["paragraph_id"].endswith(":p20")
    )
    assert (
        conn.execute("SELECT COUNT(*) FROM paragraph_citations").fetchone()[0]
        == seeded.counts()["paragraphs"]
    )
    assert conn.execute("SELECT COUNT(*) FROM document_list WHERE events > 0").fetchone()[0] == 5


def test_citers_sharing_places_load_each_document_once(seeded: SQLiteStore) -> None:
    from docket.export.serialize import Citer, SharedPlaces

    loads: list[str] = []

    class Counting:
        def paragraph_places(self, document_id: str):
            loads.append(document_id)
            return seeded.paragraph_places(document_id)

    doc = seeded.list_documents()[0]
    shared = SharedPlaces(size=1)
    first, second = Citer(Counting(), shared=shared), Citer(Counting(), shared=shared)  # type: ignore[arg-type]
    assert first.place(doc.id, 3) == second.place(doc.id, 3) == Citer(seeded).place(doc.id, 3)
    assert loads == [doc.id]
    other = seeded.list_documents()[1]
    second.place(other.id, 1)
    Citer(Counting(), shared=shared).place(
        doc.id, 3
    )  # pushed out by the other (size 1): loaded again
    assert loads == [doc.id, other.id, doc.id]


def test_report_text_makes_no_links_in_a_dossier() -> None:
    """Hardening (issue 18): URLs and e-mail addresses quoted from a report stay text on a GitHub-flavoured
    renderer (cmark-gfm with its autolink extension), and no markup gets through."""
    import cmarkgfm

    from docket.export.markdown import md_escape

    quote = (
        "See https://example.org/report_1?x=1, www.example.org and ftp://files.example.org; write to "
        "press@example.org. [click](javascript:alert(1)) <img src=x onerror=alert(1)> **bold**"
    )
    html = cmarkgfm.github_flavored_markdown_to_html(md_escape(quote))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html, html
    assert "https://example.org/report_1?x=1" in html and "www.example.org" in html

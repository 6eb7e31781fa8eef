"""Metadata inference on the five seeds, scored like the reference scorer; overrides."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from docket.ingest.metadata import canonical_country, canonical_publisher
from docket.pipeline import IngestOptions, load_document
from tests.conftest import seed_files


def _family(name: str | None) -> str:
    s = (name or "").lower()
    for key, words in {
        "amnesty": ["amnesty"],
        "hrw": ["human rights watch"],
        "usdos": ["state"],
        "civicus": ["civicus", "iphr", "kibhr"],
    }.items():
        if any(w in s for w in words):
            return key
    return s


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_seed_metadata_inferred_without_sidecar(path: Path, gold_documents: dict) -> None:
    gold = gold_documents[path.name]
    meta = load_document(path).metadata
    assert _family(meta.publisher) == _family(gold["publisher"])
    assert meta.country == gold["country"]
    assert meta.period == gold["period"]
    ratio = difflib.SequenceMatcher(
        None, (meta.title or "").casefold(), gold["title"].casefold()
    ).ratio()
    assert ratio >= 0.8, (meta.title, gold["title"])
    assert dict(meta.sources)["period"] == "inferred"


def test_sidecar_overrides_inference(tmp_path: Path) -> None:
    src = seed_files()[0]
    f = tmp_path / "report.txt"
    f.write_bytes(src.read_bytes())
    (tmp_path / "report.meta.json").write_text(
        json.dumps({"publisher": "Some NGO", "period": 2019})
    )
    meta = load_document(f).metadata
    assert meta.publisher == "Some NGO" and meta.period == 2019
    assert dict(meta.sources)["period"] == "sidecar"
    assert meta.country == "Kazakhstan"  # not in the sidecar: still inferred


def test_manifest_then_flags(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(seed_files()[2].read_bytes())
    (tmp_path / "MANIFEST.tsv").write_text(
        "file\tpublisher\tcountry\tyear_covered\ttitle\na.txt\tUS Department of State\tKAZAKSTAN\t2023\tX\n"
    )
    meta = load_document(f).metadata
    assert (meta.country, meta.period, meta.title) == ("Kazakhstan", 2023, "X")
    meta = load_document(f, IngestOptions(metadata={"period": 2030})).metadata
    assert meta.period == 2030 and dict(meta.sources)["period"] == "flag"


def test_bad_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    from docket.errors import BadMetadata

    f = tmp_path / "r.txt"
    f.write_bytes(seed_files()[0].read_bytes())
    (tmp_path / "r.meta.json").write_text("{not json")
    with pytest.raises(BadMetadata, match="r.meta.json"):
        load_document(f)


@pytest.mark.parametrize(
    ("raw", "canon"),
    [
        ("KAZAKSTAN", "Kazakhstan"),
        ("Russian Federation", "Russia"),
        ("Kyrgyz Republic", "Kyrgyzstan"),
        ("Viet Nam", "Vietnam"),
        ("Burma", "Myanmar"),
    ],
)
def test_country_aliases(raw: str, canon: str) -> None:
    assert canonical_country(raw) == canon


def test_publisher_families() -> None:
    assert canonical_publisher("amnesty international") == "Amnesty International"
    assert canonical_publisher("U.S. Department of State") == "US Department of State"
    assert canonical_publisher("Minority Rights Group") == "Minority Rights Group"


def test_source_url_and_dates_reach_every_citation(tmp_path: Path) -> None:
    """Manifest columns (and their synonyms), a sidecar and the flags give a report's source URL,
    publication and access dates; they are stored and appear in citations, exports and the dossier."""
    from docket.export import collect
    from docket.export.markdown import dossier
    from docket.export.serialize import Citer, case_dict
    from docket.pipeline import ingest_paths
    from docket.store import SQLiteStore

    folder = tmp_path / "in"
    folder.mkdir()
    a, b = seed_files()[0], seed_files()[1]
    (folder / "a.txt").write_bytes(a.read_bytes())
    (folder / "b.txt").write_bytes(b.read_bytes())
    (folder / "manifest.csv").write_text(
        "file,source_url,publication_date,access_date\n"
        "a.txt,https://example.org/report-a,2025-01-16,2026-11-30\n"
    )
    (folder / "b.meta.json").write_text(
        json.dumps({"url": "https://example.org/b", "published": "2017-01"})
    )
    meta = load_document(folder / "a.txt").metadata
    assert (meta.url, meta.published, meta.accessed) == (
        "https://example.org/report-a",
        "2025-01-16",
        "2026-11-30",
    )
    assert (
        load_document(
            folder / "b.txt", IngestOptions(metadata={"accessed": "2026-12-01"})
        ).metadata.accessed
        == "2026-12-01"
    )
    store = SQLiteStore(tmp_path / "m.db")
    ingest_paths(store, [folder])
    docs = {d.file_name: d for d in store.list_documents()}
    assert (
        docs["a.txt"].url == "https://example.org/report-a" and docs["b.txt"].published == "2017-01"
    )
    data = collect(store)
    case = next(
        c for c in data.cases if any(d.file_name == "a.txt" for d in c.person.documents) and c.facts
    )
    cites = [s["citation"] for f in case_dict(case, Citer(store))["facts"] for s in f["statements"]]
    assert any(
        c["url"] == "https://example.org/report-a" and c["published"] == "2025-01-16" for c in cites
    )
    md = dossier(case, Citer(store))
    assert "## References" in md and "<https://example.org/report-a>, accessed 2026-11-30." in md
    store.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [("url", "javascript:alert(1)"), ("published", "last spring"), ("accessed", "2026-13-01")],
)
def test_a_bad_source_value_fails_the_file_and_says_why(
    tmp_path: Path, column: str, value: str
) -> None:
    from docket.errors import BadMetadata

    f = tmp_path / "r.txt"
    f.write_bytes(seed_files()[0].read_bytes())
    (tmp_path / "manifest.csv").write_text(f"file,{column}\nr.txt,{value}\n")
    with pytest.raises(BadMetadata, match=column):
        load_document(f)

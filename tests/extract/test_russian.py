"""The Russian pipeline and cross-script linking on OVD-Info's reports and their English versions
(issue 21). Reports and gold are read from ../shared/corpus/ovdinfo and ../shared/gold/ovdinfo-crossscript.

Thresholds sit below what was measured (bench/RESULTS.md) and well above the English-only
pipeline on these files (mentions F1 0.03, one Russian name found).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from docket.evaluate import linking_by_kind, load_gold, score
from docket.extract import extract_documents
from docket.extract.components import run_components
from docket.pipeline import load_document
from tests.conftest import CORPUS, SHARED

GOLD = SHARED / "gold" / "ovdinfo-crossscript"
FOLDER = CORPUS / "ovdinfo"


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD)


@pytest.fixture(scope="module")
def docs(gold):
    return [load_document(FOLDER / d["file"]) for d in gold["documents"]]


@pytest.fixture(scope="module")
def prediction(docs):
    return extract_documents(docs)


def test_russian_reports_run_the_russian_pipeline(docs) -> None:
    ru = next(d for d in docs if d.file_name.endswith("2013q1_ru.txt"))
    assert ru.metadata.language == "ru"
    state = run_components(ru)
    assert state.language == "ru" and state.mentions
    for m in state.mentions:  # cited as printed, with the nominative beside it
        assert ru.text[m.start : m.end] == m.text
        assert m.normal and m.paragraph == next(
            p.ordinal for p in ru.paragraphs if p.start <= m.start < p.end
        )
    assert any(e.label == "org" for e in state.entities) and any(
        e.label == "place" for e in state.entities
    )


def test_person_mentions_per_language_file(gold, prediction) -> None:
    for d in gold["documents"]:
        sub = dict(
            gold, documents=[d], events=[e for e in gold["events"] if e["file"] == d["file"]]
        )
        f1 = score(sub, prediction)["mentions"]["f1"]
        floor = 0.93 if d["language"] == "ru" else 0.88
        assert f1 >= floor, (d["file"], f1)


def test_linking_across_scripts_and_case_forms(gold, prediction) -> None:
    s = score(gold, prediction)["resolution"]
    assert s["f1"] >= 0.93, s
    assert s["hard_negative_merges"] == 0, s["hard_negative_list"]
    kinds = linking_by_kind(gold, prediction)
    assert kinds["en-ru"]["p"] >= 0.99 and kinds["en-ru"]["r"] >= 0.85, kinds["en-ru"]
    assert kinds["ru-ru"]["p"] >= 0.99 and kinds["ru-ru"]["r"] >= 0.93, kinds["ru-ru"]


def test_a_russian_and_an_english_spelling_are_one_person_with_the_link_explained(
    prediction,
) -> None:
    from docket.resolve.link import link_documents

    facts = {}
    from docket.extract import analyse_document

    for f in ("ovdinfo_russia_2013q1_ru.txt", "ovdinfo_russia_2013q1_en.txt"):
        doc = load_document(FOLDER / f)
        facts[f] = analyse_document(doc).mentions
    clusters = link_documents(list(facts.items()))
    mixed = [c for c in clusters if {f for f, _ in c.mentions} == set(facts)]
    assert mixed, "no person is named in both the Russian and the English report"
    for c in mixed:
        across = [link for link in c.links if "across reports" in link.levels]
        assert across and all(link.levels[1:] for link in across), c.links


def test_scores_agree_with_the_reference_scorer(gold, prediction, tmp_path: Path) -> None:
    f = tmp_path / "pred.json"
    f.write_text(json.dumps(prediction))
    ref = subprocess.run(
        [sys.executable, str(SHARED / "gold" / "score.py"), str(GOLD), str(f), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert score(gold, prediction) == json.loads(ref.stdout[: ref.stdout.rindex("}") + 1])


def test_russian_events_on_the_annotated_quarter(gold, prediction) -> None:
    # Only the 2013q1 pair has events in the gold (its README): score that file alone.
    f = "ovdinfo_russia_2013q1_ru.txt"
    sub = dict(
        gold,
        documents=[d for d in gold["documents"] if d["file"] == f],
        events=[e for e in gold["events"] if e["file"] == f],
    )
    e = score(sub, prediction)["events"]
    assert e["f1"] >= 0.8 and e["charge_acc"] >= 0.8, e
    ru_events = [x for x in prediction["events"] if x["file"] == f]
    text = (FOLDER / f).read_text(encoding="utf-8")
    assert all(
        x["quote"] in text and not x["quote"].isascii() for x in ru_events
    )  # cited in the original


def test_a_head_of_state_named_only_as_a_topic_gets_no_custody_or_prosecution_event(
    prediction,
) -> None:
    # "a performance containing negative remarks towards Putin", then "Both musicians were charged":
    # the remark's topic is not one of those detained or charged (before: detained, charged, fined).
    putin = {
        p["id"] for p in prediction["persons"] if p["canonical"] in ("Vladimir Putin", "Putin")
    }
    kinds = {e["type"] for e in prediction["events"] if e["person"] in putin}
    assert putin and not kinds & {"detained", "charged", "convicted", "sentenced", "fined"}, kinds

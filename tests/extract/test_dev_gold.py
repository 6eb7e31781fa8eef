"""Extraction on the development gold (issue 16): every set at once, and one regression test per error kind.

The gold and the reports are read from ../shared at run time. Thresholds sit below what was measured
(bench/RESULTS.md has the figures) and above the design this issue replaced.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docket.evalsets import default_report_dirs, locate
from docket.evaluate import _items, _person_map, load_gold, norm, score
from docket.extract import extract_documents
from docket.pipeline import load_document
from tests.conftest import SHARED

SETS = ["seeds", "dev-amnesty", "dev-freedomhouse", "dev-usdos"]
GOLDS = {s: SHARED / "gold" / s for s in SETS}


@pytest.fixture(scope="module")
def docs():
    roots = default_report_dirs(list(GOLDS.values()))
    files = dict.fromkeys(d["file"] for g in GOLDS.values() for d in load_gold(g)["documents"])
    return {f: load_document(locate(f, roots)) for f in files}


@pytest.fixture(scope="module")
def prediction(docs):
    return extract_documents(list(docs.values()))


@pytest.mark.parametrize("name", SETS)
def test_every_set_holds(name: str, prediction) -> None:
    s = score(load_gold(GOLDS[name]), prediction)
    assert s["mentions"]["f1"] >= 0.95, s["mentions"]
    assert s["events"]["f1"] >= 0.80, s["events"]  # before this design: 0.40-0.65 on the dev sets
    assert s["resolution"]["hard_negative_merges"] == 0


def test_pooled_events(prediction) -> None:
    tp = pred = gold = 0
    for g in GOLDS.values():
        e = score(load_gold(g), prediction)["events"]
        tp, pred, gold = tp + e["tp"], pred + e["pred"], gold + e["gold"]
    f1 = 2 * tp / (pred + gold)
    assert f1 >= 0.84, (tp, pred, gold)  # before: 0.709


@pytest.mark.parametrize("name", SETS[1:])
def test_scores_agree_with_the_reference_scorer(name: str, prediction, tmp_path: Path) -> None:
    f = tmp_path / "pred.json"
    f.write_text(json.dumps(prediction))
    ref = subprocess.run(
        [sys.executable, str(SHARED / "gold" / "score.py"), str(GOLDS[name]), str(f), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert score(load_gold(GOLDS[name]), prediction) == json.loads(
        ref.stdout[: ref.stdout.rindex("}") + 1]
    )


def _predicted_forms(prediction, files: set[str]) -> dict[tuple[str, str], str]:
    return _items(prediction["persons"], files)


def test_no_organisation_outlet_or_place_is_a_person(prediction) -> None:
    """Error kind: non-persons. Every predicted form in the dev files is a form the gold lists as a person."""
    for name in SETS[1:]:
        g = load_gold(GOLDS[name])
        files = {d["file"] for d in g["documents"]}
        extra = set(_predicted_forms(prediction, files)) - set(_items(g["persons"], files))
        assert not extra, (name, sorted(extra))


def test_no_surname_is_cut_out_of_a_full_name(docs, prediction) -> None:
    """Error kind: a surname taken as a person of its own right after the given name ("A B was" -> "B")."""
    from docket.extract.personness import is_given_name

    spans = {
        (c["file"], c["start"], c["end"]) for p in prediction["persons"] for c in p["citations"]
    }
    for f, s, e in spans:
        text = docs[f].text
        words = text[max(0, s - 40) : s].split(" ")
        if " " in text[s:e] or len(words) < 2 or words[-1] != "":
            continue
        previous = words[-2]
        assert not (is_given_name(previous) and previous[:1].isupper()), (f, text[s - 30 : e])
        assert not any(f2 == f and e2 == s - 1 for f2, _, e2 in spans), (f, text[s - 30 : e])


def test_bullets_do_not_glue_sentences(prediction) -> None:
    """Error kind: text artefacts. No event quote spans a PDF bullet."""
    for e in prediction["events"]:
        assert not re.search(r"[\x00-\x08\x0e-\x1f]", e["quote"].strip()), e["quote"]
        assert not re.search(r"[.!?] b [A-Z]", e["quote"]), e["quote"]


def test_hedged_penalties_are_not_sentences(prediction) -> None:
    """Error kind: modality. A penalty someone 'could face if convicted' is not a sentence."""
    hedged = [
        e
        for e in prediction["events"]
        if e["type"] == "sentenced"
        and re.search(
            r"\b(could|might|would) face\b|\bif (found guilty|convicted)\b", e["quote"], re.I
        )
        and not re.search(r"\bwas sentenced\b|\bwere sentenced\b", e["quote"])
    ]
    assert not hedged, [e["quote"] for e in hedged]


def test_officials_are_not_victims_of_the_acts_they_order(prediction) -> None:
    """Error kind: victim and perpetrator. No gold state-side person gets a custody, torture or death event
    (in the dev sets; the seeds gold has officials who were themselves prosecuted)."""
    bad = []
    for name in SETS[1:]:
        g = load_gold(GOLDS[name])
        files = {d["file"] for d in g["documents"]}
        gold_of, pred_of = _items(g["persons"], files), _predicted_forms(prediction, files)
        pmap, side = _person_map(gold_of, pred_of), {p["id"]: p["side"] for p in g["persons"]}
        gold_types = {(e["file"], e["person"], e["type"]) for e in g["events"]}
        for e in prediction["events"]:
            gid = pmap.get(e["person"])
            if (
                e["file"] in files
                and gid
                and side.get(gid) == "state"
                and (e["file"], gid, e["type"]) not in gold_types
                and e["type"] in {"detained", "sentenced", "ill_treatment", "death", "convicted"}
            ):
                bad.append((gid, e["type"], e["quote"][:80]))
    assert not bad, bad


def test_other_outcomes_are_found(prediction) -> None:
    """Error kind: the 'other' type (complaints dismissed, refusals to investigate, rulings of international bodies)."""
    found = [e for e in prediction["events"] if e["type"] == "other"]
    assert len(found) >= 15
    assert all(norm(e["quote"]) for e in found)


def test_event_dates_hold(prediction) -> None:
    """Pooled event date accuracy (issue 16 target 0.85)."""
    ok = n = 0
    for g in GOLDS.values():
        e = score(load_gold(g), prediction)["events"]
        ok, n = ok + round(e["date_acc"] * e["tp"]), n + e["tp"]
    assert ok / n >= 0.85, (ok, n)


def test_a_cause_does_not_date_the_act(prediction) -> None:
    """Error kind: the date of another event. "… in connection with a demonstration on 19 December"
    dates the demonstration, not the detention."""
    cause = re.compile(
        r"\bin connection with\b[^.;,]{0,60}?\bon (\d{1,2}) (January|February|March|April|May|June|July|"
        r"August|September|October|November|December)"
    )
    seen = 0
    for e in prediction["events"]:
        m = cause.search(e["quote"])
        if m and e["date"] and len(re.findall(r"\b\d{1,2} [A-Z][a-z]+\b", e["quote"])) == 1:
            seen += 1
            assert not e["date"].endswith(f"-{int(m.group(1)):02d}"), (e["date"], e["quote"][:120])
    assert seen or any(cause.search(e["quote"]) for e in prediction["events"])


def test_a_parenthesis_dates_the_names_it_follows(prediction) -> None:
    """Error kind: attributes. "A and B (executed in March 2010), and C (executed in July 2011)": A and B in
    March 2010, C in July 2011."""
    paren = re.compile(
        r"([A-Z][a-z]+) and [A-Z][a-z]+ ([A-Z][a-z]+) \((?:executed|arrested|detained|sentenced) in "
        r"(January|February|March|April|May|June|July|August|September|October|November|December) "
        r"(\d{4})\)"
    )
    from docket.extract.dates import MONTHS

    checked = 0
    for e in prediction["events"]:
        m = paren.search(e["quote"])
        if not m:
            continue
        want = f"{m.group(4)}-{MONTHS[m.group(3).lower()]:02d}"
        name = e["person"].replace("-", " ").split()[-1]
        if name in {m.group(1).lower(), m.group(2).lower()} and e["type"] == "death":
            checked += 1
            assert e["date"] == want, (e["person"], e["date"], want)
    assert checked >= 2


def test_a_misspelt_surname_joins_its_full_name(prediction) -> None:
    """Error kind: linking. A bare surname printed with two letters swapped is the one full name's person."""
    from docket.resolve.fold import misspelling_key

    checked = 0
    for g in GOLDS.values():
        for p in load_gold(g)["persons"]:
            for f, forms in p["mentions"].items():
                full = [x for x in forms if len(x.split()) >= 2]
                for bare in (x for x in forms if " " not in x):
                    key = misspelling_key(bare)
                    if key is None or not any(
                        misspelling_key(x.split()[-1]) == key and bare != x.split()[-1]
                        for x in full
                    ):
                        continue
                    owner = {
                        q["id"]
                        for q in prediction["persons"]
                        for form in q["mentions"].get(f, [])
                        if norm(form) in {norm(bare), *map(norm, full)}
                    }
                    checked += 1
                    assert len(owner) == 1, (bare, full, owner)
    assert checked >= 1


def test_a_shared_surname_goes_to_the_person_introduced_first(prediction) -> None:
    """Error kind: linking. A bare surname two people of a report share is linked to the one introduced
    first, as the gold reads it, and the link says it was a choice (it names the other person)."""
    checked = 0
    for g in GOLDS.values():
        persons = load_gold(g)["persons"]
        for p in persons:
            for f, forms in p["mentions"].items():
                for bare in (x for x in forms if " " not in x):
                    sharing = [
                        q
                        for q in persons
                        if any(
                            len(x.split()) >= 2 and x.split()[-1] == bare
                            for x in q["mentions"].get(f, [])
                        )
                    ]
                    if len(sharing) < 2:
                        continue
                    owner = [q for q in prediction["persons"] if bare in q["mentions"].get(f, [])]
                    assert len(owner) == 1 and any(
                        norm(x) in map(norm, owner[0]["mentions"][f])
                        for x in p["mentions"][f]
                        if " " in x
                    ), (bare, owner)
                    assert any(
                        "shared with" in " ".join(link["levels"]) for link in owner[0]["links"]
                    )
                    checked += 1
    assert checked >= 1


def test_a_perpetrator_does_not_die_of_his_victims_death(prediction) -> None:
    """Error kind: victim and perpetrator. "convicted … for beating his wife to death": the wife died."""
    bad = [
        e
        for e in prediction["events"]
        if e["type"] == "death"
        and re.search(
            r"\b(beat|beating|torturing|killing|strangling)\s+(his|her|their)\s+\w+\s+to death",
            e["quote"],
        )
        and re.search(r"\b(convict|sentenc|conviction)", e["quote"])
    ]
    assert not bad, [(e["person"], e["quote"][:100]) for e in bad]

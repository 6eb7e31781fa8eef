"""Events on the real seeds (scored against the gold) and on unseen text; parsers for dates and sanctions."""

from __future__ import annotations

import pytest

from docket.evaluate import load_gold, score
from docket.extract import extract_documents
from docket.extract.dates import find_dates
from docket.extract.sanctions import find_charge, find_sanctions
from docket.pipeline import load_document
from tests.conftest import GOLD, SEEDS


@pytest.fixture(scope="module")
def seeds():
    gold = load_gold(GOLD)
    docs = [load_document(SEEDS / d["file"]) for d in gold["documents"]]
    return gold, docs, extract_documents(docs)


def test_seed_events_meet_the_targets(seeds) -> None:
    gold, _, pred = seeds
    ev = score(gold, pred)["events"]
    # measured 2026-11-21: F1 0.885, date 0.91, sanction 0.94, charge 0.68, place 0.61
    assert ev["f1"] >= 0.85
    assert ev["sanction_acc"] >= 0.90
    assert ev["date_acc"] >= 0.90


def test_every_event_is_cited_exactly(seeds) -> None:
    _, docs, pred = seeds
    by_file = {d.file_name: d for d in docs}
    persons = {p["id"] for p in pred["persons"]}
    for e in pred["events"]:
        doc = by_file[e["file"]]
        assert e["person"] in persons
        assert doc.text[e["start"] : e["end"]] == e["quote"]
        para = doc.paragraphs[int(e["paragraph_id"].split(":p")[1])]
        assert para.start <= e["start"] < e["end"] <= para.end


def test_unseen_report(tmp_path) -> None:
    f = tmp_path / "r.txt"
    f.write_text(
        "Kyrgyzstan 2023\n\nFreedom of expression\n\n"
        "On March 14, police detained journalist Bolot Temirov in Bishkek. Two days later, a court sentenced him to "
        "five years in prison on charges of “calling for mass riots”. In June, an appeals court upheld the sentence. "
        "Activist Aizhan Kadyrova was fined 20,000 soms for “petty hooliganism”.\n",
        encoding="utf-8",
    )
    doc = load_document(f, None)
    pred = extract_documents([doc])
    got = {(e["person"], e["type"], e["date"]) for e in pred["events"]}
    assert ("bolot-temirov", "detained", "2023-03-14") in got
    assert ("bolot-temirov", "sentenced", "2023-03-16") in got
    assert ("bolot-temirov", "convicted", "2023-03-16") in got
    assert ("bolot-temirov", "appeal_upheld", "2023-06") in got
    fine = next(e for e in pred["events"] if e["type"] == "fined")
    assert fine["person"] == "aizhan-kadyrova"
    assert fine["sanction"] == {"kind": "fine", "amount": 20000, "currency": "KGS"}
    assert fine["charge"] == "petty hooliganism"
    sent = next(e for e in pred["events"] if e["type"] == "sentenced")
    assert (
        sent["sanction"] == {"kind": "imprisonment", "years": 5}
        and sent["charge"] == "calling for mass riots"
    )
    detained = next(e for e in pred["events"] if e["type"] == "detained")
    assert detained["place"] == "Bishkek"


@pytest.mark.parametrize(
    ("text", "period", "previous", "value"),
    [
        ("In May, a court fined him.", 2024, None, "2024-05"),
        ("On August 2, the court ruled.", 2024, None, "2024-08-02"),
        ("in November 2023", 2024, None, "2023-11"),
        ("On 12th June 2017", 2017, None, "2017-06-12"),
        ("ten days later", 2017, "2017-06-14", "2017-06-24"),
        ("Last year he was jailed.", 2017, None, "2016"),
        ("Between February and April, the government detained", 2024, None, "2024"),
        ("the day before the verdict", 2024, "2024-08-02", "2024-08-01"),
        ("That March, police beat her.", 2022, "2019-11", "2019-03"),
        ("In March, police beat her.", 2022, "2019-11", "2022-03"),
    ],
)
def test_dates(text: str, period: int, previous: str | None, value: str) -> None:
    assert find_dates(text, period, previous)[0].value == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sentenced to seven years in prison", [{"kind": "imprisonment", "years": 7}]),
        (
            "fined 73,840 Kazakhstani tenge ($150)",
            [{"kind": "fine", "amount": 73840, "currency": "KZT"}],
        ),
        (
            "sentenced to four years of restricted freedom",
            [{"kind": "restricted_freedom", "years": 4}],
        ),
        ("jailed for 20 days", [{"kind": "detention", "days": 20}]),
        ("a seven-and-a-half-year prison sentence", [{"kind": "imprisonment", "years": 7.5}]),
        ("sentenced to 100 hours of community work", [{"kind": "community_work", "hours": 100}]),
        ("punishable by up to 10 days’ detention", [{"kind": "detention", "days": 10}]),
        (
            "sentenced to two years and six months in prison",
            [{"kind": "imprisonment", "years": 2, "months": 6}],
        ),
    ],
)
def test_sanctions(text: str, expected: list[dict]) -> None:
    assert [s.as_dict() for s in find_sanctions(text)] == expected


def test_charges() -> None:
    assert (
        find_charge("fined on charges of “spreading false information”.")
        == "spreading false information"
    )
    assert (
        find_charge("accused of “financing extremism” and “participating” in a banned group")
        == "financing extremism; participating"
    )
    assert find_charge("qualified for release under an amnesty") is None


def test_organisations_and_places(seeds) -> None:
    from docket.extract import analyse_document

    _, docs, _ = seeds
    facts = analyse_document(next(d for d in docs if d.file_name.startswith("002")))
    orgs = {e.text for e in facts.entities if e.label == "org"}
    places = {e.text for e in facts.entities if e.label == "place"}
    assert "Supreme Court" in orgs and {"Almaty", "Astana"} <= places
    names = {m.text for m in facts.mentions}
    assert not (orgs | places) & names  # a person is never also an organisation or a place
    for e in facts.entities:
        assert facts.document.text[e.start : e.end] == e.text

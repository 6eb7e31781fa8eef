"""Case files on the seeds: facts from statements, corroboration, conflicts, timeline, status."""

from __future__ import annotations

from docket.query.cases import case_file
from docket.query.people import find_person
from docket.store import SQLiteStore


def test_the_journalist_spelled_three_ways_has_one_timeline(seeded: SQLiteStore) -> None:
    [person] = find_person(seeded, "Mukhammedkarim")
    case = case_file(person)
    sentence = next(
        f
        for f in case.facts
        if f.type == "sentenced" and f.sanction == {"kind": "imprisonment", "years": 7}
    )
    assert sentence.date.startswith("2024-08") and len(sentence.publishers) >= 2  # corroborated
    assert any(f.type == "appeal_upheld" and f.date == "2024-11" for f in case.facts)
    transfer = next(f for f in case.facts if f.type == "transferred")
    assert transfer.date == "2024-12" and {d.period for d, _ in transfer.statements} == {2025}
    assert case.status.startswith("imprisoned since 2024-08") and "2031" in case.status
    assert [f.sort_key for f in case.facts] == sorted(f.sort_key for f in case.facts)
    for f in case.facts:
        for d, e in f.statements:  # every statement keeps its citation
            assert seeded.get_document(d.id).text[e.start : e.end] == e.quote


def test_a_real_conflict_between_sources_is_flagged(seeded: SQLiteStore) -> None:
    [person] = find_person(seeded, "Mukhammedkarim")
    conflicts = case_file(person).conflicts
    ban = [c for c in conflicts if c.kind == "date" and "ban" in c.detail]
    assert ban, conflicts  # the ban: first verdict (State Department) vs appeal (Amnesty)
    assert {ban[0].a[0].publisher, ban[0].b[0].publisher} == {
        "US Department of State",
        "Amnesty International",
    }
    assert any(c.kind == "spelling" for c in conflicts)


def test_father_and_son_have_separate_case_files(seeded: SQLiteStore) -> None:
    cases = [case_file(p) for p in find_person(seeded, "Mataev")]
    assert len(cases) == 2
    sentences = {
        c.person.cluster.canonical: [f.sanction for f in c.facts if f.type == "sentenced"]
        for c in cases
    }
    assert sentences["Seitkazy Mataev"] != sentences["Aset Mataev"]


def test_release_status(seeded: SQLiteStore) -> None:
    [person] = find_person(seeded, "Kozlov")
    assert case_file(person).status.startswith("released on parole 2016-08-20")


def test_year_over_year(seeded: SQLiteStore) -> None:
    from docket.query.cases import year_diff
    from docket.query.people import people

    diff = year_diff(people(seeded), start=2024, end=2025, country="Kazakhstan")
    continuing = {c.person.cluster.canonical: added for c, added in diff.continuing}
    assert any("Mukham" in name for name in continuing)
    added = next(a for name, a in continuing.items() if "Mukham" in name)
    assert [f.type for f in added] == ["transferred"]  # what the 2025 report adds
    new = {c.person.cluster.canonical for c in diff.new}
    dropped = {c.person.cluster.canonical for c in diff.dropped}
    assert "Yulia Emelyanova" in new and "Raul Uporov" in dropped
    assert not new & dropped


def test_statistics(seeded: SQLiteStore) -> None:
    from docket.query.stats import statistics

    st = statistics(seeded)
    assert sum(st.events_by_type.values()) == seeded.counts()["events"]
    assert st.topic_year_publisher[("assembly", 2016, "Human Rights Watch")] > 0
    assert {y for (_, y) in st.events_by_type_year} == {2016, 2017, 2024, 2025}
    assert st.charges  # charges are counted from charged/convicted statements


def test_an_official_never_gets_a_custody_status(seeded: SQLiteStore) -> None:
    """Issue 16: statements about acts an official ordered or presided over give them no custody status."""
    from dataclasses import replace

    [person] = find_person(seeded, "Mukhammedkarim")
    assert case_file(person).status.startswith("imprisoned")
    as_official = case_file(replace(person, side="state"))
    assert not as_official.status.startswith(
        ("imprisoned", "detained", "died", "facing extradition", "released")
    )
    assert (
        as_official.facts == case_file(person).facts
    )  # the statements stay, cited; only the status differs


def test_a_diff_says_what_it_compares(seeded: SQLiteStore) -> None:
    """Each side lists its reports; a side of one report or one publisher is warned about; a reversed
    range is refused."""
    import pytest

    from docket.errors import CaseQueryError
    from docket.query.cases import year_diff
    from docket.query.people import people

    docs = seeded.list_documents()
    records = people(seeded)
    for start, end in sorted(
        {
            (a.period, b.period)
            for a in docs
            for b in docs
            if a.period and b.period and a.period < b.period
        }
    ):
        diff = year_diff(records, start=start, end=end, documents=docs)
        assert {d.id for d in diff.reports_from} == {d.id for d in docs if d.period == start}
        assert {d.id for d in diff.reports_to} == {d.id for d in docs if d.period == end}
        for year, side in ((start, diff.reports_from), (end, diff.reports_to)):
            thin = len(side) == 1 or len({d.publisher for d in side}) == 1
            assert thin == any(str(year) in w for w in diff.warnings), (year, diff.warnings)
    for start, end in ((2025, 2024), (2024, 2024)):
        with pytest.raises(CaseQueryError):
            year_diff(records, start=start, end=end, documents=docs)

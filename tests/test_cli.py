"""The CLI as users run it: exit codes, one-line errors naming the file, JSON, help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docket.cli import app
from tests.conftest import SEEDS

runner = CliRunner()


def test_ingest_seeds_summary_and_search(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    r = runner.invoke(app, ["ingest", str(SEEDS), "--db", db, "--summary"])
    assert r.exit_code == 0, r.output
    assert "5 added" in r.output and "World Report 2017: Kazakhstan" in r.output
    r = runner.invoke(app, ["ingest", str(SEEDS), "--db", db])
    assert r.exit_code == 0 and "5 unchanged" in r.output
    r = runner.invoke(
        app, ["search", "Mukhammedkarim", "--db", db, "--json", "--exact"]
    )  # this spelling only
    hits = json.loads(r.stdout)["hits"]
    assert hits and hits[0]["citation"]["paragraph_id"]
    pid = hits[0]["citation"]["paragraph_id"]
    r = runner.invoke(app, ["show", pid, "--db", db, "--json"])
    assert r.exit_code == 0 and "Mukhammedkarim" in json.loads(r.stdout)["text"]


def test_batch_with_a_bad_file_continues_and_exits_nonzero(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes((SEEDS / "000_a11a7f2bb672b657.txt").read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnonsense")
    r = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "d.db"), "--json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["counts"] == {"added": 1, "replaced": 0, "unchanged": 0, "failed": 1}
    failed = next(f for f in data["files"] if f["status"] == "failed")
    assert "broken.pdf" in failed["error"] and failed["error_code"] == "E106"


def test_search_errors_are_clean(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    r = runner.invoke(app, ["search", "x", "--db", db])
    assert (
        r.exit_code == 2 and "E200" in r.output and "no database" in r.output
    )  # a read never creates one
    assert not (tmp_path / "d.db").exists()
    runner.invoke(
        app, ["ingest", str(SEEDS / "000_a11a7f2bb672b657.txt"), "--db", db, "--no-extract"]
    )
    r = runner.invoke(app, ["search", "-", "--db", db])
    assert r.exit_code == 2 and "E300" in r.output and "Traceback" not in r.output


def test_another_programs_database_is_left_alone(tmp_path: Path) -> None:
    """Hardening (issue 18): --db at a SQLite file that is not docket's gets no tables added."""
    import sqlite3

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    for args in (["summary"], ["ingest", str(SEEDS / "000_a11a7f2bb672b657.txt"), "--no-extract"]):
        r = runner.invoke(app, [*args, "--db", str(other)])
        assert r.exit_code != 0 and "not a docket database" in r.output, r.output
    assert other.read_bytes() == before


def _registry() -> list[tuple[str, object]]:
    """Every command of the real registry, as (name as typed, click command)."""
    import typer.main

    def walk(cmd, prefix: str):
        for name, sub in getattr(cmd, "commands", {}).items():
            if getattr(sub, "commands", None):
                yield from walk(sub, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}", sub

    return sorted(walk(typer.main.get_command(app), ""))


NO_JSON = {"serve"}  # a server prints no result


def test_every_command_has_help_json_and_a_line_in_the_overview() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "getting-started.md").read_text("utf-8")
    usage = guide.split("## Every command at a glance", 1)[1].split("```", 2)[1]
    commands = _registry()
    assert len(commands) >= 25
    for name, cmd in commands:
        r = runner.invoke(app, [*name.split(), "--help"])
        assert r.exit_code == 0 and cmd.help and len(cmd.help) > 20, name
        options = {o for p in cmd.params for o in getattr(p, "opts", [])}
        assert ("--json" in options) != (name in NO_JSON), f"{name}: --json"
        group, _, sub = name.rpartition(" ")
        line = f"docket {name}" if not group else f"docket {group} "
        assert line in usage and (
            not group or sub in usage.split(line, 1)[1].split()[0].split("|")
        ), name


def test_version_and_options_before_the_command(tmp_path: Path) -> None:
    from docket import __version__

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"docket {__version__}"
    db = str(tmp_path / "g.db")
    assert (
        runner.invoke(
            app, ["ingest", str(SEEDS / "000_a11a7f2bb672b657.txt"), "--db", db, "--no-extract"]
        ).exit_code
        == 0
    )
    r = runner.invoke(app, ["--db", db, "--json", "summary"])
    assert r.exit_code == 0 and json.loads(r.stdout)["documents"][0]["id"], r.output
    r = runner.invoke(
        app, ["--db", str(tmp_path / "missing.db"), "summary", "--db", db]
    )  # the command's own wins
    assert r.exit_code == 0
    import os

    assert "DOCKET_DB" not in os.environ or os.environ["DOCKET_DB"] != db  # set for that run only
    r = runner.invoke(app, ["--db", str(tmp_path / "missing.db"), "summary"])
    assert r.exit_code == 2 and "missing.db" in r.output and not (tmp_path / "missing.db").exists()


def test_quotes_are_cut_at_a_word_with_an_ellipsis() -> None:
    from docket.cli import clipped

    text = "The court in Almaty sentenced the journalist to seven years in prison on charges " * 3
    cut = clipped(text, 150)
    assert (
        len(cut) <= 151
        and cut.endswith("…")
        and text.startswith(cut[:-1])
        and text[len(cut) - 1] == " "
    )
    assert clipped(text, None) == text and clipped("short", 150) == "short"


@pytest.fixture(scope="module")
def seeded_db(seeded_copy: Path) -> str:
    return str(seeded_copy)


def test_people_and_person(seeded_db: str) -> None:
    db = seeded_db
    r = runner.invoke(app, ["people", "--db", db, "--json", "--limit", "500"])
    ids = [p["id"] for p in json.loads(r.stdout)]
    assert r.exit_code == 0 and len(ids) > 50
    r = runner.invoke(app, ["person", "Bokayev", "--db", db, "--json"])
    [p] = json.loads(r.stdout)
    assert {"Maks Bokaev", "Max Bokayev"} <= set(p["variants"]) and p["links"] and p["facts"]
    r = runner.invoke(app, ["person", "Nobody Atall", "--db", db])
    assert r.exit_code == 2


def test_case_file_cases_and_diff(seeded_db: str) -> None:
    db = seeded_db
    r = runner.invoke(app, ["person", "Mukhammedkarim", "--db", db, "--json"])
    [case] = json.loads(r.stdout)
    assert case["status"].startswith("imprisoned since 2024-08")
    assert any(c["kind"] == "date" and len(c["statements"]) == 2 for c in case["conflicts"])
    assert all(
        s["citation"]["quote"] and s["citation"]["section"]
        for f in case["facts"]
        for s in f["statements"]
    )
    r = runner.invoke(app, ["cases", "--db", db, "--status", "imprisoned", "--json"])
    assert r.exit_code == 0 and all(
        "imprisoned" in c["status"] for c in json.loads(r.stdout)["cases"]
    )
    r = runner.invoke(app, ["cases", "--db", db, "--topic", "torture", "--json"])
    tortured = json.loads(r.stdout)["cases"]
    assert r.exit_code == 0 and 0 < len(tortured) < 40
    r = runner.invoke(
        app,
        ["diff", "--from", "2024", "--to", "2025", "--country", "Kazakhstan", "--db", db, "--json"],
    )
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["continuing"] and d["new"] and d["no_longer_mentioned"]


def test_export_formats(seeded_db: str, tmp_path: Path) -> None:
    r = runner.invoke(app, ["export", "--db", seeded_db, "--person", "Mukhammedkarim"])
    assert r.exit_code == 0, r.output
    [case] = json.loads(r.stdout)["persons"]
    assert case["status"].startswith("imprisoned")
    r = runner.invoke(
        app, ["export", "--db", seeded_db, "-f", "markdown", "-o", str(tmp_path / "md")]
    )
    assert r.exit_code == 0 and (tmp_path / "md" / "index.md").exists()
    assert len(list((tmp_path / "md").glob("*.md"))) > 10
    r = runner.invoke(app, ["export", "--db", seeded_db, "-f", "csv"])
    assert r.exit_code == 2 and "--out" in r.output
    r = runner.invoke(app, ["export", "--db", seeded_db, "-f", "xml", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2 and "E600" in r.output
    r = runner.invoke(app, ["export", "--schema"])
    assert json.loads(r.stdout)["title"] == "docket export"


def test_stats_counts_persons_by_status(seeded_db: str) -> None:
    r = runner.invoke(app, ["stats", "--db", seeded_db, "--json"])
    st = json.loads(r.stdout)
    assert r.exit_code == 0 and st["persons_by_status"]["imprisoned"] >= 3


def test_an_ambiguous_name_is_listed_never_guessed(seeded_db: str) -> None:
    r = runner.invoke(app, ["people", "--db", seeded_db, "--json", "--limit", "1000"])
    mataev = [p["id"] for p in json.loads(r.stdout) if p["canonical"].endswith("Mataev")]
    assert len(mataev) == 2
    for command in (
        ["person", "Mataev"],
        ["explain", "Mataev"],
        ["merge", "Mataev", "Max Bokayev"],
    ):
        r = runner.invoke(app, [*command, "--db", seeded_db])
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        assert all(pid in r.output for pid in mataev), r.output
    r = runner.invoke(app, ["person", mataev[0], "--db", seeded_db, "--json"])
    assert r.exit_code == 0 and [p["id"] for p in json.loads(r.stdout)] == [mataev[0]]
    log = runner.invoke(app, ["merge", "Nobody Atall", "Max Bokayev", "--db", seeded_db])
    assert log.exit_code == 2 and "nobody called" in log.output


def test_cases_filter_sort_and_count_honestly(seeded_db: str) -> None:
    def listed(*args: str) -> dict:
        r = runner.invoke(app, ["cases", "--db", seeded_db, "--json", "--limit", "1000", *args])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    everyone = listed("--side", "any")
    targets = listed()
    assert targets["total"] < everyone["total"] and all(
        c["side"] == "target" for c in targets["cases"]
    )
    page = runner.invoke(app, ["cases", "--db", seeded_db, "--limit", "5"])
    assert f"showing 1–5 of {targets['total']} cases" in page.output
    second = listed("--limit", "5", "--offset", "5")
    assert [c["id"] for c in second["cases"]] == [c["id"] for c in targets["cases"][5:10]]
    sentenced = listed("--event", "sentenced", "--from", "2024-01-01", "--to", "2024-12-31")
    assert sentenced["cases"] and all(
        any(f["type"] == "sentenced" and (f["date"] or "").startswith("2024") for f in c["facts"])
        for c in sentenced["cases"]
    )
    single = listed("--max-publishers", "1")
    several = listed("--min-publishers", "2")
    assert single["total"] + several["total"] == targets["total"]
    assert all(len({p for f in c["facts"] for p in f["publishers"]}) >= 2 for c in several["cases"])
    by_name = [c["canonical"].casefold() for c in listed("--sort", "name")["cases"]]
    assert by_name == sorted(by_name)
    journalists = listed("--role", "journalist")
    assert journalists["cases"] and all(
        "journalist" in (c["role"] or "").casefold() for c in journalists["cases"]
    )
    for bad in (
        ["--from", "2025", "--to", "2024"],
        ["--from", "someday"],
        ["--side", "victim"],
        ["--event", "arrest"],
        ["--sort", "height"],
    ):
        r = runner.invoke(app, ["cases", "--db", seeded_db, *bad])
        assert r.exit_code == 2 and "E301" in r.output and "Traceback" not in r.output, (
            bad,
            r.output,
        )


def test_reject_a_claim_everywhere_from_the_cli(seeded_template, tmp_path_factory) -> None:
    from tests.conftest import copy_of

    db = str(copy_of(seeded_template, tmp_path_factory))
    [case] = json.loads(
        runner.invoke(app, ["person", "Mukhammedkarim", "--db", db, "--json"]).stdout
    )
    fact = next(f for f in case["facts"] if f["corroboration"]["documents"] >= 2)
    shown = runner.invoke(app, ["person", case["id"], "--db", db])
    assert fact["id"] in shown.output
    r = runner.invoke(app, ["reject", case["id"], fact["id"], "--db", db])
    assert r.exit_code == 2 and "reason" in r.output
    r = runner.invoke(
        app, ["reject", case["id"], fact["id"], "--db", db, "--why", "misread", "--who", "t"]
    )
    assert r.exit_code == 0 and f"rejected {len(fact['statements'])} statements" in r.output, (
        r.output
    )
    assert "and the claim" in r.output
    [after] = json.loads(runner.invoke(app, ["person", case["id"], "--db", db, "--json"]).stdout)
    assert fact["id"] not in {f["id"] for f in after["facts"]}


def test_cheap_numbers_on_the_cli_are_clean_errors(seeded_db: str) -> None:
    """Hardening (issue 18): no traceback for "²" or a huge offset."""
    r = runner.invoke(app, ["people", "--db", seeded_db, "--json", "--limit", "1"])
    doc = json.loads(runner.invoke(app, ["summary", "--db", seeded_db, "--json"]).stdout)[
        "documents"
    ][0]["id"]
    for args in (
        ["show", f"{doc}:p²"],
        ["search", "Kazakhstan", "--offset", "100000000000000000000"],
        ["person", ""],
        ["export", "--person", ""],
    ):
        r = runner.invoke(app, [*args, "--db", seeded_db])
        assert r.exit_code == 2 and "Traceback" not in r.output, (args, r.output[-300:])


def test_a_file_name_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """Hardening (issue 18): an escape sequence or a newline in a file name is shown, not obeyed."""
    folder = tmp_path / "in"
    folder.mkdir()
    name = "bad\x1b[31mred\nline.pdf"
    (folder / name).write_bytes(b"%PDF-1.4\nnonsense")
    r = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "d.db")])
    assert r.exit_code == 1 and "\x1b" not in r.output and "\\x1b" in r.output, r.output


def test_country_filters_go_through_aliases(seeded_db: str) -> None:
    """ "--country 'Kyrgyz Republic'" once found nothing: filters use the same aliases as ingest."""

    def ids(*args: str) -> list:
        r = runner.invoke(app, [*args, "--db", seeded_db, "--json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    plain = ids("cases", "--country", "Kazakhstan")
    assert plain["cases"] and ids("cases", "--country", "Republic of Kazakhstan") == plain
    assert ids("cases", "--country", "KAZAKHSTAN") == plain
    found = ids("search", "journalist", "--country", "Republic of Kazakhstan")["hits"]
    assert found and found == ids("search", "journalist", "--country", "Kazakhstan")["hits"]
    assert ids("queue", "--country", "Republic of Kazakhstan") == ids(
        "queue", "--country", "Kazakhstan"
    )


def test_search_names_the_linked_spellings_it_added(seeded_db: str) -> None:
    r = runner.invoke(app, ["search", "Мухаммедкарим", "--db", seeded_db, "--json"])
    out = json.loads(r.stdout)
    assert out["linked_spellings"] and out["hits"] and out["searched"] != out["query"]
    r = runner.invoke(app, ["search", "Мухаммедкарим", "--db", seeded_db, "--json", "--exact"])
    assert json.loads(r.stdout)["hits"] == [] and json.loads(r.stdout)["linked_spellings"] == []


def test_search_sorts_ranges_counts_and_agrees_with_the_library(seeded_db: str) -> None:
    from docket.export.serialize import search_page_dict
    from docket.models import SearchFilters
    from docket.query.search import find
    from docket.store import open_store

    args = ["search", "police", "--db", seeded_db, "--sort", "oldest", "--year-from", "2016"]
    r = runner.invoke(app, [*args, "--year-to", "2024", "--facets", "--json", "--limit", "50"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    store = open_store(seeded_db)
    page = find(
        store,
        "police",
        SearchFilters(year_from=2016, year_to=2024),
        limit=50,
        sort="oldest",
        facets=True,
    )
    assert out == json.loads(json.dumps(search_page_dict(page)))  # the CLI adds nothing of its own
    store.close()
    periods = [h["citation"]["period"] for h in out["hits"]]
    assert periods == sorted(periods) and periods[0] >= 2016 and periods[-1] <= 2024
    text = runner.invoke(app, [*args, "--facets", "--full"]).output
    assert "year:" in text and "publisher:" in text
    assert out["hits"][0]["citation"]["paragraph_id"] in text
    bad = runner.invoke(app, [*args, "--year-to", "2010"])
    assert bad.exit_code != 0 and "empty" in bad.output


def test_stats_text_has_the_breakdowns_of_the_json(seeded_db: str) -> None:
    text = runner.invoke(app, ["stats", "--db", seeded_db]).output
    data = json.loads(runner.invoke(app, ["stats", "--db", seeded_db, "--json"]).stdout)
    for title in (
        "paragraphs by topic and year",
        "topic tags by publisher and year",
        "event statements by type and year",
    ):
        assert title in text, title
    for publisher in {r["publisher"] for r in data["topic_year_publisher"]}:
        assert publisher in text
    row = next(line for line in text.splitlines() if line.startswith("│ convicted "))
    cells = [c.strip() for c in row.strip("│").split("│")][1:]
    years = sorted({r["year"] for r in data["events_by_type_year"]})
    expected = {
        r["year"]: r["events"] for r in data["events_by_type_year"] if r["type"] == "convicted"
    }
    assert cells == [str(expected.get(y, "")) for y in years]

"""The templates' environment (dict keys read with a dot, everything escaped), and the case-file
timeline's layout."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from docket.web import pages
from docket.web.render import page_environment


def test_dot_lookups_on_dicts_objects_and_missing_keys(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text(
        "{{ d.quote }}|{{ d.missing }}|{{ o.real }}|{{ d.items | length }}", "utf-8"
    )
    env = page_environment(tmp_path)

    class Obj:
        real = "attribute"

    html = env.get_template("t.html").render(
        d={"quote": "<script>alert(1)</script>", "items": [1, 2]}, o=Obj()
    )
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;||attribute|2"  # escaped; missing is empty
    (tmp_path / "t.html").write_text("changed", "utf-8")
    assert (
        env.get_template("t.html").render(d={"items": []}, o=Obj()) == "||attribute|0"
    )  # read once, not again


def test_the_style_sheet_is_linked_by_content_hash_and_kept_by_browsers(settings) -> None:
    import hashlib
    import re
    from importlib import resources

    from fastapi.testclient import TestClient

    from docket.web import create_app

    c = TestClient(create_app(settings))
    url = re.search(r'<link rel="stylesheet" href="([^"]+)"', c.get("/").text)[1]
    css = (Path(str(resources.files("docket.web"))) / "static" / "docket.css").read_bytes()
    assert url == "/static/docket.css?v=" + hashlib.sha256(css).hexdigest()[:16]
    r = c.get(url)
    assert r.status_code == 200 and r.content == css and "immutable" in r.headers["cache-control"]
    for other in (
        "/static/docket.css",
        "/static/docket.css?v=0123456789abcdef",
    ):  # unversioned, or an old hash
        r = c.get(other)
        assert r.status_code == 200 and "cache-control" not in r.headers and r.headers["etag"]
    assert c.get("/static/nothing.css?v=x").status_code == 404


def test_head_is_answered_like_get_without_a_body(settings) -> None:
    from fastapi.testclient import TestClient

    from docket.web import create_app

    c = TestClient(create_app(settings))
    person = "/persons/" + c.get("/api/v1/cases?limit=1").json()["cases"][0]["id"]
    for url in ("/", "/search?q=torture", person, "/api/v1/documents", "/static/docket.css"):
        got, head = c.get(url), c.head(url)
        assert head.status_code == got.status_code == 200 and head.content == b"", url
        assert head.headers["content-type"] == got.headers["content-type"], url
        assert "default-src" in head.headers["content-security-policy"]
    assert c.head("/persons/nobody-at-all").status_code == 404
    assert c.post("/api/v1/curation", json={}).status_code == 401  # other methods untouched


def test_russian_text_is_shown_as_printed_with_a_transliteration_on_hover(tmp_path: Path) -> None:
    """Issue 21: a Cyrillic query finds the Russian paragraphs, and the reader, the snippets and the
    case file's quotes carry a Latin transliteration in their title."""
    import html
    import re

    from fastapi.testclient import TestClient

    from docket.pipeline import ingest_paths
    from docket.store import SQLiteStore
    from docket.web import create_app
    from docket.web.settings import Settings
    from tests.conftest import CORPUS

    db = tmp_path / "ru.db"
    store = SQLiteStore(db)
    files = [CORPUS / "ovdinfo" / f"ovdinfo_russia_2013q1_{lang}.txt" for lang in ("ru", "en")]
    report = ingest_paths(store, files)
    store.close()
    assert report.counts()["added"] == 2
    with TestClient(create_app(Settings(db=str(db), token="t"))) as client:
        page = client.get("/search", params={"q": "Погосов"}).text
        snippets = re.findall(r'<p class="snippet" title="([^"]+)">', page)
        assert snippets and any("Pogosov" in html.unescape(t) for t in snippets), page[:2000]
        person = client.get("/persons/grachya-pogosov")
        assert person.status_code == 200
        assert (
            "Grachya Pogosov" in person.text and "Грачья Погосов" in person.text
        )  # both scripts, one person
        assert re.search(r'<blockquote title="[^"]*Pogosov', person.text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 900, allow_nan=False), st.integers(3, 30)), min_size=1, max_size=40
    )
)
def test_timeline_labels_keep_clear_of_each_other_and_of_stems(points) -> None:
    """Whatever the positions, laid-out labels overlap no label of their row, and no stem rises
    through a label below the stem's own (the geometry, checked pairwise)."""
    from docket.web.pages import _LABEL_GAP, layout_labels

    points.sort()
    xs = [x for x, _ in points]
    widths = [n * 6.6 for _, n in points]
    rows = layout_labels(xs, widths, 6)
    if rows is None:  # the caller widens the axis
        return
    for i, (xi, wi, ri) in enumerate(zip(xs, widths, rows)):
        for j, (xj, _, rj) in enumerate(zip(xs, widths, rows)):
            if j > i and ri == rj:
                assert xi + wi + _LABEL_GAP <= xj - _LABEL_GAP / 2
            if rj > ri:  # j's stem passes row ri: never through label i
                assert not (xi - _LABEL_GAP / 2 <= xj <= xi + wi + _LABEL_GAP)
    if all(b - a > max(widths) + 2 * _LABEL_GAP for a, b in itertools.pairwise(xs)):
        assert set(rows) == {0}  # room enough: one row


def test_timeline_labels_reaching_over_later_points_step_down() -> None:
    """Points closer than their labels are wide fit as a staircase: the earliest label highest,
    so no later stem rises through it; a seventh is one row too many for six."""
    from docket.web.pages import layout_labels

    assert layout_labels([0, 30, 60], [200, 200, 200], 6) == [2, 1, 0]
    assert layout_labels([0, 30, 300, 330], [200, 20, 20, 20], 6) == [1, 0, 1, 0]
    assert layout_labels([30.0 * i for i in range(7)], [200] * 7, 6) is None


def test_every_dated_fact_is_on_the_timeline_once(seeded) -> None:
    """Facts on one day share a dot; each still has its own linked label part, and the vertical
    timeline lists each once."""
    from docket.query.cases import case_files
    from docket.query.people import people
    from docket.web.pages import _timeline

    shared = 0
    for case in case_files(people(seeded)):
        t = _timeline(case)
        dated = [f for f in case.facts if f.date]
        parts = [part["fact"] for g in t["groups"] for part in g["parts"]]
        assert [id(f) for f in parts] == [
            id(f) for f in sorted(dated, key=lambda f: pages._fact_x(f.date))
        ]
        assert sum(len(items) for _, items in t["by_year"]) == len(dated)
        shared += sum(len(g["facts"]) > 1 for g in t["groups"])
        xs = [g["x"] for g in t["groups"]]
        assert xs == sorted(xs) and all(
            b - a >= pages._SAME_PLACE - 0.2 for a, b in itertools.pairwise(xs)
        )
    assert shared  # facts on one day were among them: the test is not vacuous

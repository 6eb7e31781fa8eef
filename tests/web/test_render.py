"""The templates' environment: dict keys read with a dot, everything escaped."""

from __future__ import annotations

from pathlib import Path

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

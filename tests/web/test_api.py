"""The JSON API with FastAPI's TestClient on the seed reports, and a schema-driven fuzz run."""

from __future__ import annotations

import itertools
import re

import jsonschema
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from docket.export import schema as export_schema
from docket.web import create_app
from docket.web.settings import Settings
from tests.web.conftest import TOKEN


@pytest.fixture(scope="module")
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


def test_person_case_file_matches_the_published_schema(client: TestClient) -> None:
    r = client.get("/api/v1/cases", params={"name": "Mukhammedkarim"})
    [row] = r.json()["cases"]
    case = client.get(f"/api/v1/persons/{row['id']}").json()
    assert isinstance(case.pop("curation"), list) and isinstance(case.pop("reviews"), list)
    resolver = jsonschema.validators.Draft202012Validator(
        {"$ref": "#/$defs/case", "$defs": export_schema()["$defs"]}
    )
    resolver.validate(case)
    seven = next(
        f
        for f in case["facts"]
        if f["type"] == "sentenced" and (f["sanction"] or {}).get("years") == 7
    )
    assert seven["corroboration"]["publishers"] >= 2


def test_search_filters_and_citations(client: TestClient) -> None:
    r = client.get(
        "/api/v1/search", params={"q": "torture", "publisher": "Human Rights Watch", "limit": 5}
    )
    hits = r.json()["hits"]
    assert r.status_code == 200 and hits
    assert all(h["citation"]["publisher"] == "Human Rights Watch" for h in hits)
    pid = hits[0]["citation"]["paragraph_id"]
    para = client.get(f"/api/v1/paragraphs/{pid}").json()
    assert (
        "tortur" in para["text"].lower() and para["document"]["publisher"] == "Human Rights Watch"
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/search?q=-", 400),  # no words: a DocketError, as JSON
        ("/api/v1/search?q=x&limit=0", 422),
        ("/api/v1/search?q=x&topic=nonsense", 400),
        ("/api/v1/persons/nobody-at-all", 404),
        ("/api/v1/paragraphs/garbage", 404),
        ("/api/v1/diff?from=2024", 422),
    ],
)
def test_bad_parameters_get_clear_json_errors(client: TestClient, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json") and r.json()["error"]["message"]


def test_curation_needs_the_token_and_is_logged(client: TestClient) -> None:
    body = {"action": "split", "name_a": "Max Bokayev", "name_b": "Talgat Ayan", "why": "API test"}
    assert client.post("/api/v1/curation", json=body).status_code == 401
    assert (
        client.post(
            "/api/v1/curation", json=body, headers={"Authorization": "Bearer wrong"}
        ).status_code
        == 401
    )
    r = client.post(
        "/api/v1/curation",
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "ana"},
    )
    assert r.status_code == 201 and r.json()["who"] == "ana"
    assert any(e["why"] == "API test" for e in client.get("/api/v1/curation").json())


def test_read_only_without_a_configured_token(seeded_db) -> None:
    ro = TestClient(create_app(Settings(db=str(seeded_db), token=None)))
    body = {"action": "merge", "name_a": "Max Bokayev", "name_b": "Talgat Ayan"}
    assert (
        ro.post("/api/v1/curation", json=body, headers={"Authorization": "Bearer "}).status_code
        == 403
    )


def test_pages_escape_report_text_and_send_a_csp(client: TestClient) -> None:
    r = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert r.status_code == 200 and "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_page_forms_need_login_and_csrf(client: TestClient) -> None:
    r = client.post(
        "/persons/max-bokayev/curate",
        data={"action": "merge", "name_a": "Max Bokayev", "name_b": "A B"},
    )
    assert r.status_code == 401
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert (
        client.post("/login", data={"name": "ana", "token": TOKEN, "csrf": "forged"}).status_code
        == 403
    )
    r = client.post(
        "/login", data={"name": "ana", "token": TOKEN, "csrf": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(
        "/persons/max-bokayev/curate",
        data={"action": "merge", "name_a": "Max Bokayev", "name_b": "A B", "csrf": "forged"},
    )
    assert r.status_code == 403


def test_api_fuzz_finds_no_server_error(seeded_db, tmp_path) -> None:
    """Schemathesis generates requests from the app's own OpenAPI schema, each sent once without
    and once with the curation token (so that generated bodies reach the write endpoints'
    validation, on a copy of the database); none may get a 5xx. ``DOCKET_FUZZ_EXAMPLES``: examples
    per operation (25; the README's figures: 200, with ``-s`` to see the counts)."""
    import os
    import shutil
    from collections import Counter

    db = shutil.copy(seeded_db, tmp_path / "fuzz.db")
    schema = schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", create_app(Settings(db=str(db), token=TOKEN))
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    examples = int(os.environ.get("DOCKET_FUZZ_EXAMPLES", "25"))  # per operation
    seen: list[tuple[str, bool, int]] = []
    for op in operations:

        @given(case=op.as_strategy())
        @hsettings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case) -> None:
            for auth in (False, True):
                response = case.call(headers={"Authorization": f"Bearer {TOKEN}"} if auth else None)
                seen.append((case.method, auth, response.status_code))
                assert response.status_code < 500, (
                    case.method,
                    case.formatted_path,
                    case.query,
                    response.text[:300],
                )

        run()
    print(
        f"{len(operations)} operations, {len(seen)} requests; (method, with token, status): "
        f"{dict(sorted(Counter(seen).items()))}"
    )
    codes = [code for _, _, code in seen]
    assert (
        len(seen) > 200
        and any(code < 300 for code in codes)
        and any(400 <= code < 500 for code in codes)
    )
    writes = {(auth, code) for method, auth, code in seen if method == "POST"}
    assert {code for auth, code in writes if not auth} == {
        401
    }  # no token: refused before anything else
    assert any(auth and code != 401 for auth, code in writes)  # with it: the bodies were checked


def test_reviews_verify_reject_and_correct_statements(client: TestClient) -> None:
    rows = client.get("/api/v1/cases", params={"name": "Kozlov"}).json()["cases"]
    case = client.get(f"/api/v1/persons/{rows[0]['id']}").json()
    first, *rest = [s for f in case["facts"] for s in f["statements"]]
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "reviewer"}
    assert (
        client.post(
            "/api/v1/reviews", json={"statement": first["key"], "action": "verify"}
        ).status_code
        == 401
    )
    r = client.post(
        "/api/v1/reviews",
        json={"statement": first["key"], "action": "correct", "field": "date", "value": "someday"},
        headers=auth,
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "E501"
    r = client.post(
        "/api/v1/reviews",
        json={
            "statement": first["key"],
            "action": "correct",
            "field": "place",
            "value": "Pavlodar",
            "why": "the report says so",
        },
        headers=auth,
    )
    assert (
        r.status_code == 201
        and r.json()["before"] == first["place"]
        and r.json()["after"] == "Pavlodar"
    )
    assert (
        client.post(
            "/api/v1/reviews", json={"statement": first["key"], "action": "verify"}, headers=auth
        ).status_code
        == 201
    )
    if rest:
        assert (
            client.post(
                "/api/v1/reviews",
                json={"statement": rest[-1]["key"], "action": "reject"},
                headers=auth,
            ).status_code
            == 201
        )
    after = client.get(f"/api/v1/persons/{rows[0]['id']}").json()
    fact = next(f for f in after["facts"] if any(s["key"] == first["key"] for s in f["statements"]))
    assert fact["verified"] and fact["place"] == "Pavlodar"
    if rest:
        assert [s["key"] for s in after["rejected"]] == [rest[-1]["key"]]
        assert all(s["key"] != rest[-1]["key"] for f in after["facts"] for s in f["statements"])
    assert {r["action"] for r in after["reviews"]} >= {"correct", "verify"}
    assert (
        client.post(
            "/api/v1/reviews", json={"statement": "nope:1:2:x:3", "action": "verify"}, headers=auth
        ).status_code
        == 400
    )


def test_uploads_are_type_and_size_checked_and_kept_inside_the_data_folder(
    seeded_db, tmp_path
) -> None:
    from docket.web.upload import safe_name

    assert safe_name("../../etc/passwd") == "passwd" and safe_name("..\\..\\x.pdf") == "x.pdf"
    assert safe_name("") == "upload" and "/" not in safe_name("a/b/../c<script>.txt")
    settings = Settings(
        db=str(seeded_db), token=TOKEN, data_dir=tmp_path / "data", max_upload_bytes=2048
    )
    c = TestClient(create_app(settings))
    csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert (
        c.post("/ingest", files={"files": ("a.txt", b"x")}, data={"csrf": csrf}).status_code == 401
    )
    c.post("/login", data={"name": "ana", "token": TOKEN, "csrf": csrf})
    fresh = c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert fresh != csrf  # rotated at login
    csrf = fresh
    files = [
        ("files", ("tool.exe", b"MZ\x90\x00", "application/octet-stream")),
        ("files", ("big.txt", b"word " * 1000, "text/plain")),
        ("files", ("../../escape.txt", b"Kazakhstan: short note. " * 20, "text/plain")),
    ]
    r = c.post("/ingest", files=files, data={"csrf": csrf})
    assert r.status_code == 200
    assert "not a report file" in r.text and "larger than the upload limit" in r.text
    stored = [
        p.relative_to(tmp_path / "data") for p in (tmp_path / "data").rglob("*") if p.is_file()
    ]
    assert [p.name for p in stored] == ["escape.txt"] and stored[0].parts[0] == "uploads"
    assert not (tmp_path / "escape.txt").exists()
    # a refused upload is named as uploaded, never by its server path, and is not kept
    r = c.post(
        "/ingest",
        files=[("files", ("binary.txt", b"\x00\x01\x02" * 300, "text/plain"))],
        data={"csrf": csrf},
    )
    assert r.status_code == 200 and "binary.txt" in r.text and "failed" in r.text
    assert str(tmp_path) not in r.text and "/uploads/" not in r.text
    assert not any(p.name == "binary.txt" for p in (tmp_path / "data").rglob("*"))


def test_kept_connections_read_what_another_process_writes(settings: Settings, tmp_path) -> None:
    """SQLite connections are pooled between requests; each request still reads the
    latest committed state (a document ingested meanwhile by another connection appears)."""
    import shutil

    from docket.pipeline import IngestOptions, ingest_paths
    from docket.store import SQLiteStore

    db = tmp_path / "kept.db"
    shutil.copy(settings.db, db)
    app = create_app(Settings(db=str(db), token=TOKEN, data_dir=tmp_path / "data"))
    with TestClient(app) as c:
        before = len(c.get("/api/v1/documents").json())
        assert len(c.get("/api/v1/documents").json()) == before  # served from a kept connection
        report = tmp_path / "new.txt"
        report.write_text(
            "Kazakhstan: a new report\n\nOn 3 May 2024 the police in Almaty detained the "
            "journalist Aigul Utepova.\n",
            "utf-8",
        )
        writer = SQLiteStore(db)
        ingest_paths(writer, [report], IngestOptions(extract=False))
        writer.close()
        docs = c.get("/api/v1/documents").json()
        assert len(docs) == before + 1 and any(d["file_name"] == "new.txt" for d in docs)


def test_the_store_pool_reuses_closes_and_bounds_connections(settings: Settings, tmp_path) -> None:
    import shutil

    from docket.store.pool import StorePool

    pool = StorePool(idle_per_db=2, databases=2)

    def give_back(db: str, store) -> None:
        for old in pool.give_back(db, store):
            old.close()

    a, b, c = pool.take(settings.db), pool.take(settings.db), pool.take(settings.db)
    assert pool.opened == 3 and len({id(a), id(b), id(c)}) == 3  # in use at once: one each
    for s in (a, b, c):
        give_back(settings.db, s)
    assert c.conn is None or _closed(c)  # beyond the idle limit: closed
    assert {id(pool.take(settings.db)), id(pool.take(settings.db))} == {
        id(a),
        id(b),
    } and pool.opened == 3
    a.conn.execute("BEGIN")  # left mid-transaction by a failed request: not reused
    give_back(settings.db, a)
    assert _closed(a)
    give_back(settings.db, b)
    others = [shutil.copy(settings.db, tmp_path / f"o{i}.db") for i in range(2)]
    for db in others:  # two more databases: the least recently used one's connections are closed
        give_back(str(db), pool.take(str(db)))
    assert _closed(b) and pool.take(settings.db) is not b
    assert pool.take_idle(str(tmp_path / "never.db")) is None


def _closed(store) -> bool:
    import sqlite3

    try:
        store.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_concurrent_requests_share_a_few_connections(settings: Settings) -> None:
    """The route runs in any free worker thread; the pool must not open a connection per request
    when requests overlap (a thread-local pool did: about one for every other request under load)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from docket.web.deps import store_pool
    from tests.conftest import serve_in_thread

    base, stop = serve_in_thread(settings)
    try:

        def get(i: int) -> int:
            with urllib.request.urlopen(f"{base}/api/v1/documents?n={i}", timeout=30) as r:
                return r.status

        before = store_pool.opened
        with ThreadPoolExecutor(8) as ex:
            statuses = list(ex.map(get, range(240)))
        assert statuses == [200] * 240
        assert store_pool.opened - before <= 8, store_pool.opened - before
    finally:
        stop()


def test_the_server_links_persons_at_start_up(settings: Settings, tmp_path) -> None:
    """The person cache is filled by a background thread when the app starts, before any request,
    and what it linked is frozen (gc.freeze)."""
    import shutil
    import time

    from docket.web import deps

    db = tmp_path / "warm.db"
    shutil.copy(settings.db, db)
    app = create_app(Settings(db=str(db), token=TOKEN, data_dir=tmp_path / "data"))
    with TestClient(app):
        deadline = time.monotonic() + 60
        while (deps._people._state or ("",))[0] != str(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (deps._people._state or ("",))[0] == str(db)
        # ...and moves them out of reach of full garbage collections (bench/RESULTS.md, load)
        import gc

        while not gc.get_freeze_count() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_the_server_parses_http_with_httptools_and_sets_no_delay() -> None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from docket.web.server import NoDelayH11Protocol, event_loop, http_protocol

    assert issubclass(http_protocol("auto"), HttpToolsProtocol)
    assert http_protocol("h11") is NoDelayH11Protocol
    assert event_loop("auto") == "uvloop" and event_loop("asyncio") == "asyncio"


def test_uploads_are_read_in_a_worker_process_under_the_time_limit(seeded_db, tmp_path) -> None:
    """The per-file time limit is a signal timer that works only in a process's main thread; a web
    request runs in a worker thread, so uploads are read and analysed in a separate process: a
    pathological file (150,000 sentences on one line) fails with E110 and the server goes on."""
    import shutil

    db = tmp_path / "up.db"
    shutil.copy(seeded_db, db)
    # Long enough for the good file's fresh worker to load spaCy on a busy 2-core machine; the slow
    # file needs minutes.
    settings = Settings(db=str(db), token=TOKEN, data_dir=tmp_path / "data", upload_timeout_s=10)
    c = TestClient(create_app(settings))
    csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    c.post("/login", data={"name": "ana", "token": TOKEN, "csrf": csrf})
    csrf = (
        c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    )  # rotated at login
    slow = b"Report 1. " + b"Police detained him. Ms Utepova was fined. " * 36_000
    good = b"Kazakhstan: a note\n\nOn 3 May 2024 the police in Almaty detained the journalist Aigul Utepova.\n"
    r = c.post(
        "/ingest",
        files=[
            ("files", ("slow.txt", slow, "text/plain")),
            ("files", ("good.txt", good, "text/plain")),
        ],
        data={"csrf": csrf},
    )
    assert r.status_code == 200
    assert "E110" in r.text and "took longer than 10 s" in r.text
    assert any(d["file_name"] == "good.txt" for d in c.get("/api/v1/documents").json())


def test_refused_curation_says_why_and_writes_nothing(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "ana"}
    before = client.get("/api/v1/curation").json()
    mataev = [
        c["id"] for c in client.get("/api/v1/cases", params={"name": "Mataev"}).json()["cases"]
    ]
    assert len(mataev) == 2
    for body, needle in (
        ({"action": "merge", "name_a": "Nobody Atall", "name_b": "Max Bokayev"}, "nobody called"),
        ({"action": "merge", "name_a": "Mataev", "name_b": "Max Bokayev"}, mataev[0]),
    ):
        r = client.post("/api/v1/curation", json=body, headers=auth)
        assert r.status_code == 400 and needle in r.json()["error"]["message"], r.text
    assert client.get("/api/v1/curation").json() == before
    r = client.post(
        "/api/v1/curation",
        json={"action": "split", "name_a": mataev[0], "name_b": mataev[1], "why": "by id"},
        headers=auth,
    )
    assert r.status_code == 201 and r.json()["name_a"].endswith("Mataev")


def test_another_spellings_address_redirects_to_the_person(client: TestClient) -> None:
    row = client.get("/api/v1/cases", params={"name": "Bokayev"}).json()["cases"][0]
    other = next(v for v in row["variants"] if len(v.split()) == 2 and v != row["canonical"])
    from docket.resolve.fold import slug

    r = client.get(
        f"/persons/{slug(other)}", follow_redirects=False, headers={"accept": "text/html"}
    )
    if slug(other) != row["id"]:
        assert r.status_code == 301 and r.headers["location"] == f"/persons/{row['id']}"
    assert client.get(f"/api/v1/persons/{slug(other)}").json()["id"] == row["id"]


def test_cases_page_and_api_filter_and_count_honestly(client: TestClient) -> None:
    everyone = client.get("/api/v1/cases", params={"side": "any", "limit": 200}).json()
    targets = client.get("/api/v1/cases", params={"limit": 200}).json()
    assert targets["total"] < everyone["total"] and {c["side"] for c in targets["cases"]} == {
        "target"
    }
    page = client.get(
        "/cases", params={"side": "any", "facts": "any"}, headers={"accept": "text/html"}
    )
    assert page.status_code == 200 and f"of {everyone['total']}" in page.text
    single = client.get("/api/v1/cases", params={"max_publishers": 1, "limit": 200}).json()
    several = client.get("/api/v1/cases", params={"min_publishers": 2, "limit": 200}).json()
    assert single["total"] + several["total"] == targets["total"]
    r = client.get(
        "/api/v1/cases", params={"event": "sentenced", "from": "2024-01", "to": "2024-12"}
    ).json()
    assert r["total"] >= 1
    for bad in (
        {"from": "2025", "to": "2024"},
        {"from": "someday"},
        {"event": "arrest"},
        {"sort": "height"},
    ):
        r = client.get("/api/v1/cases", params=bad)
        assert r.status_code == 400 and r.json()["error"]["code"] == "E301", (bad, r.text)
        assert client.get("/cases", params=bad, headers={"accept": "text/html"}).status_code == 400


def test_diff_names_the_reports_it_compares(client: TestClient) -> None:
    d = client.get(
        "/api/v1/diff", params={"from": 2024, "to": 2025, "country": "Kazakhstan"}
    ).json()
    assert d["compared"]["from"] and d["compared"]["to"]
    assert all(x["period"] == 2024 for x in d["compared"]["from"]) and isinstance(
        d["warnings"], list
    )
    r = client.get("/api/v1/diff", params={"from": 2025, "to": 2024})
    assert r.status_code == 400 and r.json()["error"]["code"] == "E301"
    page = client.get(
        "/analytics", params={"from": 2024, "to": 2025}, headers={"accept": "text/html"}
    )
    assert page.status_code == 200 and "Compared:" in page.text


def test_not_a_person_through_the_api(seeded_template, tmp_path_factory) -> None:
    from tests.conftest import copy_of

    c = TestClient(
        create_app(Settings(db=str(copy_of(seeded_template, tmp_path_factory)), token=TOKEN))
    )
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "ana"}
    row = c.get("/api/v1/cases", params={"name": "Bokayev"}).json()["cases"][0]
    r = c.post("/api/v1/curation", json={"action": "not_person", "name_a": row["id"]}, headers=auth)
    assert r.status_code == 400 and "reason" in r.json()["error"]["message"]
    r = c.post(
        "/api/v1/curation",
        json={"action": "not_person", "name_a": row["id"], "why": "test"},
        headers=auth,
    )
    assert r.status_code == 201 and r.json()["entries"]
    assert c.get(f"/api/v1/persons/{row['id']}").status_code == 404
    assert all(
        x["id"] != row["id"]
        for x in c.get("/api/v1/cases", params={"side": "any", "limit": 200}).json()["cases"]
    )
    r = c.post(
        "/api/v1/curation",
        json={"action": "person", "name_a": row["canonical"], "why": "undo"},
        headers=auth,
    )
    assert r.status_code == 201 and c.get(f"/api/v1/persons/{row['id']}").status_code == 200


def test_reject_a_claim_everywhere_through_the_api(seeded_template, tmp_path_factory) -> None:
    from tests.conftest import copy_of

    c = TestClient(
        create_app(Settings(db=str(copy_of(seeded_template, tmp_path_factory)), token=TOKEN))
    )
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "ana"}
    row = c.get("/api/v1/cases", params={"name": "Mukhammedkarim"}).json()["cases"][0]
    case = c.get(f"/api/v1/persons/{row['id']}").json()
    fact = next(f for f in case["facts"] if f["corroboration"]["documents"] >= 2)
    body = {"person": row["id"], "fact": fact["id"], "why": "test"}
    assert c.post("/api/v1/facts/reject", json=body).status_code == 401
    assert (
        c.post(
            "/api/v1/facts/reject", json={**body, "fact": "fact-0000000000"}, headers=auth
        ).status_code
        == 400
    )
    r = c.post("/api/v1/facts/reject", json=body, headers=auth)
    assert (
        r.status_code == 201 and len(r.json()["rejected"]) == len(fact["statements"]) + 1
    )  # and the claim
    after = c.get(f"/api/v1/persons/{row['id']}").json()
    assert fact["id"] not in {f["id"] for f in after["facts"]}
    assert {s["key"] for s in fact["statements"]} <= {s["key"] for s in after["rejected"]}


def test_the_review_queue_on_the_api_and_the_web(client: TestClient) -> None:
    q = client.get("/api/v1/review-queue", params={"limit": 5}).json()
    assert q["total"] >= len(q["items"]) > 0 and all(
        i["reasons"] and i["fact"].startswith("fact-") for i in q["items"]
    )
    page = client.get("/review", headers={"accept": "text/html"})
    first = q["items"][0]
    assert page.status_code == 200 and f"/persons/{first['person']}#{first['fact']}" in page.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/paragraphs/abc:p²",
        "/api/v1/paragraphs/abc:p99999999999999999999",
        "/search?q=x&year=²",
        "/cases?year=²",
        "/cases.csv?year=²",
        "/search?q=x&year=99999999999999999999&section=a",
        "/cases?min_publishers=¹",
    ],
)
def test_cheap_input_is_a_4xx_not_a_5xx(client: TestClient, url: str) -> None:
    """Hardening (issue 18): numbers are ASCII digits within bounds on every surface."""
    r = client.get(url, headers={"accept": "text/html"})
    assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:200])


def test_a_lone_surrogate_in_a_json_body_is_a_422(client: TestClient) -> None:
    auth = {
        "Authorization": f"Bearer {TOKEN}",
        "X-Docket-User": "ana",
        "content-type": "application/json",
    }
    before = client.get("/api/v1/curation").json()
    for path, body in (
        (
            "/api/v1/curation",
            '{"action": "merge", "name_a": "Max \\ud800", "name_b": "Talgat Ayan"}',
        ),
        ("/api/v1/reviews", '{"statement": "x:1:2:y:3", "action": "verify", "why": "\\ud800"}'),
    ):
        r = client.post(path, content=body, headers=auth)
        assert r.status_code == 422, (path, r.status_code, r.text[:200])
    assert client.get("/api/v1/curation").json() == before


def test_a_body_is_capped_before_it_is_read(settings: Settings) -> None:
    """Hardening (issue 18): an anonymous upload is refused before its body is read; a body without a
    length, or longer than the route's cap, is refused with 411 / 413."""
    client = TestClient(create_app(settings))  # no session: an anonymous visitor
    chunks = (b"x" * 65536 for _ in range(64))  # 4 MB, streamed without a Content-Length
    r = client.post(
        "/ingest", content=chunks, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert r.status_code == 401
    r = client.post(
        "/api/v1/curation",
        content=(b"{" for _ in range(10)),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 411
    r = client.post(
        "/api/v1/curation",
        content=b"x" * (2 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413


def test_the_page_cache_is_bounded_by_bytes_and_ignores_junk_parameters() -> None:
    """Hardening (issue 18): distinct query strings cannot grow a process without bound."""
    from docket.web.pagecache import PageCache, _url

    cache = PageCache(size=1024, max_bytes=8 * 1024 * 1024)
    for i in range(2000):
        cache.put(("db", "state", f"/documents/x?z={i}"), b"x" * 300_000, "text/html")
    assert cache.bytes <= 8 * 1024 * 1024 and len(cache._pages) <= 1024
    cache.put(
        ("db", "state", "/documents/huge"), b"x" * (2 * 1024 * 1024), "text/html"
    )  # over an eighth
    assert cache.get(("db", "state", "/documents/huge")) is None
    same = {
        _url({"path": "/documents/abc", "query_string": f"z={i}&mark=1-2".encode()})
        for i in range(50)
    }
    assert same == {"/documents/abc?mark=1-2"}
    assert (
        _url({"path": "/search", "query_string": b"year=2024&q=x&junk=1"})
        == "/search?q=x&year=2024"
    )


def test_a_session_ends_with_logout_and_with_its_account(seeded_template, tmp_path_factory) -> None:
    """Hardening (issue 18): a replayed cookie after logout or after the account is removed is refused;
    a token login cannot take an account's name."""
    from docket.auth import hash_secret
    from docket.store import SQLiteStore
    from tests.conftest import copy_of

    db = copy_of(seeded_template, tmp_path_factory)
    store = SQLiteStore(db)
    store.set_curator("rita", hash_secret("correct horse battery"))
    store.close()
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN)))

    def login(name: str, secret: str) -> str:
        csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        r = c.post(
            "/login", data={"name": name, "token": secret, "csrf": csrf}, follow_redirects=False
        )
        return r.text if r.status_code != 303 else ""

    assert "belongs to a curator account" in login("rita", TOKEN)
    assert login("rita", "correct horse battery") == ""
    assert "curator: rita" in c.get("/").text
    cookie = dict(c.cookies)
    csrf = c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    replay = TestClient(create_app(Settings(db=str(db), token=TOKEN)), cookies=cookie)
    assert "curator: rita" not in replay.get("/").text
    assert login("rita", "correct horse battery") == ""
    cookie = dict(c.cookies)
    store = SQLiteStore(db)
    store.set_curator("rita", None)  # docket curator remove rita
    store.close()
    replay = TestClient(create_app(Settings(db=str(db), token=TOKEN)), cookies=cookie)
    assert "curator: rita" not in replay.get("/").text


def test_a_name_several_persons_share_shows_a_chooser_page(client: TestClient) -> None:
    """/persons/NAME with a name two persons share lists both, with their ids, and guesses neither;
    a name one person has leads to that person's address."""
    r = client.get("/persons/Mataev", follow_redirects=False)
    assert r.status_code == 409 and "names 2 persons" in r.text
    api = client.get("/api/v1/cases", params={"name": "Mataev"}).json()["cases"]
    ids = sorted(c["id"] for c in api)
    assert len(ids) == 2 and all(f'href="/persons/{i}"' in r.text for i in ids)
    for i in ids:
        assert client.get(f"/persons/{i}", follow_redirects=False).status_code == 200
    one = client.get("/persons/Bokayev", follow_redirects=False)
    assert one.status_code == 301 and one.headers["location"] == "/persons/maks-bokaev"
    assert client.get("/persons/nobody-of-that-name").status_code == 404


def test_search_widens_a_name_to_linked_spellings_with_a_toggle(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "Мухаммедкарим"}).json()
    assert r["linked_spellings"] and r["persons"] and r["hits"]
    assert (
        client.get("/api/v1/search", params={"q": "Мухаммедкарим", "exact": True}).json()["hits"]
        == []
    )
    page = client.get("/search", params={"q": "Мухаммедкарим"}).text
    assert (
        "Also searched the linked spellings" in page and "exact=1" in page and 'class="hit"' in page
    )
    exact = client.get("/search", params={"q": "Мухаммедкарим", "exact": "1"}).text
    assert "Searched only" in exact and 'class="hit"' not in exact


def test_the_search_page_shows_the_same_totals_as_the_api(client: TestClient) -> None:
    total = client.get("/api/v1/search", params={"q": "police"}).json()["total"]
    assert total["paragraphs"] > 20 and total["documents"] >= 1
    page = client.get("/search", params={"q": "police"}).text
    assert (
        f"<strong>{total['paragraphs']}</strong> paragraphs in <strong>{total['documents']}</strong>"
        in page
    )


def test_search_sorts_by_date_within_a_year_range_and_counts_each_filter_value(
    client: TestClient,
) -> None:
    years = sorted(y for y in {d["period"] for d in client.get("/api/v1/documents").json()} if y)
    params = {"q": "police", "year_from": years[1], "sort": "newest", "limit": 200}
    r = client.get("/api/v1/search", params=params).json()
    periods = [h["citation"]["period"] for h in r["hits"]]
    assert periods and periods == sorted(periods, reverse=True) and min(periods) >= years[1]
    assert r["sort"] == "newest" and not r["more"]
    assert r["total"]["paragraphs"] == len(r["hits"])  # the seeds repeat no passage
    counts = {v["value"]: v["paragraphs"] for v in r["facets"]["year"]}
    assert sum(n for y, n in counts.items() if int(y) >= years[1]) == r["total"]["paragraphs"]
    assert counts[str(years[0])] > 0  # a year outside the range still says what it holds
    page = client.get("/search", params={**params, "limit": None}).text
    assert f'<option value="{years[0]}">{years[0]} ({counts[str(years[0])]})</option>' in page
    assert f'name="year_from" value="{years[1]}"' in page
    assert '<option value="newest" selected>' in page
    last = client.get("/search", params={"q": "Mukhammedkarim"}).text
    assert "End of results." in last and "next →" not in last
    assert (
        client.get("/api/v1/search", params={"q": "x", "year_from": 2020, "year_to": 2010})
    ).status_code == 400
    assert client.get("/api/v1/search", params={"q": "x", "sort": "abc"}).status_code == 422


def test_a_reprinted_passage_is_one_hit_that_names_the_other_reports(seeded_db, tmp_path) -> None:
    import shutil

    from docket.pipeline import ingest_paths
    from docket.store import SQLiteStore
    from tests.conftest import SEEDS

    db = tmp_path / "reprint.db"
    shutil.copy(seeded_db, db)
    source = sorted(SEEDS.glob("*.txt"))[-1]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "reprint.txt").write_text(
        source.read_text("utf-8") + "\n\nA reprint.\n", "utf-8"
    )
    store = SQLiteStore(db)
    ingest_paths(store, [tmp_path / "in"])
    store.close()
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN, data_dir=tmp_path / "data")))
    word = re.findall(r"[A-Z][a-z]{5,}", source.read_text("utf-8"))[0]
    r = c.get("/api/v1/search", params={"q": word, "limit": 200}).json()
    folded = [h for h in r["hits"] if h["also"]]
    assert folded and r["folded"] == sum(len(h["also"]) for h in r["hits"])
    assert len(r["hits"]) + r["folded"] == r["total"]["paragraphs"]
    every = c.get("/api/v1/search", params={"q": word, "limit": 200, "fold": False}).json()
    assert len(every["hits"]) == r["total"]["paragraphs"] and not any(
        h["also"] for h in every["hits"]
    )
    page = c.get("/search", params={"q": word}).text
    assert "The same text is also in 1 other report" in page and "repeated passage" in page
    assert f'href="/documents/{folded[0]["also"][0]["document_id"]}' in page


def test_reader_headings_never_skip_a_level(seeded_db, tmp_path) -> None:
    """A report whose title section has no paragraph of its own once gave h1 then h3 (axe's
    heading-order); every reader page now steps down one level at a time."""
    import shutil

    from docket.pipeline import ingest_paths
    from docket.store import SQLiteStore

    db = tmp_path / "headings.db"
    shutil.copy(seeded_db, db)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "nested.html").write_text(
        "<html><body><h1>Kazakhstan: a report</h1><h2>Detentions</h2>"
        "<p>Police detained an activist in Almaty in March 2024.</p></body></html>",
        "utf-8",
    )
    store = SQLiteStore(db)
    ingest_paths(store, [tmp_path / "in"])
    store.close()
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN, data_dir=tmp_path / "data")))
    for d in c.get("/api/v1/documents").json():
        levels = [int(x) for x in re.findall(r"<h([1-6])", c.get(f"/documents/{d['id']}").text)]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), d


def test_an_upload_can_say_what_the_reports_are(seeded_db, tmp_path) -> None:
    settings = Settings(db=str(tmp_path / "meta.db"), token=TOKEN, data_dir=tmp_path / "data")
    import shutil

    shutil.copy(seeded_db, settings.db)
    c = TestClient(create_app(settings))
    csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    c.post("/login", data={"name": "ana", "token": TOKEN, "csrf": csrf})
    csrf = c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    note = b"A note\n\nOn 3 May 2019 the police in Bishkek detained the journalist Aigul Utepova.\n"
    about = {
        "publisher": "Example Monitor",
        "country": "Kyrgyzstan",
        "period": "2019",
        "title": "Monitor note",
    }
    r = c.post(
        "/ingest",
        files=[("files", ("note.txt", note, "text/plain"))],
        data={"csrf": csrf, "period": "20x9"},
    )
    assert r.status_code == 400 and not any(
        (tmp_path / "data").rglob("note.txt")
    )  # refused before any file is kept
    r = c.post(
        "/ingest", files=[("files", ("note.txt", note, "text/plain"))], data={"csrf": csrf, **about}
    )
    assert r.status_code == 200 and "added" in r.text
    [doc] = [d for d in c.get("/api/v1/documents").json() if d["file_name"] == "note.txt"]
    assert (doc["publisher"], doc["country"], doc["period"], doc["title"]) == (
        "Example Monitor",
        "Kyrgyzstan",
        2019,
        "Monitor note",
    )


def test_api_docs_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") for a in assets), assets  # nothing from another host
    for a in assets:
        assert client.get(a).status_code == 200, a


def test_the_case_file_offers_its_dossier_csv_json_and_citations(client: TestClient) -> None:
    import csv
    import io

    person = client.get("/api/v1/cases", params={"limit": 1}).json()["cases"][0]["id"]
    page = client.get(f"/persons/{person}").text
    for href in (
        f"/persons/{person}/dossier.md",
        f"/persons/{person}/statements.csv",
        f"/api/v1/persons/{person}",
    ):
        assert f'href="{href}"' in page, href
    dossier = client.get(f"/persons/{person}/dossier.md")
    assert (
        dossier.headers["content-type"].startswith("text/markdown")
        and "attachment" in dossier.headers["content-disposition"]
    )
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", dossier.text))
    defined = set(re.findall(r"^\[\^(\d+)\]:", dossier.text, flags=re.M))
    assert refs and refs == defined  # every footnote resolves
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/persons/{person}/statements.csv").text.lstrip("\ufeff"))
        )
    )
    case = client.get(f"/api/v1/persons/{person}").json()
    assert (
        len(rows) - 1 == sum(len(f["statements"]) for f in case["facts"])
        and rows[0][0] == "fact_id"
    )
    copies = re.findall(r'class="copy" data-copy="([^"]+)"', page)
    assert len(copies) == len(rows) - 1 and all(":p" in c and "“" in c for c in copies)


def test_the_people_box_obeys_the_filters_and_knows_cyrillic(client: TestClient) -> None:
    page = client.get("/search", params={"q": "Мухаммедкарим"}).text
    assert (
        '<section class="named">' in page
        and "Mukhammedkarim" in page.split('<section class="named">', 1)[1]
    )
    elsewhere = client.get("/search", params={"q": "Mukhammedkarim", "country": "Chad"}).text
    assert '<section class="named">' not in elsewhere
    here = client.get(
        "/search", params={"q": "Mukhammedkarim", "country": "Republic of Kazakhstan"}
    ).text
    assert '<section class="named">' in here
    years = [
        h["citation"]["period"]
        for h in client.get("/api/v1/search", params={"q": "Mukhammedkarim"}).json()["hits"]
    ]
    named = client.get("/search", params={"q": "Mukhammedkarim", "year_from": min(years)}).text
    assert '<section class="named">' in named
    later = client.get("/search", params={"q": "Mukhammedkarim", "year_from": 2090}).text
    assert '<section class="named">' not in later and 'class="hit"' not in later


def test_analytics_has_a_true_time_axis_a_per_report_view_and_its_numbers() -> None:
    from collections import Counter

    from docket.query.stats import Stats
    from docket.web.charts import topic_year_table

    st = Stats(
        topic_year_publisher=Counter(
            {("torture", 2006, "A"): 4, ("torture", 2010, "A"): 6, ("torture", 2010, "B"): 2}
        ),
        events_by_type=Counter(),
        events_by_type_year=Counter(),
        charges=Counter(),
    )
    span, rows = topic_year_table(st)
    assert span == [2006, 2007, 2008, 2009, 2010] and rows == [
        ("torture", [4, None, None, None, 8])
    ]
    _, per = topic_year_table(st, Counter({2006: 1, 2010: 2}))
    assert per == [("torture", [4.0, None, None, None, 4.0])]


def test_the_analytics_page_shows_the_numbers_under_the_plot(client: TestClient) -> None:
    page = client.get("/analytics").text
    assert "<summary>the numbers</summary>" in page and 'href="/analytics?per=report"' in page
    per = client.get("/analytics", params={"per": "report"}).text
    assert (
        "topics-by-year.svg?per=report" in per
        and client.get("/analytics/topics-by-year.svg", params={"per": "report"}).status_code == 200
    )


def test_every_plot_links_each_value_to_its_cases_and_has_its_numbers(client: TestClient) -> None:
    """Each bar or point of each plot opens the cases behind it, and each plot's numbers are in
    a table under it with the same links; a country filter narrows plots and tables alike."""
    from urllib.parse import parse_qs, urlsplit

    page = client.get("/analytics").text
    frames = re.findall(r'<iframe class="chart" src="([^"]+)"', page)
    assert len(frames) == 4 and page.count("<summary>the numbers</summary>") == 4
    for src in frames:
        r = client.get(src)
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
        links = re.findall(r'<a target="_top" xlink:href="([^"]+)"', r.text)
        assert links, src
        for href in links[:6]:
            href = href.replace("&amp;", "&")
            where = parse_qs(urlsplit(href).query)
            assert urlsplit(href).path == "/cases" and where, href
            cases = client.get(href)
            assert cases.status_code == 200, href
            for key, (value,) in where.items():  # the cases view keeps the value clicked
                assert f'name="{key}"' in cases.text and f'value="{value}"' in cases.text, href
            if "topic" not in where:  # an event or a status counted is a person's fact
                assert 'href="/persons/' in cases.text, href
    everywhere = client.get("/analytics/events-by-type.svg").text
    chad = client.get("/analytics", params={"country": "Chad"}).text
    assert 'src="/analytics/events-by-type.svg?country=Chad"' in chad
    assert (
        client.get("/analytics/events-by-type.svg", params={"country": "Chad"}).text != everywhere
    )
    kz = client.get("/analytics", params={"country": "Kazakhstan"}).text
    assert "country=Kazakhstan" in re.search(r'<td><a href="([^"]+)">', kz)[1]


def test_live_api_responses_validate_against_the_published_schema(seeded_copy) -> None:
    """Issue 20: one schema, true everywhere: each read endpoint's live response validates against
    the $defs the schema names for it, including a case file's curation and review logs (on a copy
    of the database: this test writes a review)."""
    defs = export_schema()["$defs"]
    client = TestClient(create_app(Settings(db=str(seeded_copy), token=TOKEN)))

    def check(name: str, value: object) -> None:
        jsonschema.validators.Draft202012Validator(
            {"$ref": f"#/$defs/{name}", "$defs": defs}
        ).validate(value)

    page = client.get("/api/v1/cases", params={"limit": 5}).json()
    check("cases_page", page)
    check("cases_page", client.get("/api/v1/persons", params={"limit": 3}).json())
    pid = page["cases"][0]["id"]
    head = {"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "schema-test"}
    case = client.get(f"/api/v1/persons/{pid}").json()
    key = case["facts"][0]["statements"][0]["key"]
    assert (
        client.post(
            "/api/v1/reviews",
            json={"statement": key, "action": "verify", "why": "read it"},
            headers=head,
        ).status_code
        == 201
    )
    case = client.get(f"/api/v1/persons/{pid}").json()
    assert case["reviews"]
    check("case", case)
    search = client.get("/api/v1/search", params={"q": "journalist", "limit": 3}).json()
    check("search_page", search)
    check(
        "paragraph",
        client.get(f"/api/v1/paragraphs/{search['hits'][0]['citation']['paragraph_id']}").json(),
    )
    for d in client.get("/api/v1/documents").json():
        check("document", d)
    for e in client.get("/api/v1/curation").json():
        check("curation_entry", e)
    for r in client.get("/api/v1/reviews").json():
        check("review", r)

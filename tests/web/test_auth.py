"""Credentials (issue 9): curator passwords and the server token are stored only as Argon2id hashes;
every write needs them; sessions use safe cookie flags."""

from __future__ import annotations

import base64
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from docket.cli import app as cli
from docket.web import create_app
from docket.web.settings import Settings
from tests.web.conftest import TOKEN

PASSWORD = "correct horse battery"


@pytest.fixture
def db(seeded_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "auth.db"
    shutil.copyfile(seeded_db, copy)
    con = sqlite3.connect(copy)  # the package's database holds other tests' failed logins
    con.execute("DELETE FROM auth_failures")
    con.commit()
    con.close()
    return copy


def _csrf(c: TestClient) -> str:
    return c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_the_token_is_kept_only_as_an_argon2_hash() -> None:
    s = Settings(db="x.db", token=TOKEN)
    assert s.token is None and s.token_hash.startswith("$argon2id$") and TOKEN not in repr(s)
    assert Settings(db="x.db", token=TOKEN).token_hash != s.token_hash  # salted


def test_curator_accounts_store_a_hash_and_log_in(db: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        cli, ["curator", "add", "Alice", "--db", str(db), "--password-stdin"], input="short\n"
    )
    assert r.exit_code == 2 and "at least" in r.output
    r = runner.invoke(
        cli, ["curator", "add", "Alice", "--db", str(db), "--password-stdin"], input=PASSWORD + "\n"
    )
    assert r.exit_code == 0, r.output
    assert "Alice" in runner.invoke(cli, ["curator", "list", "--db", str(db)]).output
    stored = sqlite3.connect(db).execute("SELECT password_hash FROM curators").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored

    c = TestClient(
        create_app(Settings(db=str(db)))
    )  # no server token: the account alone enables curation
    assert "password or token" in c.get("/login").text
    r = c.post("/login", data={"name": "Alice", "token": "wrong password", "csrf": _csrf(c)})
    assert "wrong token" in r.text
    r = c.post(
        "/login",
        data={"name": "alice", "token": PASSWORD, "csrf": _csrf(c)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie

    body = {
        "action": "split",
        "name_a": "Max Bokayev",
        "name_b": "Talgat Ayan",
        "why": "basic auth",
    }
    good = base64.b64encode(f"Alice:{PASSWORD}".encode()).decode()
    bad = base64.b64encode(b"Alice:guess").decode()
    assert (
        c.post("/api/v1/curation", json=body, headers={"Authorization": f"Basic {bad}"}).status_code
        == 401
    )
    assert (
        c.post(
            "/api/v1/curation", json=body, headers={"Authorization": f"Bearer {PASSWORD}"}
        ).status_code
        == 401
    )
    assert (
        c.post("/api/v1/curation", json=body, headers={"Authorization": "Basic %%%"}).status_code
        == 401
    )
    r = c.post("/api/v1/curation", json=body, headers={"Authorization": f"Basic {good}"})
    assert r.status_code == 201 and r.json()["who"] == "Alice"

    assert runner.invoke(cli, ["curator", "remove", "Alice", "--db", str(db)]).exit_code == 0
    fresh = TestClient(create_app(Settings(db=str(db))))
    assert "Curation is disabled" in fresh.get("/login").text
    assert (
        fresh.post(
            "/api/v1/curation", json=body, headers={"Authorization": f"Basic {good}"}
        ).status_code
        == 403
    )


def test_secure_cookie_flag_when_asked(db: Path) -> None:
    c = TestClient(
        create_app(Settings(db=str(db), token=TOKEN, secure_cookies=True)),
        base_url="https://testserver",
    )
    r = c.post(
        "/login", data={"name": "ana", "token": TOKEN, "csrf": _csrf(c)}, follow_redirects=False
    )
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


def test_readers_get_no_session_cookie_until_a_form_needs_one(db: Path) -> None:
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    person = "/persons/" + c.get("/api/v1/cases?limit=1").json()["cases"][0]["id"]
    for url in ("/", "/search?q=torture", person, "/cases", "/documents", "/analytics"):
        r = c.get(url)
        assert r.status_code == 200 and "set-cookie" not in r.headers, url
    r = c.get("/login")  # a form: its CSRF token lives in the session
    token = r.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert len(token) > 20 and "httponly" in r.headers["set-cookie"].lower()
    r = c.post(
        "/login", data={"name": "ana", "token": TOKEN, "csrf": token}, follow_redirects=False
    )
    assert r.status_code == 303
    page = c.get(
        "/search?q=torture"
    ).text  # the curator's log-out form, with a token rotated at login
    assert 'name="csrf" value="' in page and 'name="csrf" value="' + token not in page


def test_the_token_cannot_sign_as_a_curator_account(db: Path) -> None:
    """Hardening (issue 18): X-Docket-User with the server token cannot take an account's name."""
    from docket.auth import hash_secret
    from docket.store import SQLiteStore

    store = SQLiteStore(db)
    store.set_curator("Bea", hash_secret("a long enough password"))
    store.close()
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    body = {"action": "merge", "name_a": "Nobody Atall", "name_b": "Max Bokayev"}
    r = c.post(
        "/api/v1/curation",
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}", "X-Docket-User": "Bea"},
    )
    assert r.status_code == 403 and "curator account" in r.json()["error"]["message"]


def _basic(name: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def test_the_login_form_is_throttled(db: Path) -> None:
    c = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    csrf = _csrf(c)
    codes = [
        c.post("/login", data={"name": "x", "token": f"guess{i}", "csrf": csrf}).status_code
        for i in range(7)
    ]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_every_login_path_counts_the_same_failures_in_every_process(db: Path) -> None:
    """Two server processes (two apps, each with its own memory, over one database): failures on
    the form, Basic and Bearer add up, and the right token is then refused until the window ends."""
    one = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    two = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    body = {
        "action": "split",
        "name_a": "Max Bokayev",
        "name_b": "Talgat Ayan",
        "why": "throttle test",
    }
    for i in range(2):
        assert (
            one.post(
                "/login", data={"name": "ana", "token": f"g{i}", "csrf": _csrf(one)}
            ).status_code
            == 200
        )
        assert (
            two.post("/api/v1/curation", json=body, headers=_basic("bob", f"g{i}")).status_code
            == 401
        )
    assert (
        one.post(
            "/api/v1/curation", json=body, headers={"Authorization": "Bearer guess"}
        ).status_code
        == 401
    )
    r = two.post("/api/v1/curation", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert (
        one.post("/login", data={"name": "ana", "token": TOKEN, "csrf": _csrf(one)}).status_code
        == 429
    )
    other = TestClient(create_app(Settings(db=str(db), token=TOKEN)), client=("10.0.0.9", 4000))
    assert (
        other.post(
            "/api/v1/curation",
            json=body,  # another client is not held back by this one's failures
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).status_code
        == 201
    )


def test_an_account_is_throttled_from_every_client(db: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            cli,
            ["curator", "add", "Alice", "--db", str(db), "--password-stdin"],
            input=PASSWORD + "\n",
        ).exit_code
        == 0
    )
    body = {
        "action": "split",
        "name_a": "Max Bokayev",
        "name_b": "Talgat Ayan",
        "why": "throttle test",
    }

    def client(n: int) -> TestClient:
        return TestClient(create_app(Settings(db=str(db))), client=(f"10.0.0.{n}", 4000))

    assert [
        client(n).post("/api/v1/curation", json=body, headers=_basic("alice", "guess")).status_code
        for n in range(5)
    ] == [401] * 5
    assert (
        client(7).post("/api/v1/curation", json=body, headers=_basic("Alice", PASSWORD)).status_code
        == 429
    )
    assert (
        client(8).post("/api/v1/curation", json=body, headers=_basic("Bob", "guess")).status_code
        == 401
    )


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(db: Path) -> None:
    """Rotating X-Forwarded-For once dodged the throttle (uvicorn trusted it from loopback). Each
    attempt names another account, so only the client's own count can stop it."""
    import httpx

    from tests.web.conftest import docket_serve

    def attempts(*flags: str) -> list[int]:
        with docket_serve(db, "--workers", "2", *flags, token=TOKEN) as base:
            body = {
                "action": "split",
                "name_a": "Max Bokayev",
                "name_b": "Talgat Ayan",
                "why": "throttle test",
            }
            codes = []
            for i in range(7):  # a fresh connection each time: the two processes take turns
                headers = {
                    **_basic(f"user{i}{flags}", "guess"),
                    "X-Forwarded-For": f"203.0.113.{i}",
                }
                codes.append(
                    httpx.post(
                        f"{base}/api/v1/curation", json=body, timeout=30, headers=headers
                    ).status_code
                )
            return codes

    assert attempts() == [401] * 5 + [429, 429]
    # behind a configured proxy the header names the client: seven clients, one failure each
    assert attempts("--forwarded-allow-ips", "127.0.0.1") == [401] * 7


def test_login_returns_to_the_page_it_came_from_and_only_to_this_site(db: Path) -> None:
    from docket.web.pages import safe_next

    c = TestClient(create_app(Settings(db=str(db), token=TOKEN)))
    page = c.get("/cases", params={"country": "Kazakhstan"}).text
    assert 'href="/login?next=%2Fcases%3Fcountry%3DKazakhstan"' in page
    form = c.get("/login", params={"next": "/cases?country=Kazakhstan"}).text
    assert 'name="next" value="/cases?country=Kazakhstan"' in form
    r = c.post(
        "/login",
        data={"name": "ana", "token": TOKEN, "csrf": _csrf(c), "next": "/cases?country=Kazakhstan"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/cases?country=Kazakhstan"
    for hostile in (
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/login",
        "/a\r\nSet-Cookie: x=1",
        "",
    ):
        assert safe_next(hostile) == "/", hostile

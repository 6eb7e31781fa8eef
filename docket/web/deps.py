"""Dependencies shared by the API and the pages: the store per request, cached persons, auth, CSRF."""

from __future__ import annotations

import base64
import contextlib
import gc
import hmac
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from docket.auth import verify_secret
from docket.errors import DocketError
from docket.export.serialize import Citer, SharedPlaces
from docket.models import DocumentSummary
from docket.query.cases import CaseFile, case_file
from docket.query.people import PeopleCache, PersonRecord
from docket.store import open_store
from docket.store.base import AccountStore, Store
from docket.store.pool import StorePool
from docket.web.settings import Settings

T = TypeVar("T")


def settle_heap() -> None:
    """Move every object alive now out of reach of Python's full garbage collections.

    The linked persons of a large database are about half a million long-lived objects, and
    each full collection walked all of them: 200-300 ms during which the process answered no
    request, 14 times in 35 s of load (bench/RESULTS.md, load). Frozen (``gc.freeze``), they
    are skipped by later collections; they are still freed by reference counting when the next
    relinking replaces them, and unfrozen here first so that any cycles among them are collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


_people = PeopleCache(on_refresh=settle_heap)


class StateCache:
    """Values computed once per database state (facets, name indexes): recomputed after any ingest
    or curation, shared by all requests in between."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], tuple[str, object]] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, settings: Settings, name: str, compute: Callable[[], T]) -> T:
        """The cached value of ``name`` for this database state, computing it when stale."""
        state = store.state()
        with self._lock:
            hit = self._values.get((settings.db, name))
            if hit and hit[0] == state:
                return hit[1]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._values[(settings.db, name)] = (state, value)
        return value


cache = StateCache()


async def get_settings(request: Request) -> Settings:
    """The application's settings (a coroutine, so that FastAPI calls it on the event loop instead of
    handing it to a worker thread: each such hand-over costs a page about as much as a query)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


store_pool = StorePool()  # one per server process


async def get_store(settings: SettingsDep) -> AsyncIterator[Store]:
    """The store for this request: a pooled SQLite connection (see :class:`StorePool`). A
    PostgreSQL store is opened per request, so a dropped server connection costs one request.

    A coroutine: taking and returning an idle connection is a lock and a list operation, done on
    the event loop; only opening or closing one (pragmas and the schema check, or a network round
    trip) goes to a worker thread. As a plain generator, FastAPI ran its setup and its teardown
    in worker threads: two more thread hand-overs per request than the route's own.
    """
    store = store_pool.take_idle(settings.db)
    if store is None:
        store = await run_in_threadpool(store_pool.open, settings.db)
    try:
        with store.steady():  # one state for the request's caches (see SQLiteStore.steady)
            yield store
    finally:
        to_close = store_pool.give_back(settings.db, store)
        if to_close:
            await run_in_threadpool(_close_all, to_close)


def _close_all(stores: list[Store]) -> None:
    for store in stores:
        store.close()


StoreDep = Annotated[Store, Depends(get_store)]


def warm_up(settings: Settings) -> None:
    """Link every person of the database now, so that the first visitor does not wait for it
    (seconds on a large database); run by the server at start-up in a background thread."""
    try:
        with contextlib.closing(open_store(settings.db)) as store:
            persons(store, settings)
    except Exception as exc:
        logging.getLogger("docket.web").warning("warming the person cache failed: %s", exc)


def persons(store: Store, settings: Settings) -> list[PersonRecord]:
    """Every person in the database, linked once per database state."""
    return _people.get(store, settings.db)


def document_list(store: Store, settings: Settings) -> list[DocumentSummary]:
    """Every document's summary, read once per database state (search facets count by them)."""
    return cache.get(store, settings, "documents", store.list_documents)


def citer_for(store: Store, settings: Settings) -> Citer:
    """A citer for this request whose paragraph places are shared by all requests until the
    database changes (loading a cited document's places had been a fifth of a case file page)."""
    return Citer(store, shared=cache.get(store, settings, "places", SharedPlaces))


class AmbiguousPerson(HTTPException):
    """A name that several persons share (409); pages show the candidates to choose from."""

    def __init__(self, status_code: int, detail: str, *, matches: tuple[PersonRecord, ...]) -> None:
        super().__init__(status_code, detail)
        self.matches = matches


def person_record(store: Store, settings: Settings, person_id: str) -> PersonRecord:
    """The person of an id (or of a full name's slug); 404 when nobody, 409 listing the
    candidates' ids when several persons share that name."""
    found = _people.lookup(store, person_id, settings.db)
    if not found.matches:
        raise HTTPException(404, f"no person with id {person_id!r}")
    if found.ambiguous:
        from docket.query.curation import candidates_text

        raise AmbiguousPerson(
            409,
            f"{person_id!r} names {len(found.matches)} persons: "
            f"{candidates_text(found.matches)}. Open /persons/ID with one of the ids.",
            matches=found.matches,
        )
    assert found.person is not None
    return found.person


def person_case(store: Store, settings: Settings, person_id: str) -> CaseFile:
    """The case file of a person id, or 404 / 409 (see :func:`person_record`)."""
    return case_file(person_record(store, settings, person_id))


def token_ok(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the server's curation token (checked against its Argon2 hash)."""
    return bool(settings.token_hash) and verify_secret(settings.token_hash, given)


def curation_enabled(settings: Settings, store: AccountStore) -> bool:
    """Whether anyone can log in to curate: a server token is set or a curator account exists."""
    return bool(settings.token_hash) or bool(store.curators())


def require_bearer(request: Request, settings: SettingsDep, store: StoreDep) -> str:
    """API writes: ``Authorization: Bearer TOKEN`` (the server token; the curator is ``X-Docket-User``
    or "api") or ``Authorization: Basic`` with a curator account's name and password."""
    if not curation_enabled(settings, store):
        raise HTTPException(
            403,
            "curation is disabled on this server (set DOCKET_TOKEN or add a curator "
            "with `docket curator add`)",
        )
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if (
        scheme.lower() == "bearer"
    ):  # per client only: a name-wide count would let anyone lock out the token
        throttled(request, store, None)
        if token_ok(settings, value.strip()):
            who = (request.headers.get("x-docket-user") or "api").strip()[:80] or "api"
            if (
                store.curator_hash(who) is not None
            ):  # the audit log's "who" is the account's holder only
                raise HTTPException(
                    403,
                    f"{who!r} is a curator account: authenticate as it with its password (Basic)",
                )
            return who
        failed_login(request, store, None)
    if scheme.lower() == "basic":
        try:
            name, _, password = (
                base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
            )
        except (ValueError, UnicodeDecodeError):
            name = password = ""
        throttled(request, store, name or None)
        account = store.curator_hash(name) if name else None
        if account is not None and verify_secret(account, password):
            return name[:80]
        failed_login(request, store, name or None)
    raise HTTPException(
        401,
        "a valid bearer token or curator login is required",
        headers={"WWW-Authenticate": 'Bearer, Basic realm="docket"'},
    )


def curator_of(request: Request) -> str | None:
    """The logged-in curator of a page request, if any: the session cookie names them, and the
    server's session table says the session is still open (logout, removing the account or
    changing its password end it; a replayed cookie is then refused). Asked once per request."""
    if "curator" in request.state._state:
        return request.state.curator
    name, sid = request.session.get("curator"), request.session.get("sid")
    who = None
    if name and sid:
        settings = request.app.state.settings
        store = store_pool.take(settings.db)
        try:
            who = name if store.session_curator(sid) == name else None
        finally:
            for s in store_pool.give_back(settings.db, store):
                s.close()
    request.state.curator = who
    return who


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(24)
    return request.session["csrf"]


def check_csrf(request: Request, given: str | None) -> None:
    """Refuse a form post whose CSRF token does not match the session's."""
    expected = request.session.get("csrf")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise HTTPException(
            403, "the form has expired or did not come from this site; reload the page and retry"
        )


class AuthThrottle:
    """At most ``attempts`` failed logins per client address, and per account name, in ``window``
    seconds, on every authentication path (the login form, Basic and Bearer on the API).

    The failures are kept in the database, so every server process counts the same ones (a
    per-process count let three processes take three times the attempts); where the database
    cannot be written, this process counts them. The check comes before the password is
    verified, so a throttled client costs no Argon2 work.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts, self.window = attempts, window
        self._local: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(client: str, account: str | None) -> list[str]:
        """The counters a failure of ``account`` from ``client`` goes to."""
        return [
            f"client:{client}",
            *([f"account:{account.strip().lower()[:80]}"] if account else []),
        ]

    def blocked(self, store: AccountStore, client: str, account: str | None) -> bool:
        """Whether this client, or this account, has failed too often recently."""
        keys, now = self.keys(client, account), time.time()
        try:
            shared = store.auth_failures(keys, now - self.window)
        except DocketError:
            shared = 0
        with self._lock:
            local = max(
                (sum(now - t < self.window for t in self._local.get(k, [])) for k in keys),
                default=0,
            )
        return max(shared, local) >= self.attempts

    def failed(self, store: AccountStore, client: str, account: str | None) -> None:
        """Record a failed attempt."""
        keys, now = self.keys(client, account), time.time()
        try:
            store.record_auth_failure(keys, now, self.window)
            return
        except DocketError:  # a read-only database: count here
            pass
        with self._lock:
            for k in keys:
                self._local[k] = [t for t in self._local.get(k, []) if now - t < self.window] + [
                    now
                ]


def client_address(request: Request) -> str:
    """The client's address as the server sees it (a proxy's X-Forwarded-For counts only where
    ``docket serve --forwarded-allow-ips`` trusts that proxy)."""
    return request.client.host if request.client else "?"


def throttled(request: Request, store: Store, account: str | None) -> None:
    """Refuse (429) a login attempt from a client or for an account that failed too often."""
    if request.app.state.auth_throttle.blocked(store, client_address(request), account):
        raise HTTPException(
            429,
            "too many failed logins from this address or for this account; wait a few minutes",
            headers={"Retry-After": str(int(request.app.state.auth_throttle.window))},
        )


def failed_login(request: Request, store: Store, account: str | None) -> None:
    """Count a failed login attempt."""
    request.app.state.auth_throttle.failed(store, client_address(request), account)

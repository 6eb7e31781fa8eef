"""Pages for visitors who are not logged in, rendered once per database state and URL.

A page an anonymous visitor sees is a function of the database and the URL alone (curation
forms and CSRF tokens appear only for logged-in curators, who always get a fresh page), so
it is rendered once per database state: any ingest, curation or review changes the state
(:meth:`Store.state`) and with it every key. Routes opt in with :func:`cached_page`; a
rendered page is kept on its way out. :class:`PageCacheFront`, an ASGI middleware inside the
session middleware, answers repeated requests from the cache on the event loop, before a
worker thread and a database connection are taken for the route (it reads the state on one
connection it keeps). At most ``DOCKET_PAGE_CACHE`` pages (default 1,024) and
``DOCKET_PAGE_CACHE_MB`` megabytes (default 64; a page over an eighth of that is not kept) are
kept, least recently used dropped first; ``DOCKET_PAGE_CACHE=0`` renders every page. The key
holds only the query parameters the page reads, sorted.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from docket.store import open_store
from docket.store.base import Store
from docket.web.settings import Settings

CACHED_PREFIXES = ("/search", "/persons/", "/documents/")


class PageCache:
    """Rendered pages by (database, database state, URL); see the module docstring."""

    def __init__(self, size: int = 1024, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._pages: OrderedDict[tuple[str, str, str], tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> tuple[bytes, str] | None:
        """A kept page (body, media type), or None."""
        with self._lock:
            hit = self._pages.get(key)
            if hit is not None:
                self._pages.move_to_end(key)
            return hit

    def put(self, key: tuple[str, str, str], body: bytes, media_type: str) -> None:
        """Keep a page, dropping the least recently used beyond the size."""
        if len(body) > self.max_bytes // 8:
            return  # one huge page (a whole long report) would push out many small ones
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.bytes -= len(old[0])
            self._pages[key] = (body, media_type)
            self.bytes += len(body)
            while len(self._pages) > self.size or self.bytes > self.max_bytes:
                _, (dropped, _) = self._pages.popitem(last=False)
                self.bytes -= len(dropped)

    def get_or_render(
        self, request: Request, store: Store, settings: Settings, render: Callable[[], Response]
    ) -> Response:
        """The kept page for this request, or ``render()``'s (kept when it is a 200 page)."""
        if self.size <= 0 or request.method != "GET" or request.session.get("curator"):
            return render()
        key = (settings.db, store.state(), _url(request.scope))
        hit = self.get(key)
        if hit is not None:
            return Response(hit[0], media_type=hit[1])
        response = render()
        body = getattr(response, "body", None)
        if response.status_code == 200 and isinstance(body, bytes):
            self.put(key, body, response.media_type or "text/html")
        return response


page_cache = PageCache(
    int(os.environ.get("DOCKET_PAGE_CACHE", "1024")),
    int(os.environ.get("DOCKET_PAGE_CACHE_MB", "64")) * 1024 * 1024,
)

# The query parameters each cached page reads: any other one cannot change the page, so it is left
# out of the key (junk parameters would otherwise make every request a new entry).
_KNOWN = {
    "/search": (
        "q",
        "publisher",
        "country",
        "year",
        "year_from",
        "year_to",
        "section",
        "topic",
        "sort",
        "page",
        "exact",
    ),
    "/": (),
    "/documents/": ("mark",),
    "/persons/": (),
}


def _url(scope: Scope) -> str:
    from urllib.parse import parse_qsl, urlencode

    path = scope["path"]
    known = next(
        (
            v
            for k, v in _KNOWN.items()
            if path == k or (k.endswith("/") and k != "/" and path.startswith(k))
        ),
        _KNOWN["/search"] if path in ("/", "/search") else (),
    )
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return path + "?" + urlencode(sorted((k, v) for k, v in pairs if k in known))


def cached_page(endpoint: Callable[..., Response]) -> Callable[..., Response]:
    """Serve a page route through :data:`page_cache`; the route takes ``request``, ``store`` and
    ``settings`` (FastAPI reads the wrapped signature, so its parameters are unchanged)."""

    @functools.wraps(endpoint)
    def wrapper(**kwargs: Any) -> Response:
        return page_cache.get_or_render(
            kwargs["request"], kwargs["store"], kwargs["settings"], lambda: endpoint(**kwargs)
        )

    return wrapper


class PageCacheFront:
    """Answers GET requests for kept pages before routing (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self._store: Store | None = None

    def _state(self) -> str | None:
        try:
            if self._store is None:
                self._store = open_store(self.settings.db)
            return self._store.state()
        except Exception:
            self._store = None
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and page_cache.size > 0
            and scope["path"].startswith(CACHED_PREFIXES)
            and not scope.get("session", {}).get("curator")
        ):
            state = self._state()
            hit = page_cache.get((self.settings.db, state, _url(scope))) if state else None
            if hit is not None:
                body, media = hit
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (
                                b"content-type",
                                (
                                    media + "; charset=utf-8"
                                    if media.startswith("text/")
                                    else media
                                ).encode(),
                            ),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

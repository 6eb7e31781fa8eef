"""The web application: a JSON API under ``/api/v1`` and server-rendered pages (FastAPI + Jinja2).

Report text is untrusted: templates autoescape everything, responses carry a strict
Content-Security-Policy, and nothing from a request reaches the filesystem except uploads,
which are written under the data folder with sanitised names.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docket import __version__
from docket.errors import DocketError, StoreError
from docket.web.deps import AuthThrottle, warm_up
from docket.web.pagecache import PageCacheFront
from docket.web.render import VersionedStatic, page_environment, select
from docket.web.settings import Settings

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response (a default CSP that a
    response may override, e.g. the SVG charts)."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(h for h in self.HEADERS if h[0] not in names)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """Pure ASGI middleware answering HEAD as GET without the body: FastAPI's routes declare GET
    only and said 405 to HEAD, which link checkers, reference managers and uptime monitors send."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class BodyLimit:
    """Pure ASGI middleware capping what a request may send before any of it is read.

    A body needs a ``Content-Length`` (411 otherwise) no larger than the route's cap (413): the
    upload form gets the upload limit times the files per upload, everything else 1 MB. Uploads
    are refused (401) before their body is read unless the session is a curator's, because
    Starlette would otherwise spool the whole multipart body to disk first. It sits inside the
    session middleware, which it reads.
    """

    SMALL = 1024 * 1024

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        from docket.web.upload import MAX_FILES

        upload = scope["path"] == "/ingest"
        cap = self.settings.max_upload_bytes * MAX_FILES + self.SMALL if upload else self.SMALL
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        problem = None
        if upload and not (scope.get("session") or {}).get("curator"):
            problem = (401, "log in with the curation token to ingest reports")
        elif length is None and headers.get(b"transfer-encoding"):
            problem = (411, "a request body needs a Content-Length")
        elif length is not None and (not length.isdigit() or int(length) > cap):
            problem = (413, f"the request body is larger than {cap // (1024 * 1024)} MB")
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        if scope["path"].startswith("/api/"):
            body: Response = JSONResponse(
                {"error": {"status": status, "code": None, "message": message}}, status_code=status
            )
        else:  # a browser's form: a short page (the templates need a request the body was not read for)
            body = Response(
                f"{status}: {message}\n", status_code=status, media_type="text/plain; charset=utf-8"
            )
        await body(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for one database (``Settings.from_env()`` when none is given)."""
    from docket.web import api, pages, upload

    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Page routes are synchronous and hold the GIL while they render: two threads per process
        # (one may wait on a lock while the other renders) serve more requests per second, with
        # shorter tails, than anyio's default forty contending for it (bench/RESULTS.md, load).
        anyio.to_thread.current_default_thread_limiter().total_tokens = int(
            os.environ.get("DOCKET_THREADS", "2")
        )
        if os.environ.get("DOCKET_WARM_UP", "1") != "0":
            threading.Thread(
                target=warm_up, args=(settings,), name="docket-warm-up", daemon=True
            ).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="docket",
        version=__version__,
        docs_url=None,
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
        description="Human-rights reports as a cited case database.",
    )
    app.state.settings = settings
    app.state.auth_throttle = AuthThrottle()
    folder = Path(str(resources.files("docket.web")))
    app.state.templates = Jinja2Templates(env=page_environment(folder / "templates"))
    app.state.templates.env.globals["version"] = __version__
    app.state.templates.env.globals["select"] = select
    static = VersionedStatic(folder / "static")
    app.state.templates.env.globals["static_url"] = static.url
    app.add_middleware(
        PageCacheFront, settings=settings
    )  # inside the session middleware: it reads the session
    app.add_middleware(BodyLimit, settings=settings)  # (it too)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret,
        session_cookie="docket_session",
        same_site="strict",
        https_only=settings.secure_cookies,
        max_age=8 * 3600,
    )
    app.mount("/static", static, name="static")
    # Swagger UI 5 (FastAPI's OpenAPI 3.1 needs it) from the copy the fastapi-offline package ships:
    # the API docs load nothing from elsewhere
    import fastapi_offline

    app.mount(
        "/api/docs/assets",
        StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"),
        name="api-docs-assets",
    )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        return app.state.templates.TemplateResponse(request, "api_docs.html", {})

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(upload.router)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
            "accept", ""
        )

    def error(request: Request, status: int, message: str, code: str | None = None) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": {"status": status, "code": code, "message": message}}, status_code=status
            )
        return app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "curator": None, "csrf": ""},
            status_code=status,
        )

    @app.exception_handler(DocketError)
    async def docket_error(request: Request, exc: DocketError) -> Response:
        status = (
            503 if isinstance(exc, StoreError) else 400
        )  # the server's storage, not the request, failed
        return error(
            request, status, exc.message + (f" ({exc.hint})" if exc.hint else ""), exc.code
        )

    @app.exception_handler(sqlite3.DatabaseError)
    async def damaged_database(request: Request, exc: sqlite3.DatabaseError) -> Response:
        # the server's storage failed, not the request: 503, as for any other store error
        return error(request, 503, f"the database cannot be read: {exc}", StoreError.code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = error(request, exc.status_code, str(exc.detail))
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        if wants_json(request):
            return JSONResponse(
                {
                    "error": {"status": 422, "code": None, "message": problems},
                    "detail": jsonable(exc.errors()),
                },
                status_code=422,
            )
        return error(request, 422, problems)

    return app


def jsonable(errors: object) -> object:
    """Validation errors with anything not JSON-serialisable turned into text (and text that is
    not valid Unicode, such as the lone surrogate a request was refused for, made valid)."""
    from fastapi.encoders import jsonable_encoder

    def valid(x: object) -> object:
        if isinstance(x, str):
            return x.encode("utf-8", "replace").decode("utf-8")
        if isinstance(x, list):
            return [valid(v) for v in x]
        if isinstance(x, dict):
            return {valid(k): valid(v) for k, v in x.items()}
        return x

    return valid(
        jsonable_encoder(
            errors, custom_encoder={Exception: str, bytes: lambda b: b.decode("utf-8", "replace")}
        )
    )

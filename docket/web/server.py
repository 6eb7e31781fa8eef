"""Serving details below the application: the HTTP protocol and event loop uvicorn runs for docket.

* **Parser.** uvicorn's httptools protocol (the C parser from Node.js's llhttp) when httptools
  is installed, as it is with docket: under load the pure-Python h11 parser costs more CPU
  than a cached page. h11 remains the fallback.
* **Event loop.** uvloop (libuv) when installed, else asyncio's own.
* **TCP_NODELAY.** With several worker processes uvicorn binds the listening socket itself
  without naming TCP as its protocol, and asyncio then leaves Nagle's algorithm on for accepted
  connections: each small response waits for the client's delayed ACK, about 40 ms (seen here:
  a static file at 226 req/s instead of 520 with 10 clients). Setting ``TCP_NODELAY`` on every
  connection, as asyncio does for sockets it creates, removes that floor.

Figures for each choice: ``bench/RESULTS.md`` (load).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def _no_delay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        # A transport that is not a TCP socket after all raises OSError.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with ``TCP_NODELAY`` set on each connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        _no_delay(transport)
        super().connection_made(transport)


if importlib.util.find_spec("httptools") is not None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with ``TCP_NODELAY`` set on each connection."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            _no_delay(transport)
            super().connection_made(transport)
else:  # pragma: no cover - docket depends on httptools; a trimmed install falls back to h11
    NoDelayHttpToolsProtocol = None  # type: ignore[assignment,misc]


def http_protocol(parser: str = "auto") -> type[asyncio.Protocol]:
    """The HTTP protocol class to serve with: ``"httptools"``, ``"h11"`` or ``"auto"`` (httptools if
    installed), each setting ``TCP_NODELAY`` on its connections. (Module-level classes: uvicorn
    pickles its settings for worker processes.)"""
    if parser == "h11" or (parser == "auto" and NoDelayHttpToolsProtocol is None):
        return NoDelayH11Protocol
    if NoDelayHttpToolsProtocol is None:
        raise ValueError(
            "httptools is not installed: pip install httptools, or serve with --http h11"
        )
    return NoDelayHttpToolsProtocol


def event_loop(name: str = "auto") -> str:
    """uvicorn's ``loop`` setting: ``"uvloop"`` when asked or, for ``"auto"``, when installed."""
    if name == "auto":
        return "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"
    return name

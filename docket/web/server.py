"""Serving details below the application: the HTTP protocol uvicorn runs for docket.

With several worker processes uvicorn binds the listening socket itself without naming TCP
as its protocol, and asyncio then leaves Nagle's algorithm on for accepted connections: each
small response waits for the client's delayed ACK, about 40 ms (seen here: a static file at
226 req/s instead of 520 with 10 clients). Setting ``TCP_NODELAY`` on every connection, as
asyncio does for sockets it creates, removes that floor.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with ``TCP_NODELAY`` set on each connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # pragma: no cover - a transport that is not a TCP socket after all
                pass
        super().connection_made(transport)

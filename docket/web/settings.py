"""One settings object for the web application, read from arguments and the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where the database is, who may curate, and the limits on uploads.

    ``token``: the curation token (``$DOCKET_TOKEN``), hashed with Argon2id on construction and then
    forgotten (``token_hash``; or give ``$DOCKET_TOKEN_HASH`` so the plain token never reaches the
    server). Curator accounts (``docket curator add``) log in with their own passwords. With no
    token and no account the site is read-only.
    ``secret``: signs session cookies (``$DOCKET_SECRET``; random per process by default, so a
    restart logs curators out). ``data_dir``: where uploads are kept, outside any served path.
    """

    db: str
    token: str | None = None  # plain text only until __post_init__ hashes it
    token_hash: str | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    data_dir: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_timeout_s: float = (
        300.0  # reading, or extracting, one uploaded file ($DOCKET_UPLOAD_TIMEOUT)
    )
    secure_cookies: bool = False

    def __post_init__(self) -> None:
        if self.token:
            from docket.auth import hash_secret

            object.__setattr__(self, "token_hash", hash_secret(self.token))
            object.__setattr__(self, "token", None)

    @classmethod
    def from_env(cls, db: str | None = None, **overrides: object) -> Settings:
        """Settings from ``$DOCKET_DB``, ``$DOCKET_TOKEN`` (or ``$DOCKET_TOKEN_HASH``), ``$DOCKET_SECRET``,
        ``$DOCKET_DATA``."""
        db = db or os.environ.get("DOCKET_DB") or "docket.db"
        values: dict[str, object] = {
            "db": db,
            "token": os.environ.get("DOCKET_TOKEN") or None,
            "secure_cookies": os.environ.get("DOCKET_SECURE_COOKIES") == "1",
        }
        if os.environ.get("DOCKET_TOKEN_HASH"):
            values["token_hash"] = os.environ["DOCKET_TOKEN_HASH"]
        if os.environ.get("DOCKET_SECRET"):
            values["secret"] = os.environ["DOCKET_SECRET"]
        if os.environ.get("DOCKET_UPLOAD_TIMEOUT"):
            values["upload_timeout_s"] = float(os.environ["DOCKET_UPLOAD_TIMEOUT"])
        if os.environ.get("DOCKET_DATA"):
            values["data_dir"] = Path(os.environ["DOCKET_DATA"])
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def uploads(self) -> Path:
        """The folder uploaded reports are written to before ingest."""
        base = self.data_dir or Path(self.db).resolve().parent / "docket-data"
        return base / "uploads"

"""One settings object for the web application, read from arguments and the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where the database is, who may curate, and the limits on uploads.

    ``token``: the curation token (``$DOCKET_TOKEN``); without one the site is read-only.
    ``secret``: signs session cookies (``$DOCKET_SECRET``; random per process by default, so a
    restart logs curators out). ``data_dir``: where uploads are kept, outside any served path.
    """

    db: str
    token: str | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    data_dir: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    secure_cookies: bool = False

    @classmethod
    def from_env(cls, db: str | None = None, **overrides: object) -> Settings:
        """Settings from ``$DOCKET_DB``, ``$DOCKET_TOKEN``, ``$DOCKET_SECRET``, ``$DOCKET_DATA``."""
        db = db or os.environ.get("DOCKET_DB") or "docket.db"
        values: dict[str, object] = {"db": db, "token": os.environ.get("DOCKET_TOKEN") or None,
                                     "secure_cookies": os.environ.get("DOCKET_SECURE_COOKIES") == "1"}
        if os.environ.get("DOCKET_SECRET"):
            values["secret"] = os.environ["DOCKET_SECRET"]
        if os.environ.get("DOCKET_DATA"):
            values["data_dir"] = Path(os.environ["DOCKET_DATA"])
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def uploads(self) -> Path:
        """The folder uploaded reports are written to before ingest."""
        base = self.data_dir or Path(self.db).resolve().parent / "docket-data"
        return base / "uploads"

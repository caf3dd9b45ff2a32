"""Server settings: where the data lives, which database, and the limits of PROTOCOL.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    push_mutations: int = 500
    push_bytes: int = 2 * MIB
    chunk_bytes: int = 4 * MIB
    blob_bytes: int = 20 * MIB
    other_body_bytes: int = 64 * 1024  # login and anything else that takes a body
    pull_page: int = 1000


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None = None  # None: SQLite file server.db in data_dir
    token_ttl_s: int = 30 * 24 * 3600
    login_window_s: int = 15 * 60
    login_max_per_user: int = 5
    login_max_per_address: int = 30
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None, **overrides) -> "Settings":
        """Settings for a data folder; GRIDWORKER_DATABASE_URL selects PostgreSQL."""
        folder = data_dir or os.environ.get("GRIDWORKER_SERVER_DATA")
        if not folder:
            raise ValueError("a data folder is needed (--data DIR or GRIDWORKER_SERVER_DATA)")
        url = overrides.pop("database_url", None) or os.environ.get("GRIDWORKER_DATABASE_URL") or None
        return cls(data_dir=Path(folder).resolve(), database_url=url, **overrides)

    @property
    def url(self) -> str:
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{self.data_dir / 'server.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3 (the driver we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url

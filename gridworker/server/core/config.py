"""Server settings: where the data lives, which database, and the limits of PROTOCOL.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.errors import GridWorkerError

MIB = 1024 * 1024
HOUR = 3600


@dataclass(frozen=True)
class BlobPolicy:
    """How much photo storage a user may hold that no photo record uses, and when it is collected.

    - unclaimed: whole blobs a user uploaded that no live photo record names;
    - unfinished: the user's uploads in progress (their part files);
    - min_free: below this much free disk space in the data folder, uploads get 507;
    - grace: a blob no live photo names is collected this long after it was uploaded
      (a device uploads the file right after pushing the record, so a day is plenty;
      a week leaves room for a record pushed late);
    - collect_every: how often `serve` collects (0: never; `gridworker-server blobs collect` still does).
    Set through GRIDWORKER_BLOB_* variables (Settings.from_env); the quotas are best kept at or above
    the largest photo (Limits.blob_bytes), or a photo that size can never be uploaded.
    """

    unclaimed_bytes: int = 256 * MIB
    unfinished_bytes: int = 128 * MIB
    min_free_bytes: int = 1024 * MIB
    grace_s: float = 7 * 24 * HOUR
    collect_every_s: float = 6 * HOUR

    ENV = {
        "GRIDWORKER_BLOB_QUOTA_UNCLAIMED_MB": ("unclaimed_bytes", MIB),
        "GRIDWORKER_BLOB_QUOTA_UNFINISHED_MB": ("unfinished_bytes", MIB),
        "GRIDWORKER_BLOB_MIN_FREE_MB": ("min_free_bytes", MIB),
        "GRIDWORKER_BLOB_GRACE_HOURS": ("grace_s", HOUR),
        "GRIDWORKER_BLOB_COLLECT_EVERY_HOURS": ("collect_every_s", HOUR),
    }

    @classmethod
    def from_env(cls) -> "BlobPolicy":
        values = {}
        for var, (name, unit) in cls.ENV.items():
            raw = os.environ.get(var, "").strip()
            if not raw:
                continue
            try:
                number = float(raw)
            except ValueError:
                number = -1.0
            if not (0 <= number < 1e9):
                raise GridWorkerError(f"环境变量 {var} 应为不小于 0 的数字", f"{var} must be a number, 0 or more")
            values[name] = int(number * unit) if name.endswith("_bytes") else number * unit
        return cls(**values)


@dataclass(frozen=True)
class Limits:
    push_mutations: int = 500
    push_bytes: int = 2 * MIB
    chunk_bytes: int = 4 * MIB
    blob_bytes: int = 20 * MIB
    other_body_bytes: int = 64 * 1024  # login and anything else that takes a body
    pull_page: int = 1000


@dataclass(frozen=True)
class WebLimits:
    """What members and residents may create through the participation API (docs/participation-api.md)."""

    window_s: int = 3600
    per_account: int = 60  # creations of any kind per account per window
    per_address: int = 300  # per client address per window
    signups_per_address: int = 50  # new accounts per address per window (a sign-up event at the centre shares one address)
    photos_per_account: int = 30
    photo_bytes: int = 8 * MIB
    verify_tries: int = 3  # wrong name + ID number before the account's verification locks
    verify_lock_s: int = 3600


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None = None  # None: SQLite file server.db in data_dir
    token_ttl_s: int = 30 * 24 * 3600
    # Failed sign-ins: the first `login_max_per_*` within the window cost nothing; after them each
    # attempt waits a delay that doubles from `login_delay_s` up to the cap of its key (auth.RateLimiter).
    login_window_s: int = 15 * 60
    login_max_per_user: int = 5
    login_max_per_address: int = 30
    login_delay_s: float = 1.0
    login_delay_max_user_s: float = 60.0
    login_delay_max_address_s: float = 15 * 60.0
    limits: Limits = field(default_factory=Limits)
    web: WebLimits = field(default_factory=WebLimits)
    blob_policy: BlobPolicy = field(default_factory=BlobPolicy)

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None, **overrides) -> "Settings":
        """Settings for a data folder; GRIDWORKER_DATABASE_URL selects PostgreSQL, GRIDWORKER_BLOB_* the BlobPolicy."""
        folder = data_dir or os.environ.get("GRIDWORKER_SERVER_DATA")
        if not folder:
            raise ValueError("a data folder is needed (--data DIR or GRIDWORKER_SERVER_DATA)")
        url = overrides.pop("database_url", None) or os.environ.get("GRIDWORKER_DATABASE_URL") or None
        overrides.setdefault("blob_policy", BlobPolicy.from_env())
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

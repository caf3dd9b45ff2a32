"""The local store: one SQLCipher-encrypted database per account."""

from typing import TYPE_CHECKING

from .accounts import Account, AccountManager, home_dir

if TYPE_CHECKING:
    from .database import Store

__all__ = ["Account", "AccountManager", "Store", "home_dir"]


def __getattr__(name: str):
    # The database (SQLAlchemy) loads when first asked for: `gridworker sync` with nothing to do and
    # `gridworker status` find the account and read it without it (gridworker.sync.probe).
    if name == "Store":
        from .database import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

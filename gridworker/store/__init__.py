"""The local store: one SQLCipher-encrypted database per account."""

from .accounts import Account, AccountManager, home_dir
from .database import Store

__all__ = ["Account", "AccountManager", "Store", "home_dir"]

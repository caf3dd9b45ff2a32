"""Imports every module that declares local tables, so the metadata is complete."""

from . import fieldwork, models, users  # noqa: F401
from ..sync import tables as sync_tables  # noqa: F401

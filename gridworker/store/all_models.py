"""Imports every module that declares local tables, so the metadata is complete."""

from ..domain import fieldwork, models, participation_records, placework, users  # noqa: F401
from . import sync_tables  # noqa: F401

"""The pages of the main window, listed in one place, in navigation order.

A page is a QWidget subclass in gridworker/ui/pages/<name>.py, constructed as
`Page(ctx, parent=None)`, with a class attribute `page_id` equal to <name>, a
`title()` (translated) and optionally `on_shown()`. Pages written by other
parts of the team are picked up as soon as their module exists.
"""

from __future__ import annotations

import logging
from importlib import import_module

from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

# Navigation order. "sync" is the sync panel (conflicts, rejected edits, photos waiting).
PAGE_IDS = ("register", "visits", "report", "incidents", "dashboard", "sync")


def page_classes() -> list[type[QWidget]]:
    """The page classes whose modules exist, in PAGE_IDS order. A module that fails to import is an error."""
    classes = []
    for page_id in PAGE_IDS:
        module_name = f"{__name__}.{page_id}"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # the page exists but something it imports does not
                raise
            log.info("page %s not present", page_id)
            continue
        classes.append(_page_class(module, page_id))
    return classes


def _page_class(module, page_id: str) -> type[QWidget]:
    found = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, QWidget) and obj.__module__ == module.__name__
        and getattr(obj, "page_id", None) == page_id
    ]  # fmt: skip
    if len(found) != 1:
        raise LookupError(f"{module.__name__} must define exactly one QWidget with page_id = {page_id!r}")
    return found[0]

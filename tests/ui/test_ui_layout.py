"""The UI's own layout rules (issue 13, part 6): one place for colours, one table set-up, pages imported by name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import gridworker.ui
from gridworker.ui import pages, style
from gridworker.ui.models.column import Column
from gridworker.ui.models.paged import PagedModel
from gridworker.ui.models.rows import RowsModel

UI = Path(gridworker.ui.__file__).parent
# Data palettes (incident status, urgency, chart series) and the window's style sheet keep their own colours.
OWN_PALETTES = {"style.py", "fieldwork/text.py", "fieldwork/charts.py"}
COLOUR_IN_STYLE = re.compile(r"(?<![-\w])colou?r\s*:\s*#[0-9a-fA-F]{3,6}\b")


def ui_sources() -> dict[str, str]:
    return {path.relative_to(UI).as_posix(): path.read_text("utf-8") for path in UI.rglob("*.py")}


def test_text_colours_in_style_sheets_come_from_style_py():
    found = [
        f"{name}: {match.group(0)}"
        for name, text in ui_sources().items()
        if name not in OWN_PALETTES
        for match in COLOUR_IN_STYLE.finditer(text)
    ]
    assert found == []


def test_one_error_colour_and_one_error_label(qapp):
    label = style.error_label()
    assert style.ERROR in label.styleSheet() and label.wordWrap() and label.isHidden()
    for name, text in ui_sources().items():
        if name != "style.py":
            assert "ERROR_STYLE =" not in text and "def error_label" not in text, name


def test_tables_are_set_up_in_one_place():
    copies = [
        name
        for name, text in ui_sources().items()
        if name != "tables.py" and ("verticalHeader().hide()" in text or "setSelectionBehavior" in text)
    ]
    assert copies == []


def test_pages_and_the_status_widget_are_imported_by_name():
    for name, text in ui_sources().items():
        assert "import_module" not in text, name
    assert [page.page_id for page in pages.PAGES] == list(pages.PAGE_IDS)
    assert pages.PAGE_IDS == (
        "register", "places", "visits", "report", "incidents", "dashboard", "participation", "sync"
    )


def test_one_column_class_for_every_table_model():
    classes = set()
    for name, text in ui_sources().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.name == "Column":
                classes.add(name)
    assert classes == {"models/column.py"}
    assert RowsModel.__module__ == "gridworker.ui.models.rows" and PagedModel.__module__ == "gridworker.ui.models.paged"
    column = Column("Name", str, 8, align_right=True)
    assert (column.width, column.align_right, column.colour) == (8, True, None)


def test_the_register_and_field_work_widgets_live_in_their_folders():
    names = set(ui_sources())
    assert not any(n.startswith(("widgets/register_", "widgets/fieldwork_")) for n in names)
    assert {"register/form.py", "register/excel_import.py", "fieldwork/photos.py", "fieldwork/text.py"} <= names

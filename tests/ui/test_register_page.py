"""The registers page driven like a grid worker would: search, open a household, edit, drafts, moved out."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlmodel import select

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender, PersonStatus
from gridworker.domain.errors import GridWorkerError
from gridworker.domain.models import Household, Outbox, Person
from gridworker.domain.names import pinyin_of
from gridworker.services import drafts
from gridworker.ui.pages.register import RegisterPage
from gridworker.ui.register.lists import HOUSEHOLDS, PEOPLE, search_ids

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def page(ctx, qtbot):
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.lists.people.rowCount() > 0 and page.household.card is not None, timeout=10_000)
    return page


def idle(ctx, qtbot):
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)


def answer_modal(button_text: str) -> None:
    """Click `button_text` in the message box about to be shown (it runs its own event loop)."""

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)


def test_search_by_pinyin_initials_lists_the_person_and_opens_their_household(page, ctx, qtbot, community):
    person = next(p for p in community.persons if len(pinyin_of(p["name"])[1]) == 3)
    initials = pinyin_of(person["name"])[1]
    qtbot.keyClicks(page.search, initials)  # one keystroke at a time: earlier queries are superseded
    expected = search_ids(ctx.store, initials, False)
    assert person["id"] in expected
    qtbot.waitUntil(lambda: page.lists.people.ids == expected, timeout=10_000)
    assert initials in page.scope_label.text()

    row = page.lists.people.row_of(person["id"])
    page.lists.select_row(PEOPLE, row)
    qtbot.waitUntil(lambda: page.household.household_id == person["household_id"], timeout=10_000)
    members = {p.id for p in page.household.card.members}
    assert person["id"] in members
    assert person["name"] in page.household.browser.toPlainText()


def test_numbers_are_masked_in_lists_until_shown(page, ctx, qtbot):
    model = page.lists.people
    row = next(r for r in range(model.rowCount()) if model.row_at(r) and model.row_at(r).id_number)
    person = model.row_at(row)
    id_column = [c.header for c in model.columns].index("身份证号")
    shown = model.data(model.index(row, id_column))
    assert shown != person.id_number and shown.endswith(person.id_number[-4:]) and "*" in shown
    page.lists.select_row(PEOPLE, row)
    page.reveal_action.trigger()
    assert model.data(model.index(row, id_column)) == person.id_number


def test_edit_household_lands_in_the_store_and_the_outbox(page, ctx, qtbot):
    household_id = page.household.household_id
    qtbot.mouseClick(page.household.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    editor = page.editor
    editor.phone.clear()
    qtbot.keyClicks(editor.phone, "0571-88886666")
    editor.housing.setCurrentIndex(editor.housing.findData("rented"))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=10_000)

    with ctx.store.read() as s:
        saved = s.get(Household, household_id)
        rows = s.exec(select(Outbox).where(Outbox.entity == "household", Outbox.record_id == household_id)).all()
    assert (saved.phone, saved.housing) == ("0571-88886666", "rented")
    assert rows[-1].fields == {"phone": "0571-88886666", "housing": "rented"}
    # The household view refreshes itself from the change notice.
    qtbot.waitUntil(lambda: page.household.card.household.phone == "0571-88886666", timeout=10_000)


def test_person_editor_shows_the_phone_message_and_fills_in_from_the_id_number(page, ctx, qtbot):
    household_id = page.household.household_id
    page.new_person(household_id)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    editor = page.editor
    editor.name.insert("测试人")  # what an input method commits (QTest types ASCII only)
    qtbot.keyClicks(editor.phone, "12345")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.messages["phone"].isVisible(), timeout=10_000)
    assert "12345" in editor.messages["phone"].text() and "手机号" in editor.messages["phone"].text()
    assert not editor.messages["name"].isVisible()
    assert editor.isVisible()

    number = idnumber.make("330106", date(1990, 5, 17), 124, Gender.female)
    qtbot.keyClicks(editor.id_number, number)
    assert editor.gender.currentData() == "female"
    assert editor.birth_date.text() == "1990-05-17"
    assert editor.messages["id_number"].isVisible()  # the hint that they were filled in

    editor.phone.clear()
    qtbot.keyClicks(editor.phone, "13912345678")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=10_000)
    with ctx.store.read() as s:
        person = s.exec(select(Person).where(Person.name == "测试人")).one()
    assert (person.household_id, person.gender, person.birth_date) == (household_id, "female", date(1990, 5, 17))
    assert drafts.load_draft(ctx.store, f"person:new:{household_id}") is None


def test_a_draft_survives_closing_without_saving_and_is_offered_back(page, ctx, qtbot):
    person_id = page.lists.people.id_at(0)
    page._edit_record(PEOPLE, person_id)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    editor = page.editor
    editor.notes.clear()
    editor.notes.insertPlainText("腿脚不便，需上门")
    qtbot.waitUntil(lambda: drafts.load_draft(ctx.store, f"person:{person_id}") is not None, timeout=10_000)

    answer_modal("存为草稿")
    editor.reject()  # asks, and the answer keeps the draft
    assert not editor.isVisible()
    idle(ctx, qtbot)
    with ctx.store.read() as s:
        assert "腿脚不便" not in (s.get(Person, person_id).notes or "")
    assert drafts.load_draft(ctx.store, f"person:{person_id}").data["notes"] == "腿脚不便，需上门"

    page.editor = None
    page._edit_record(PEOPLE, person_id)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    again = page.editor
    assert again.banner.isVisible()
    assert "腿脚不便" not in again.notes.toPlainText()
    qtbot.mouseClick(again.banner.restore_button, Qt.MouseButton.LeftButton)
    assert again.notes.toPlainText() == "腿脚不便，需上门"
    assert again.dirty


def test_moved_out_leaves_the_list_and_keeps_the_history(page, ctx, qtbot):
    person = page.lists.people.row_at(0)
    page.lists.select_row(PEOPLE, 0)
    page.moved_out_action.trigger()
    dialog = page.editor
    dialog.reason.setText("迁往外地")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: person.id not in page.lists.people.ids, timeout=10_000)
    with ctx.store.read() as s:
        assert s.get(Person, person.id).status == PersonStatus.moved_out.value
    qtbot.waitUntil(lambda: page.lists.current_kind() == PEOPLE and page.household.card is not None, timeout=10_000)
    page.lists.setCurrentIndex(1)
    assert page.lists.current_kind() == HOUSEHOLDS


def grid_people(community, grid_index: int = 0) -> tuple[str, set[str]]:
    """A grid of the demo and the ids of the (active) people living in its buildings."""
    grids = [a for a in community.areas if a["level"] == "grid"]
    grid = grids[grid_index]
    micro = {a["id"] for a in community.areas if a["parent_id"] == grid["id"]} | {grid["id"]}
    households = {h["id"] for h in community.households if h["area_id"] in micro}
    return grid["id"], {p["id"] for p in community.persons if p["household_id"] in households}


def test_choosing_a_grid_in_the_tree_narrows_the_lists_to_it(page, ctx, qtbot, community):
    grid_id, people = grid_people(community, 1)
    tree = page.tree_model
    qtbot.waitUntil(lambda: tree.find(("area", grid_id)).isValid() or _open_areas(page), timeout=10_000)
    page.tree.setCurrentIndex(tree.find(("area", grid_id)))
    qtbot.waitUntil(lambda: set(page.lists.people.ids) == people, timeout=10_000)
    assert page.scope_label.text().endswith(tree.node(tree.find(("area", grid_id))).label)

    page.tree.expand(tree.find(("area", grid_id)))  # → micro-grids → buildings → units → households
    for _ in range(4):
        index = page.tree.currentIndex()
        qtbot.waitUntil(lambda index=index: tree.rowCount(index) > 0, timeout=10_000)
        first = tree.index(0, 0, index)
        page.tree.setCurrentIndex(first)
        page.tree.expand(first)
    node = tree.node(page.tree.currentIndex())
    assert node.kind == "household"
    expected = {p["id"] for p in community.persons if p["household_id"] == node.scope.household_id}
    qtbot.waitUntil(lambda: set(page.lists.people.ids) == expected, timeout=10_000)
    qtbot.waitUntil(lambda: page.household.household_id == node.scope.household_id, timeout=10_000)
    head = page.lists.people.row_at(0)
    assert head.relation == "head"  # head first


def _open_areas(page) -> bool:
    """Open every area node loaded so far (the tree reads a level when it is opened)."""
    tree = page.tree_model
    stack = [tree.index(r, 0) for r in range(tree.rowCount())]
    while stack:
        index = stack.pop()
        if tree.node(index).kind == "area":
            page.tree.expand(index)
            stack += [tree.index(r, 0, index) for r in range(tree.rowCount(index))]
    return False


def test_paged_people_list_reads_pages_as_it_scrolls(page, ctx, qtbot):
    model = page.lists.people
    qtbot.waitUntil(lambda: model.rowCount() > 250, timeout=10_000)
    last = model.rowCount() - 1
    assert model.row_at(last) is None  # not read yet: only the first page came with the ids
    page.lists.views[PEOPLE].scrollToBottom()
    qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=10_000)
    assert model.row_at(last).id == model.ids[last]


def test_drafts_are_kept_per_key_listed_and_discarded(ctx):
    assert drafts.load_draft(ctx.store, "visit:h1") is None
    drafts.save_draft(ctx.store, "visit:h1", {"notes": "第一稿", "on": date(2025, 6, 1)})
    drafts.save_draft(ctx.store, "visit:h1", {"notes": "第二稿"})
    drafts.save_draft(ctx.store, "report:new", {"description": "路灯不亮"})
    assert drafts.load_draft(ctx.store, "visit:h1").data == {"notes": "第二稿"}
    assert [d.key for d in drafts.list_drafts(ctx.store, "visit:")] == ["visit:h1"]
    assert {d.key for d in drafts.list_drafts(ctx.store)} == {"visit:h1", "report:new"}
    assert drafts.discard_draft(ctx.store, "visit:h1") is True
    assert drafts.discard_draft(ctx.store, "visit:h1") is False
    assert drafts.load_draft(ctx.store, "report:new").data["description"] == "路灯不亮"
    with pytest.raises(GridWorkerError):
        drafts.save_draft(ctx.store, "x" * 80, {})
    with ctx.store.read() as s:  # drafts are this device's own: nothing queued for the server
        assert s.exec(select(Outbox)).all() == []


def test_two_records_of_one_person_are_merged_from_the_list(page, ctx, qtbot, community):
    from gridworker.services import register

    original = next(p for p in community.persons if p["phone"] and p["relation"] == "head")
    duplicate = register.register_person(ctx.store, {"name": original["name"], "phone": original["phone"],
                                                     "skills": "水电维修"})  # fmt: skip
    qtbot.keyClicks(page.search, original["phone"])
    found = search_ids(ctx.store, original["phone"], False)  # they, and the household sharing the number
    assert {original["id"], duplicate.id} <= set(found)
    view, model = page.lists.views[PEOPLE], page.lists.people
    qtbot.waitUntil(lambda: model.ids == found and model.row_at(0) is not None, timeout=10_000)
    view.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for person_id in (original["id"], duplicate.id):
        view.selectionModel().select(model.index(model.row_of(person_id), 0), flags)
    assert page.merge_action.isEnabled()
    page.merge_action.trigger()
    dialog = page.editor
    keep_original = 0 if dialog.people[0].id == original["id"] else 1
    dialog.choice.button(keep_original).setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    with ctx.store.read() as s:
        kept, gone = s.get(Person, original["id"]), s.get(Person, duplicate.id)
    assert kept.skills == "水电维修" and gone.deleted  # the gap filled from the duplicate, which is gone
    qtbot.waitUntil(lambda: duplicate.id not in page.lists.people.ids, timeout=10_000)


def test_discarding_edits_on_close_leaves_no_draft_and_the_record_as_it_was(page, ctx, qtbot):
    person_id = page.lists.people.id_at(0)
    page._edit_record(PEOPLE, person_id)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    editor = page.editor
    editor.skills.setText("理发")
    qtbot.waitUntil(lambda: drafts.load_draft(ctx.store, f"person:{person_id}") is not None, timeout=10_000)
    answer_modal("放弃修改")
    editor.reject()
    assert not editor.isVisible()
    idle(ctx, qtbot)
    assert drafts.load_draft(ctx.store, f"person:{person_id}") is None
    with ctx.store.read() as s:
        assert s.get(Person, person_id).skills != "理发"


@pytest.mark.parametrize("kind", [PEOPLE, HOUSEHOLDS])
def test_a_double_click_opens_one_editor(page, ctx, qtbot, kind):
    from gridworker.ui.register.form import EditorDialog

    page.lists.setCurrentIndex(list(page.lists.models).index(kind))
    view = page.lists.views[kind]
    qtbot.waitUntil(lambda: page.lists.models[kind].row_at(0) is not None, timeout=10_000)
    rect = view.visualRect(page.lists.models[kind].index(0, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a real double-click:
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, release, double
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=10_000)
    idle(ctx, qtbot)
    qtbot.wait(100)  # a second editor would be opened by now
    editors = [w for w in QApplication.topLevelWidgets() if isinstance(w, EditorDialog) and w.isVisible()]
    assert len(editors) == 1
    editors[0].reject()


def test_searching_a_building_lists_its_rooms_in_order(page, ctx, qtbot, community):
    from gridworker.services.search import find_people
    from gridworker.ui.register.lists import natural_key

    building = community.buildings[0]
    query = f"{building.get('estate') or ''}{building['name']}"
    page.search.setText(query)  # what an input method commits
    expected = search_ids(ctx.store, query, False)
    qtbot.waitUntil(lambda: page.lists.people.ids == expected and len(expected) > 10, timeout=10_000)
    address = {h.person_id: h.address for h in find_people(ctx.store, query, limit=500)}
    shown = [address[pid] for pid in page.lists.people.ids]
    assert all(query in a for a in shown)
    assert shown == sorted(shown, key=natural_key)  # unit, floor, room: 1单元302室 before 1单元1201室
    assert natural_key("1单元302室") < natural_key("1单元1201室") < natural_key("2单元101室")


def test_a_household_gone_meanwhile_does_not_blank_the_one_chosen_since(ctx, qtbot):
    """A household chosen, then another at once; the first was deleted meanwhile (a sync): its late "not found"
    must not blank the household view the user has moved on to."""
    import uuid

    from gridworker.ui.register.household_view import HouseholdView

    with ctx.store.read() as s:
        household = s.exec(select(Household).where(Household.deleted == False)).first()  # noqa: E712
    view = HouseholdView(ctx)
    qtbot.addWidget(view)
    view.show_household(str(uuid.uuid4()))  # gone by the time it is read
    view.show_household(household.id)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
    assert view.household_id == household.id and view.card is not None
    assert view.card.household.id == household.id


def test_people_selected_together_stay_selected_when_a_change_reloads_the_lists(page, ctx, qtbot):
    """Two people chosen (to merge, to mark moved out) when a change arrives (a sync, another window): the lists
    are read again and both stay selected, not only the current one."""
    from gridworker.services import register

    view, people = page.lists.views[PEOPLE], page.lists.people
    idle(ctx, qtbot)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    page.lists.select_row(PEOPLE, 1)
    view.selectionModel().select(people.index(3, 0), flags)
    chosen = sorted(people.id_at(r) for r in page.lists.selected_rows(PEOPLE))
    assert len(chosen) == 2
    with ctx.store.read() as s:
        building = s.exec(select(Household.building_id).where(Household.deleted == False)).first()  # noqa: E712
    with qtbot.waitSignal(people.loaded, timeout=10_000):
        register.update_building(ctx.store, building, {"notes": "门禁已更换"})
    idle(ctx, qtbot)
    assert sorted(people.id_at(r) for r in page.lists.selected_rows(PEOPLE)) == chosen
    assert page.lists.current_id(PEOPLE) == people.id_at(1)


def test_opening_a_person_deleted_meanwhile_says_so(page, ctx, qtbot):
    """Edit on a person a sync has just deleted (the list not yet refreshed): said on the page in words, no editor
    and no error dialog with a traceback."""
    from PySide6.QtWidgets import QLabel

    from gridworker.services import register

    idle(ctx, qtbot)
    person_id = page.lists.people.id_at(0)
    register.delete_record(ctx.store, "person", person_id)  # another computer's delete, synced
    page._edit_record(PEOPLE, person_id)
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=10_000)
    said = [label.text() for label in page.findChildren(QLabel) if label.isVisible()]
    assert any(text.startswith("找不到") for text in said), said
    assert page.editor is None


def test_the_words_about_a_person_gone_leave_when_another_search_is_made(page, ctx, qtbot):
    """"Not found: it may have been deleted" is about the record asked for: a new search (or another record
    chosen) is not about it, and the words go (they stayed beside unrelated records)."""
    from gridworker.services import register

    idle(ctx, qtbot)
    person_id = page.lists.people.id_at(0)
    register.delete_record(ctx.store, "person", person_id)
    page._edit_record(PEOPLE, person_id)
    qtbot.waitUntil(lambda: not ctx.runner.busy and page.gone_label.isVisible(), timeout=10_000)
    page.search.setText("lzm")
    qtbot.waitUntil(lambda: not page.gone_label.isVisible(), timeout=10_000)


def test_deleting_a_person_chooses_the_next_one_not_the_top_of_the_list(page, ctx, qtbot, monkeypatch):
    model = page.lists.people
    row = 5
    page.lists.select_row(PEOPLE, row)
    gone, following = model.id_at(row), model.id_at(row + 1)
    assert gone and following
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_current()
    qtbot.waitUntil(lambda: model.row_of(gone) < 0 and not ctx.runner.busy, timeout=10_000)
    qtbot.waitUntil(lambda: page.lists.current_id(PEOPLE) == following, timeout=10_000)
    assert page.lists.views[PEOPLE].selectionModel().currentIndex().row() == row


def test_a_new_search_without_the_current_person_starts_at_the_top(page, ctx, qtbot, community):
    from collections import Counter

    model = page.lists.people
    page.lists.select_row(PEOPLE, 7)
    current = model.row_at(7)
    surname, count = next((n, c) for n, c in Counter(p["name"][0] for p in community.persons).most_common()
                          if n != current.name[0])  # fmt: skip
    assert count > 8
    page.search.setText(surname)  # keyClicks types ASCII only
    qtbot.waitUntil(lambda: model.rowCount() >= 8 and current.id not in model.ids and not ctx.runner.busy, timeout=10_000)
    qtbot.waitUntil(lambda: page.lists.views[PEOPLE].selectionModel().currentIndex().row() == 0, timeout=10_000)


def test_a_stay_without_a_relation_shows_no_empty_brackets(page, ctx, qtbot):
    from gridworker.services import register

    household_id = page.household.household_id
    person = register.register_person(ctx.store, {"name": "邓永华", "household_id": household_id})  # no relation given
    qtbot.waitUntil(lambda: "邓永华" in page.household.browser.toPlainText(), timeout=10_000)
    text = page.household.browser.toPlainText()
    [line] = [line for line in text.splitlines() if person.name in line and "→" in line]  # 居住历史
    assert line.strip().startswith(f"{person.name}：") and "（）" not in text and "()" not in text

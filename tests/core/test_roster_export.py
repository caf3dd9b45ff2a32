"""The grid teams (1+6+N) exported to Excel: grid by grid, the leader first, roles in the sheet's language."""

from __future__ import annotations

import openpyxl

from gridworker.services import register, roster
from gridworker.services.roster_export import export_roster


def test_the_roster_exported_grid_by_grid(store, tmp_path):
    community = register.register_area(store, code="C1", name="幸福社区", level="community")
    g1 = register.register_area(store, code="G1", name="第一网格", level="grid", parent_id=community.id)
    g2 = register.register_area(store, code="G2", name="第二网格", level="grid", parent_id=community.id)
    b = register.register_building(store, {"name": "1号楼", "area_id": g1.id})
    h = register.register_household(store, {"building_id": b.id, "unit": "1", "room": "101"})
    person = register.register_person(store, {"name": "孙楼长", "phone": "13800000011", "household_id": h.id})
    roster.add_member(store, {"area_id": g2.id, "role": "mediator", "name": "钱调解", "phone": "13800000022"})
    roster.add_member(store, {"area_id": g1.id, "role": "building_head", "person_id": person.id, "skills": "熟悉住户"})
    roster.add_member(store, {"area_id": g1.id, "role": "leader", "name": "李网格长", "phone": "13800000033"})
    path = export_roster(store, tmp_path / "forces", "zh")
    rows = list(openpyxl.load_workbook(path).active.values)
    assert path.name == "forces.xlsx" and rows[0] == ("网格", "角色", "姓名", "电话", "特长", "来自", "备注")
    assert [r[:6] for r in rows[1:]] == [
        ("第一网格", "网格长", "李网格长", "13800000033", None, "手工填写"),
        ("第一网格", "楼栋长", "孙楼长", "13800000011", "熟悉住户", "台账人员"),  # name and phone from the register
        ("第二网格", "调解员", "钱调解", "13800000022", None, "手工填写"),
    ]
    english = list(openpyxl.load_workbook(export_roster(store, tmp_path / "en.xlsx", "en", [g2.id])).active.values)
    assert english == [("Grid", "Role", "Name", "Phone", "Skills", "From", "Notes"),
                       ("第二网格", "Dispute mediator", "钱调解", "13800000022", None, "typed", None)]  # fmt: skip

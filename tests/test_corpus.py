"""The five sample plans against counts made by reading them.

How each number was counted (by a person, from the text):
- goals: rows/paragraphs "Mục tiêu chiến lược N" of the appendix table, or of "NỘI DUNG THỰC HIỆN"
  when there is no table (Hà Đông); Lai Châu and Đắk Lắk put them in an appendix that is not in the
  text, so they have none.
- objectives: numbered rows "Mục tiêu N.M" plus the unnumbered objective sentences of a goal (a row of
  its own, or the second part of a <p>…</p> goal row: Hà Tĩnh goals 2, 3, 5, 6, 7, 8, 9, 10, 12);
  Hà Đông: each "Mục tiêu cụ thể" sentence and each dash item under it (3+1+1+2+1+1+1+1+1+1+2+3).
- tasks: rows with an STT (Đồng Nai 88: 1.1.1-1.1.11, 1.2.1-2, 2.1.1-7, 3.1.1-2, 4.1.1-9, 4.2.1-4,
  5.1.1-7 and 5.1.9-12, 6.1.2-9, 7.1.1-4, 8.1.1-3, 9.1.1-5, 10.1.1-5, 11.1.1-3, 11.2.1-5, 12.1.1-6,
  12.2.1-3) plus rows without STT but with their own cells (Hà Tĩnh: under goals 7, 8, 12 and
  objective 11.2; 33 + 4 = 37); continuation rows after page breaks are not tasks.
- lead assignments of the table: one per agency named in the lead column (Hà Tĩnh: 37 rows, three
  with two leads — 2.2, 4.2.2, 5.3 — so 40; Đồng Nai: 88 rows, 21 with two leads and 5 with three —
  1.1.1, 2.1.2, 7.1.3, 7.1.4, 9.1.5 — so 88 + 21 + 10 = 119; in 9.1.2 the body named after
  "phối hợp với" is a co-lead, not a lead).
- duties and duty-bearing agencies: see tests/test_prose.py.
"""

from __future__ import annotations

import pytest

from kg.model import Plan, Role
from tests.conftest import DAK_LAK, DONG_NAI, HA_DONG, HA_TINH, LAI_CHAU

COUNTS = {
    #          goals objectives tasks table-leads duties
    HA_DONG: (12, 18, 0, 0, 39),
    LAI_CHAU: (0, 0, 0, 0, 20),
    HA_TINH: (12, 15, 37, 40, 17),
    DAK_LAK: (0, 0, 0, 0, 16),
    DONG_NAI: (12, 16, 88, 119, 11),
}


@pytest.mark.parametrize("file", sorted(COUNTS))
def test_counts(plans: dict[str, Plan], file: str) -> None:
    plan = plans[file]
    goals, objectives, tasks, leads, duties = COUNTS[file]
    assert len(plan.goals) == goals
    assert len(plan.objectives) == objectives
    assert len(plan.tasks) == tasks
    assert sum(1 for t in plan.tasks for a in t.assignments if a.role is Role.LEAD) == leads
    assert len(plan.duties) == duties


def test_every_table_task_has_goal_text_and_lead(plans: dict[str, Plan]) -> None:
    for file in (HA_TINH, DONG_NAI):
        for task in plans[file].tasks:
            assert task.goal is not None and 1 <= task.goal <= 12
            assert len(task.text) > 20
            assert task.agencies(Role.LEAD), task.key


def test_lead_counts_per_agency(plans: dict[str, Plan]) -> None:
    """Tasks led, by agency, read off the lead columns (Đồng Nai: Sở Y tế leads 26, the most)."""
    def led(file: str, name: str) -> int:
        return sum(1 for t in plans[file].tasks if name in [a.name for a in t.agencies(Role.LEAD)])

    assert led(DONG_NAI, "Sở Y tế") == 26
    assert led(DONG_NAI, "Sở Nội vụ") == 23
    assert led(DONG_NAI, "Sở Nông nghiệp và Môi trường") == 22
    assert led(HA_TINH, "Sở Y tế") == 11
    assert led(HA_TINH, "Sở Nội vụ") == 6


def test_issuers_and_units(plans: dict[str, Plan]) -> None:
    found = {f: (p.issuer.name, p.issuer.unit_key, p.period) for f, p in plans.items()}
    assert found == {
        HA_DONG: ("Ủy ban nhân dân xã Hà Đông", "31/10882", "2026-2030"),
        LAI_CHAU: ("Ủy ban nhân dân tỉnh Lai Châu", "12", "2026-2030"),
        HA_TINH: ("Ủy ban nhân dân tỉnh Hà Tĩnh", "42", "2026-2030"),
        DAK_LAK: ("Ủy ban nhân dân tỉnh Đắk Lắk", "66", "2026-2030"),
        DONG_NAI: ("Ủy ban nhân dân thành phố Đồng Nai", "75", "2026-2030"),
    }
    assert all(p.number is None for p in plans.values())  # all five are drafts: "Số: /KH-UBND"
    assert plans[HA_TINH].date_text == "Hà Tĩnh, ngày tháng năm 2026"
    assert plans[HA_TINH].signer == "Nguyễn Thị Nguyệt" and plans[HA_TINH].signer_title == "Phó Chủ tịch"
    assert plans[DAK_LAK].signer == "Đào Mỹ"
    assert plans[LAI_CHAU].recipients[:2] == ["Bộ Nội vụ", "TT. Tỉnh ủy; HĐND tỉnh"]


def test_no_unknown_agency_in_the_corpus(plans: dict[str, Plan]) -> None:
    unknown = [str(p) for plan in plans.values() for p in plan.problems if p.what == "unknown-agency"]
    assert unknown == []

"""The appendix tables of Hà Tĩnh (5 columns) and Đồng Nai (4 columns), row by row on the hard rows.

Every expected value below was read from the document by a person, not from the program's output.
"""

from __future__ import annotations

import pytest

from kg.model import Plan, Role
from tests.conftest import DONG_NAI, HA_TINH, names, task

VHTTDL = "Sở Văn hóa, Thể thao và Du lịch"
UBND_XA = "Ủy ban nhân dân các xã, phường"

# (file, task key, leads, co-leads, guiding bodies) — one row per pitfall of DOMAIN.md.
HARD_ROWS = [
    # a name with a comma and "và" is one agency
    (HA_TINH, "1.1.1", ["Sở Giáo dục và Đào tạo"], ["Sở Nội vụ", VHTTDL, UBND_XA], []),
    # joint leads separated by a comma
    (HA_TINH, "4.2.2", ["Sở Y tế", "Công an tỉnh"],
     ["Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Công Thương", "Sở Nông nghiệp và Môi trường", UBND_XA], []),
    # a row split by a page break, continued with only the text cell
    (HA_TINH, "4.1.3", ["Sở Nông nghiệp và Môi trường"],
     ["Sở Khoa học và Công nghệ", "Sở Công Thương", UBND_XA], []),
    # "Theo hướng dẫn của Bộ …/ Cục …" names guiding bodies, not peers
    (HA_TINH, "6.1", [VHTTDL], ["Sở Khoa học và Công nghệ", "Các sở, ban, ngành", UBND_XA],
     ["Bộ Văn hóa, Thể thao và Du lịch", "Cục Thể dục thể thao Việt Nam"]),
    # … even with no separator before the next agency ("Việt Nam Sở Giáo dục")
    (HA_TINH, "10.1", [VHTTDL],
     ["Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành", UBND_XA],
     ["Bộ Văn hóa, Thể thao và Du lịch", "Cục Thể dục thể thao Việt Nam"]),
    # a task with no STT but full cells (under goal 7)
    (HA_TINH, "g7-u1", ["Sở Nội vụ"], ["Sở Y tế", "Sở Ngoại vụ", UBND_XA], []),
    # "Sở Nội vụ và Sở Y tế" is two; ";" then another lead
    (DONG_NAI, "1.1.1", ["Sở Nội vụ", "Sở Y tế", "Hội Liên hiệp Phụ nữ thành phố"],
     [VHTTDL, "Sở Khoa học và Công nghệ", UBND_XA], []),
    # co-lead cell continued after a page break: "UBND" + "xã, phường"
    (DONG_NAI, "1.1.3", ["Sở Giáo dục và Đào tạo"], ["Sở Nội vụ", VHTTDL, "Sở Y tế", UBND_XA], []),
    # lead split by a page break: "Sở Nông nghiệp" + "và Môi trường"; co-leads "…;" + "Sở Giáo dục …"
    (DONG_NAI, "4.1.7", ["Sở Nông nghiệp và Môi trường"],
     ["Sở Y tế", VHTTDL, "Sở Giáo dục và Đào tạo", "Sở Tài chính", UBND_XA], []),
    # every cell continued, even the lead in mid-word: "Hội Liên" + "hiệp Phụ nữ thành phố"
    (DONG_NAI, "7.1.4", ["Sở Nội vụ", "Sở Y tế", "Hội Liên hiệp Phụ nữ thành phố"],
     ["Sở Nông nghiệp và Môi trường", UBND_XA], []),
    # "A phối hợp với B" inside a lead cell makes B a co-lead
    (DONG_NAI, "9.1.2", [VHTTDL, "Liên hiệp các tổ chức hữu nghị thành phố"],
     ["Hội Hữu nghị Việt Nam - ASEAN", "Các sở, ban, ngành", UBND_XA], []),
    # two agencies joined by "và", both with "và" inside their names
    (DONG_NAI, "9.1.1", ["Sở Giáo dục và Đào tạo", VHTTDL], ["Các sở, ban, ngành", UBND_XA], []),
    # three leads across a page break: "Sở Giáo dục và" + "Đào tạo; …"
    (DONG_NAI, "9.1.5", [VHTTDL, "Sở Giáo dục và Đào tạo", "Liên hiệp các tổ chức hữu nghị thành phố"],
     ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế", "Công an thành phố", "Sở Ngoại vụ", UBND_XA], []),
    # old tone placement "Văn hoá" is the same agency
    (DONG_NAI, "4.1.5", ["Sở Y tế"], [VHTTDL, "Sở Nội vụ", UBND_XA], []),
    # STT with a trailing dot
    (DONG_NAI, "10.1.3", [VHTTDL],
     ["Sở Y tế", "Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", UBND_XA], []),
    # abbreviation and case variant of one agency
    (DONG_NAI, "11.2.4", ["Sở Nông nghiệp và Môi trường"],
     ["Sở Y tế", "Bộ Chỉ huy Quân sự thành phố", UBND_XA], []),
    (DONG_NAI, "11.2.1", ["Sở Y tế"],
     ["Sở Nông nghiệp và Môi trường", "Bộ Chỉ huy Quân sự thành phố", UBND_XA], []),
    # "Công an thành phố, Sở Y tế": joint leads
    (DONG_NAI, "4.2.3", ["Công an thành phố", "Sở Y tế"], ["Sở Giáo dục và Đào tạo", UBND_XA], []),
    # "Sở Ngoại vụ và các Sở, ngành, …": an agency and a collective
    (DONG_NAI, "5.1.12", ["Sở Y tế", "Sở Nội vụ"], ["Sở Ngoại vụ", "Các sở, ban, ngành", UBND_XA], []),
]


@pytest.mark.parametrize(("file", "key", "leads", "co_leads", "guiding"), HARD_ROWS,
                         ids=[f"{row[0][:3]}-{row[1]}" for row in HARD_ROWS])
def test_hard_rows(plans: dict[str, Plan], file: str, key: str, leads: list[str], co_leads: list[str],
                   guiding: list[str]) -> None:
    item = task(plans[file], key)
    assert names(item, Role.LEAD) == leads
    assert names(item, Role.CO_LEAD) == co_leads
    assert names(item, Role.GUIDING) == guiding


def test_continued_text_is_joined(plans: dict[str, Plan]) -> None:
    """A task's text split by a page break is one text, without the repeated header."""
    item = task(plans[HA_TINH], "4.1.3")
    assert item.text.endswith("chẳng hạn như rác thải biển và ô nhiễm nhựa biển, đặc biệt là tôn trọng "
                              "các khu vực nhạy cảm về mặt sinh thái")
    assert "STT" not in item.text and "CƠ QUAN" not in item.text
    assert (item.span.first, item.span.last) == (237, 240)
    item = task(plans[DONG_NAI], "1.1.9")
    assert "thông qua các sáng kiến như giám sát truyền thông" in item.text


def test_timeframe_column_of_five_column_table(plans: dict[str, Plan]) -> None:
    assert task(plans[HA_TINH], "1.1.1").timeframe == "Giai đoạn 2026-2030"
    assert task(plans[HA_TINH], "9.1").timeframe == "Thường xuyên"
    assert task(plans[DONG_NAI], "1.1.1").timeframe is None


def test_goals_and_objectives_of_ha_tinh(plans: dict[str, Plan]) -> None:
    plan = plans[HA_TINH]
    assert [g.number for g in plan.goals] == list(range(1, 13))
    # goal 7: the objective sentence runs on inside the same <p> … </p>
    goal7 = next(g for g in plan.goals if g.number == 7)
    assert goal7.title.endswith("phát huy hết tiềm năng của phụ nữ trong quá trình ra quyết định")
    objective7 = next(o for o in plan.objectives if o.key == "g7")
    assert objective7.text.startswith("Hướng tới một Cộng đồng nơi phụ nữ được tăng cường quyền năng")
    # goal 8: the title ends with "ASEAN" and the objective starts "Xây dựng" in the same cell
    goal8 = next(g for g in plan.goals if g.number == 8)
    assert goal8.title.endswith("củng cố nhận thức, giá trị và bản sắc ASEAN")
    # goal 5: the objective sentence is a row of its own, and tasks 5.1-5.3 sit under it
    assert next(o for o in plan.objectives if o.key == "g5").text.startswith("Xây dựng một Cộng đồng bao trùm")
    assert task(plan, "5.2").objective == "g5"
    # numbered objectives, and tasks under them
    assert [o.code for o in plan.objectives if o.code] == ["1.1", "1.2", "4.1", "4.2", "11.1", "11.2"]
    assert task(plan, "4.2.1").objective == "4.2" and task(plan, "4.2.1").goal == 4
    assert task(plan, "g11-u1").objective == "11.2"


def test_goal_wrapped_onto_lines_without_tabs(plans: dict[str, Plan]) -> None:
    """Đồng Nai goal 3, objective 3.1, goal 6 and goal 12 run onto a second line after a page break."""
    plan = plans[DONG_NAI]
    objective = next(o for o in plan.objectives if o.code == "3.1")
    assert objective.text.endswith("đồng thời xem xét đến xu hướng nhân khẩu học trong khu vực")
    assert "chuyển đổi, nhằm xây dựng" in objective.text
    goal6 = next(g for g in plan.goals if g.number == 6)
    assert goal6.title.endswith("cũng như các vấn đề khu vực và toàn cầu có liên quan")
    goal12 = next(g for g in plan.goals if g.number == 12)
    assert goal12.title.endswith("trong việc thúc đẩy sự bền vững và ứng phó với biến đổi khí hậu")


def test_numbering_gaps_are_kept_and_reported(plans: dict[str, Plan]) -> None:
    plan = plans[DONG_NAI]
    codes = [t.code for t in plan.tasks]
    assert "5.1.8" not in codes and "6.1.1" not in codes
    assert codes.index("5.1.9") == codes.index("5.1.7") + 1
    gaps = [p for p in plan.problems if p.what == "numbering-gap"]
    assert {g.detail.split(" are")[0] for g in gaps} >= {"task numbers 5.1.8", "task numbers 6.1.1"}


def test_dash_line_is_not_a_row(plans: dict[str, Plan]) -> None:
    """Line 292 of Đồng Nai is a row of dashes between 5.1.1 and 5.1.2."""
    item = task(plans[DONG_NAI], "5.1.1")
    assert "--" not in item.text and item.span.last == 291


def test_last_line_without_newline(plans: dict[str, Plan]) -> None:
    item = task(plans[DONG_NAI], "12.2.3")
    assert names(item, Role.LEAD) == ["Sở Nông nghiệp và Môi trường"]
    assert names(item, Role.CO_LEAD) == ["Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", UBND_XA]


def test_no_unknown_agency_in_tables(plans: dict[str, Plan]) -> None:
    for file in (HA_TINH, DONG_NAI):
        unknown = [p for p in plans[file].problems if p.what == "unknown-agency"]
        assert unknown == []

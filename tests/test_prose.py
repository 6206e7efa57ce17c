"""Duties read from prose ("TỔ CHỨC THỰC HIỆN"), checked against counts made by reading the plans.

How the counts were made: in each plan's section "TỔ CHỨC THỰC HIỆN", every dash item or lettered
item under a numbered agency heading is one duty; an unnumbered agency line ("Hội Nông dân xã")
starts a new bearer; a plain paragraph right after a heading with no items is one duty; a plain
paragraph after the last item of the section ("Định kỳ hằng năm …" in Hà Tĩnh) is not a duty.
"""

from __future__ import annotations

import pytest

from kg.model import Plan, Role
from tests.conftest import DAK_LAK, DONG_NAI, HA_DONG, HA_TINH, LAI_CHAU, names, task

# file → (duties, bearers) counted by hand; bearers = distinct agencies/groups given duties.
DUTY_COUNTS = {
    # IV.1 Phòng VH-XH 6, IV.2 Công chức TC-KT 5, IV.3.a UBMTTQ xã 6, IV.3.b Đoàn TN 3, Hội LHPN 3,
    # Hội Nông dân 3, Hội CCB 3, IV.4 TT Dịch vụ sự nghiệp công 4, IV.5 Trưởng các thôn 6
    HA_DONG: (39, 9),
    # VII.1 Sở Nội vụ 3, VII.2 eight agencies 6, VII.3 Sở Ngoại vụ 1, VII.4 Báo PT-TH 1,
    # VII.5 two groups 4, VII.6 UBMTTQ + đoàn thể 2, Đoàn TN 1, Hội LHPN 1; VI.2 "đề nghị các cơ quan, đơn vị" 1;
    # bearers 1 + 8 + 1 + 1 + 2 + 2 + 1 + 1 + 1 (the group of VI.2) = 18
    LAI_CHAU: (20, 18),
    # VII.1 six Sở 5, VII.2 Sở Nội vụ 2, VII.3 Sở Tài chính 3, VII.4 UBND các xã, phường 4, VII.5 UBMTTQ + đoàn thể 3
    HA_TINH: (17, 11),
    # VII.1 six Sở a-đ 5, VII.2 Sở Nội vụ 2, VII.3 Sở Tài chính 1, VII.4 two Trung tâm 1, VII.5 UBND xã 4, VII.6 3
    DAK_LAK: (16, 12),
    # VII.1 two groups 2, VII.2 eight bodies 3, VII.3 Sở Nội vụ 3, VII.4 Sở Tài chính 1, VII.5 Sở Ngoại vụ 1, VII.6 1;
    # bearers 2 + 8 + 1 + 1 + 0 (Sở Ngoại vụ is already one of the eight) + 1 = 13
    DONG_NAI: (11, 13),
}


@pytest.mark.parametrize("file", sorted(DUTY_COUNTS))
def test_duty_counts(plans: dict[str, Plan], file: str) -> None:
    plan = plans[file]
    duties, bearers = DUTY_COUNTS[file]
    assert len(plan.duties) == duties
    found = {a.agency for d in plan.duties for a in d.assignments
             if a.role in (Role.LEAD, Role.REQUESTED, Role.FOCAL_POINT, Role.STANDING, Role.ADVISOR)}
    assert len(found) == bearers


def test_commune_bodies_and_their_sub_items(plans: dict[str, Plan]) -> None:
    plan = plans[HA_DONG]
    assert names(task(plan, "IV.3.a-1"), Role.LEAD) == ["Ủy ban Mặt trận Tổ quốc Việt Nam xã"]
    assert names(task(plan, "IV.3.b-7"), Role.LEAD) == ["Hội Nông dân xã"]
    assert task(plan, "IV.3.b-7").text.startswith("Vận động hội viên tích cực tham gia phát triển kinh tế")
    # "Phối hợp với Phòng Văn hóa – Xã hội rà soát …": the co-operating body is a co-lead
    assert names(task(plan, "IV.2-3"), Role.CO_LEAD) == ["Phòng Văn hóa - Xã hội"]
    # a duty starting "Tham mưu" gives the advisory role
    assert names(task(plan, "IV.1-1"), Role.ADVISOR) == ["Phòng Văn hóa - Xã hội"]


def test_factored_list_heading(plans: dict[str, Plan]) -> None:
    """"2. Các sở: Y tế, Giáo dục và Đào tạo, …, Tài chính và Công an tỉnh" is eight agencies."""
    duty = task(plans[LAI_CHAU], "VII.2-1")
    assert names(duty, Role.LEAD) == [
        "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch", "Sở Xây dựng", "Sở Công Thương", "Sở Tài chính", "Công an tỉnh"]
    duty = task(plans[HA_TINH], "VII.1-1")
    assert names(duty, Role.LEAD) == [
        "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Ngoại vụ"]


def test_roles_from_prose(plans: dict[str, Plan]) -> None:
    # "Là cơ quan đầu mối" (Lai Châu) and "Là cơ quan Thường trực" (Đồng Nai)
    assert names(task(plans[LAI_CHAU], "VII.1-1"), Role.FOCAL_POINT) == ["Sở Nội vụ"]
    assert [a.name for a in plans[LAI_CHAU].focal_points] == ["Sở Nội vụ"]
    standing = task(plans[DONG_NAI], "VII.3.a")
    assert names(standing, Role.STANDING) == ["Sở Nội vụ"]
    assert names(standing, Role.CO_LEAD) == ["Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"]
    # "Đề nghị …" headings give the requested role, also to members named inside a dash item
    assert names(task(plans[LAI_CHAU], "VII.6-3"), Role.REQUESTED) == ["Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh"]
    requested = task(plans[DONG_NAI], "VII.6")
    assert names(requested, Role.REQUESTED) == ["Liên hiệp các tổ chức hữu nghị thành phố"]
    assert names(requested, Role.CO_LEAD)[0] == "Hội Hữu nghị Việt Nam - ASEAN"


def test_reporting_channel_and_budget_are_not_co_leads(plans: dict[str, Plan]) -> None:
    """"báo cáo UBND tỉnh (qua Sở Nội vụ)" and "Trên cơ sở dự toán của Sở Nội vụ" name no co-lead."""
    assert names(task(plans[HA_TINH], "VII.3-1"), Role.CO_LEAD) == []
    assert names(task(plans[DAK_LAK], "VII.3-1"), Role.CO_LEAD) == []
    duty = task(plans[HA_TINH], "VII.1-1")
    assert "qua Sở Nội vụ" in duty.text and names(duty, Role.CO_LEAD) == []


def test_closing_paragraph_is_not_a_duty(plans: dict[str, Plan]) -> None:
    assert not any(d.text.startswith("Định kỳ hằng năm") for d in plans[HA_TINH].duties)
    assert not any(d.text.startswith("Trên đây là") for p in plans.values() for d in p.duties)


def test_paragraph_cut_by_a_page_break_is_joined(plans: dict[str, Plan]) -> None:
    duty = task(plans[DAK_LAK], "VII.5.d")
    assert duty.text.endswith("trên cơ sở phù hợp với chức năng, nhiệm vụ và quyền hạn theo quy định của pháp luật.")
    assert (duty.span.first, duty.span.last) == (172, 174)
    duty = task(plans[DAK_LAK], "VII.1.a")
    assert "Kế hoạch triển khai thực hiện báo cáo UBND tỉnh trước ngày 30/7/2026" in duty.text


def test_no_table_plans_have_no_tasks(plans: dict[str, Plan]) -> None:
    for file in (HA_DONG, LAI_CHAU, DAK_LAK):
        assert plans[file].tasks == [] and not plans[file].has_table
    missing = [p.what for p in plans[LAI_CHAU].problems]
    assert "appendix-missing" in missing

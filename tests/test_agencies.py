"""Splitting agency lists: unit cases for each rule of kg/agencies.py."""

from __future__ import annotations

import pytest

from kg.agencies import AgencyReader, Locality
from kg.model import Category, Role

PROVINCE = AgencyReader(Locality("tỉnh", ("Hà Tĩnh",)))
CITY = AgencyReader(Locality("thành phố", ("Đồng Nai",)))
COMMUNE = AgencyReader(Locality("xã", ("Hà Đông", "Hải Phòng"), commune=True))


def read(reader: AgencyReader, text: str, role: Role = Role.LEAD, **options: bool) -> list[tuple[str, str]]:
    return [(m.agency.name, m.role.value) for m in reader.read(text, role, **options).mentions]


@pytest.mark.parametrize(("text", "expected"), [
    ("Sở Văn hóa, Thể thao và Du lịch", [("Sở Văn hóa, Thể thao và Du lịch", "chu-tri")]),
    ("Sở Nội vụ và Sở Y tế", [("Sở Nội vụ", "chu-tri"), ("Sở Y tế", "chu-tri")]),
    ("Sở Giáo dục và Đào tạo và Sở Văn hóa, Thể thao và Du lịch",
     [("Sở Giáo dục và Đào tạo", "chu-tri"), ("Sở Văn hóa, Thể thao và Du lịch", "chu-tri")]),
    ("Sở VHTTDL; Sở GD&ĐT", [("Sở Văn hóa, Thể thao và Du lịch", "chu-tri"), ("Sở Giáo dục và Đào tạo", "chu-tri")]),
    ("SỞ Y TẾ, sở nội vụ", [("Sở Y tế", "chu-tri"), ("Sở Nội vụ", "chu-tri")]),
    ("Sở Y tế phối hợp với Công an tỉnh", [("Sở Y tế", "chu-tri"), ("Công an tỉnh", "phoi-hop")]),
])
def test_split(text: str, expected: list[tuple[str, str]]) -> None:
    assert read(PROVINCE, text) == expected


def test_factored_list() -> None:
    text = "Các sở: Y tế, Giáo dục và Đào tạo, Văn hóa, Thể thao và Du lịch, Tài chính và Công an tỉnh"
    assert [name for name, _ in read(PROVINCE, text)] == [
        "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Sở Tài chính", "Công an tỉnh"]


def test_guiding_bodies_end_at_the_first_local_agency() -> None:
    text = "Theo hướng dẫn của Bộ Văn hóa, Thể thao và Du lịch/ Cục Thể dục thể thao Việt Nam Sở Y tế"
    assert read(PROVINCE, text, Role.CO_LEAD) == [("Bộ Văn hóa, Thể thao và Du lịch", "huong-dan"),
                                                 ("Cục Thể dục thể thao Việt Nam", "huong-dan"),
                                                 ("Sở Y tế", "phoi-hop")]


def test_level_word_and_scope() -> None:
    police = CITY.read("Công an thành phố").mentions[0].agency
    assert (police.name, police.scope, police.category) == ("Công an thành phố", "own", Category.POLICE_MILITARY)
    city = COMMUNE.read("UBND thành phố").mentions[0].agency
    assert (city.ident, city.scope) == ("ubnd", "province")  # the city of a commune plan
    own = COMMUNE.read("Ủy ban nhân dân xã").mentions[0].agency
    assert (own.ident, own.scope) == ("ubnd", "own")
    ministry = PROVINCE.read("Bộ Nội vụ").mentions[0].agency
    assert ministry.scope == "central"


def test_collectives_stay_groups() -> None:
    groups = PROVINCE.read("UBND các xã, phường; các sở, ban, ngành có liên quan").agencies()
    assert [(a.name, a.is_group) for a in groups] == [("Ủy ban nhân dân các xã, phường", True),
                                                      ("Các sở, ban, ngành", True)]


def test_unknown_name_is_kept_and_flagged() -> None:
    found = PROVINCE.read("Sở Y tế; Trung tâm Kiểm soát bệnh tật tỉnh, Viện Nghiên cứu Phát triển Hà Tĩnh")
    assert [a.name for a in found.unknown] == ["Trung tâm Kiểm soát bệnh tật tỉnh", "Viện Nghiên cứu Phát triển Hà Tĩnh"]
    assert all(not a.known for a in found.unknown)


def test_strict_prose_stops_at_the_first_other_word() -> None:
    text = "Sở Nội vụ, các cơ quan, đơn vị có liên quan thực hiện các nhiệm vụ của Sở Tài chính"
    assert [name for name, _ in read(PROVINCE, text, Role.CO_LEAD, strict=True)] == [
        "Sở Nội vụ", "Các cơ quan, đơn vị"]


def test_agency_name_inside_a_company_name_is_not_an_agency() -> None:
    """In a cell the company is kept whole (an unknown name for a person to look at); in prose
    nothing is read; "Bảo hiểm Xã hội tỉnh" is never taken out of it."""
    cell = PROVINCE.read("Công ty Cổ phần Bảo hiểm Xã hội tỉnh Xanh; Sở Y tế", Role.CO_LEAD)
    assert [(a.name, a.known) for a in cell.agencies()] == [("Công ty Cổ phần Bảo hiểm Xã hội tỉnh Xanh", False),
                                                            ("Sở Y tế", True)]
    prose = PROVINCE.read("phối hợp với Công ty Cổ phần Bảo hiểm Xã hội tỉnh Xanh", Role.LEAD, strict=True)
    assert prose.mentions == []
    inside = PROVINCE.read("Sở Y tế, Tổng công ty Bảo hiểm Xã hội tỉnh", Role.CO_LEAD, strict=True)
    assert [a.name for a in inside.agencies()] == ["Sở Y tế"]

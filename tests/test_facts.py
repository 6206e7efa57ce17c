"""Tests of kg.facts on the five real plans, plus regressions and properties.

How the expected values were counted, by reading each plan (line numbers are the file's, 1-based):

000 Hà Đông (commune of Hải Phòng), 267 lines, no appendix table.
    References: line 11 "Thực hiện Kế hoạch số 168/KH-UBND ngày 06/5/2026 của Ủy ban nhân dân thành phố
    Hải Phòng" (the opening, implemented); line 19 (Mục đích a): 59-NQ/TW 24/01/2025 (twice, the second
    inside 153/NQ-CP's title), 153/NQ-CP 31/5/2025, 155/QĐ-TTg 20/01/2026 ("Tiếp tục ... triển khai":
    not an implements). 4 distinct. Line 3 "Số: /KH-UBND" is the plan's own (blank) number.
    Targets (2. Mục tiêu cụ thể, lines 51-59): 5 — trên 90% CBCCVC (51), 100% thôn xóm (53, "Phân đầu"
    is a typo for "Phấn đấu"), BHYT đạt trên 95% (55), đạt 90% rác thải (57), 100% trẻ em (59). "Giảm
    tỷ lệ hộ nghèo" (55) has no number: not a quantified target.
    Reporting: none with a date (235 "Định kỳ báo cáo ... qua Phòng Văn hoá – xã hội xã" has none).
    Milestones (V.2, lines 245-251): 3 — Đầu năm 2026, Giai đoạn 2026 - 2030, Năm 2030; line 245
    "Được triển khai từ năm 2026 đến hết năm 2030" is the period, not a milestone.
    Funding: no KINH PHÍ section (funding is only a duty of the finance officer, line 155): 0.
001 Lai Châu, 193 lines, "(Có Phụ lục kèm theo)" but no table.
    References: 155/QĐ-TTg (11, opening, implemented; again 17), 3079/QĐ-UBND "ngày 09 tháng 12 năm
    2025 của Ủy ban nhân dân tỉnh" (117). 2.
    Targets: 1 — "Phấn đấu trên 70% cán bộ, công chức, viên chức ..." (47).
    Reporting: 141 and 161, both "gửi về Ủy ban nhân dân tỉnh (qua Sở Nội vụ) trước ngày 01/11 hằng
    năm": 2 recurring. 153 "(hoàn thành trước ngày 30/6/2026)" is the deadline to write the communes'
    own plans, not a report: excluded.
    Milestones (IV.2, 65-69): 3 — Năm 2026, Giai đoạn 2026 - 2030, Năm 2030.
    Funding (VI, 115-117): 2 numbered items.
002 Hà Tĩnh, 281 lines, 5-column table.
    References: 155/QĐ-TTg (11 opening, implemented; again 17), 3862/SNV-CCHC&VTLT (11, in "xét đề nghị
    của Sở Nội vụ tại văn bản số ...": not implemented), 59-KL/TW 08/8/2023 and 59-NQ/TW 24/02/2025
    (17). 4. The 59-NQ/TW date differs from 000's 24/01/2025: a cross-plan conflict.
    Targets: 1 — "đảm bảo trên 90% cán bộ, công chức, viên chức ..." (47).
    Reporting: 133 and 161 "báo cáo UBND tỉnh (qua Sở Nội vụ) trước ngày 31/7/2026" (one-off each);
    177-179 "Định kỳ hằng năm (trước ngày 01/11) và báo cáo tổng kết 05 năm (trước ngày [page break]
    01/11/2030)": one recurring and one one-off. 4.
    Milestones (IV.2, 63-67): 3 — Tháng 7 năm 2026, Giai đoạn 2026 - 2030, Năm 2030.
    Funding (VI, 127): 1 unnumbered paragraph.
003 Đắk Lắk, 208 lines, Markdown headings and bold.
    References: 59-KL/TW and 155/QĐ-TTg both in the opening "Thực hiện" sentence (11): 2, implemented.
    Targets: 1 — "Đảm bảo trên 90% ..." (49).
    Reporting: 140 and 166 "báo cáo UBND tỉnh trước ngày 30/7/2026, đồng thời gửi Sở Nội vụ" (one-off);
    186 (VIII. CHẾ ĐỘ BÁO CÁO) "Định kỳ hằng năm trước ngày 15/11 ... về Sở Nội vụ để tổng hợp, báo cáo
    UBND tỉnh" (recurring; read as UBND tỉnh via Sở Nội vụ). 3.
    Milestones (IV, 68-80): 6 — three under "a) Giai đoạn 2026 - 2030", three under "b) Giai đoạn
    2031 - 2035"; the two sub-headings are not milestones.
    Funding (VI, 130-132): 2 numbered items.
004 Đồng Nai, 387 lines, 4-column table.
    References: 155/QĐ-TTg (11 opening, implemented, no issuer there; "của Thủ tướng Chính phủ" at 19),
    226/TTr-SNV and 414/TTr-SNV ("các Tờ trình số 226/TTr-SNV ngày 05/6/2026 và số 414/TTr-SNV ngày
    30/6/2026", 13, "Theo đề xuất": not implemented). 3.
    Targets: 1 — "Đến năm 2030, 60% cán bộ, công chức, viên chức ..." (49), year 2030, no comparator word.
    Reporting: 197 "Định kỳ hằng năm trước ngày 15/11 ... về UBND thành phố (qua Sở Nội vụ tổng hợp)": 1.
    Milestones (IV.2, 137-141): 3 — "a) Trước ngày 30/7/2026,", "b) Giai đoạn 2026-2030:", "c) Năm 2030:".
    Funding (V, 145-147): 2 numbered items.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import facts
from kg.errors import InputError
from kg.model import AgencyRef, Category, Span
from kg.text import Document, from_bytes, load

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"
FILES = {path.name[:3]: path for path in sorted(PLANS.glob("*.txt"))}
CSCCVC = "cán bộ, công chức, viên chức"

_NAMES = ("Ủy ban nhân dân các xã, phường", "UBND các xã, phường", "Ủy ban nhân dân tỉnh", "UBND tỉnh",
          "UBND thành phố", "Sở Nội vụ", "các sở, ban, ngành", "Các sở, ngành tỉnh",
          "các cơ quan, đơn vị, địa phương", "Công an tỉnh")
_NAME_RE = re.compile("|".join(re.escape(n) for n in sorted(_NAMES, key=len, reverse=True)), re.IGNORECASE)


def fake_resolve(text: str, line: int) -> list[AgencyRef]:
    """A stand-in for the gazetteer: knows a few names, returns them as written."""
    return [AgencyRef(ident=m.group().lower(), scope="own", category=Category.OTHER, kind=None,
                      name=m.group(), mention=m.group()) for m in _NAME_RE.finditer(text)]


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {key: load(path) for key, path in FILES.items()}


def test_all_five_plans_are_present() -> None:
    assert sorted(FILES) == ["000", "001", "002", "003", "004"]


# ------------------------------------------------------------------------------------ references
REFERENCES = {  # identifier: (doc_type, date, issuer, implemented, first line)
    "000": {"168/KH-UBND": ("ke-hoach", "2026-05-06", "Ủy ban nhân dân thành phố Hải Phòng", True, 11),
            "59-NQ/TW": ("nghi-quyet", "2025-01-24", "Bộ Chính trị", False, 19),
            "153/NQ-CP": ("nghi-quyet", "2025-05-31", "Chính phủ", False, 19),
            "155/QĐ-TTg": ("quyet-dinh", "2026-01-20", "Thủ tướng Chính phủ", False, 19)},
    "001": {"155/QĐ-TTg": ("quyet-dinh", "2026-01-20", "Thủ tướng Chính phủ", True, 11),
            "3079/QĐ-UBND": ("quyet-dinh", "2025-12-09", "Ủy ban nhân dân tỉnh", False, 117)},
    "002": {"155/QĐ-TTg": ("quyet-dinh", "2026-01-20", "Thủ tướng Chính phủ", True, 11),
            "3862/SNV-CCHC&VTLT": ("cong-van", "2026-06-30", "Sở Nội vụ", False, 11),
            "59-KL/TW": ("ket-luan", "2023-08-08", "Bộ Chính trị", False, 17),
            "59-NQ/TW": ("nghi-quyet", "2025-02-24", "Bộ Chính trị", False, 17)},
    "003": {"59-KL/TW": ("ket-luan", "2023-08-08", "Bộ Chính trị", True, 11),
            "155/QĐ-TTg": ("quyet-dinh", "2026-01-20", "Thủ tướng Chính phủ", True, 11)},
    "004": {"155/QĐ-TTg": ("quyet-dinh", "2026-01-20", "Thủ tướng Chính phủ", True, 11),
            "226/TTr-SNV": ("to-trinh", "2026-06-05", "Sở Nội vụ", False, 13),
            "414/TTr-SNV": ("to-trinh", "2026-06-30", "Sở Nội vụ", False, 13)},
}


@pytest.mark.parametrize("plan", sorted(REFERENCES))
def test_references_of_each_plan(docs: dict[str, Document], plan: str) -> None:
    refs = facts.references(docs[plan])
    assert [r.identifier for r in refs] == list(REFERENCES[plan])
    for ref in refs:
        doc_type, iso, issuer, implemented, line = REFERENCES[plan][ref.identifier]
        assert (ref.doc_type, ref.date, ref.issuer, ref.implemented, ref.span) == (
            doc_type, iso, issuer, implemented, Span(line, line)), ref.identifier
        assert ref.year == int(iso[:4])


def test_reference_titles(docs: dict[str, Document]) -> None:
    by_id = {r.identifier: r.title or "" for r in facts.references(docs["000"])}
    assert by_id["59-NQ/TW"] == "Hội nhập quốc tế trong tình hình mới"
    assert by_id["155/QĐ-TTg"].startswith("Phê duyệt Chương trình hành động thực hiện Kế hoạch")
    assert by_id["155/QĐ-TTg"].endswith("giai đoạn 2026 - 2035")
    assert by_id["168/KH-UBND"].startswith("Hành động thực hiện “Chương trình")
    assert by_id["153/NQ-CP"].startswith("Ban hành Chương trình hành động của Chính phủ")
    assert {r.identifier: r.title for r in facts.references(docs["003"])}["59-KL/TW"] == (
        "Định hướng tham gia ASEAN đến năm 2030")
    assert facts.references(docs["001"])[1].title is None  # 3079: "… của UBND tỉnh để triển khai"


def test_155_titles_agree_across_plans(docs: dict[str, Document]) -> None:
    titles = {next(r.title for r in facts.references(d) if r.identifier == "155/QĐ-TTg") for d in docs.values()}
    assert len(titles) == 1  # "phê duyệt", "về phê duyệt", "về Phê duyệt", "về việc Phê duyệt"


def test_no_date_conflicts_inside_a_plan(docs: dict[str, Document]) -> None:
    assert all(facts.reference_conflicts(d) == [] for d in docs.values())


def test_59_nq_tw_is_dated_differently_in_000_and_002(docs: dict[str, Document]) -> None:
    dates = {k: {r.identifier: r.date for r in facts.references(docs[k])}["59-NQ/TW"] for k in ("000", "002")}
    assert dates == {"000": "2025-01-24", "002": "2025-02-24"}


def test_conflicting_date_in_one_plan_keeps_the_first() -> None:
    doc = from_bytes("Nghị quyết số 59-NQ/TW ngày 24/01/2025 của Bộ Chính trị.\n\n"
                     "Theo Nghị quyết số 59-NQ/TW ngày 24/02/2025.\n".encode(), name="x.txt")
    assert facts.references(doc)[0].date == "2025-01-24"
    (problem,) = facts.reference_conflicts(doc)
    assert (problem.file, problem.line, problem.what) == ("x.txt", 3, "reference-date-conflict")


def test_own_number_and_appendix_number_are_not_references() -> None:
    doc = from_bytes("Số: 12/KH-UBND\n(kèm theo Kế hoạch số: 12/KH-UBND ngày 01/7/2026 của UBND tỉnh)\n"
                     "Thực hiện Kế hoạch số 168/KH-UBND ngày 06/5/2026.\nI. MỤC ĐÍCH\n".encode(), name="t")
    assert [r.identifier for r in facts.references(doc)] == ["168/KH-UBND"]


def test_list_of_numbers_inherits_the_type_and_codes_give_issuer_and_year() -> None:
    doc = from_bytes("Căn cứ các Tờ trình số 1/TTr-SNV ngày 5/6/2026 và số 2/TTr-SNV; Quyết định "
                     "19/2025/QĐ-TTg; Nghị quyết số 59-NQ/TW; văn bản số 7/SNV-VP.".encode(), name="t")
    got = [(r.identifier, r.doc_type, r.year, r.issuer, r.date) for r in facts.references(doc)]
    assert got == [("1/TTr-SNV", "to-trinh", 2026, "Sở Nội vụ", "2026-06-05"),
                   ("2/TTr-SNV", "to-trinh", None, "Sở Nội vụ", None),
                   ("19/2025/QĐ-TTg", "quyet-dinh", 2025, "Thủ tướng Chính phủ", None),
                   ("59-NQ/TW", "nghi-quyet", None, "Ban Chấp hành Trung ương", None),
                   ("7/SNV-VP", "cong-van", None, "Sở Nội vụ", None)]


def test_law_number_keeps_its_legislature_digits() -> None:
    doc = from_bytes("theo Luật số 83/2015/QH13 ngày 25 tháng 6 năm 2015.".encode(), name="t")
    assert [(r.identifier, r.doc_type, r.issuer, r.date) for r in facts.references(doc)] == [
        ("83/2015/QH13", "luat", "Quốc hội", "2015-06-25")]


def test_only_the_opening_thuc_hien_clause_implements() -> None:
    doc = from_bytes("Thực hiện Quyết định số 1/QĐ-TTg; Nghị quyết số 2/NQ-CP; xét đề nghị của Sở Nội vụ "
                     "tại văn bản số 3/SNV-VP.\nTheo Tờ trình số 4/TTr-SNV.\nI. MỤC ĐÍCH\n"
                     "Thực hiện Quyết định số 5/QĐ-TTg.\n".encode(), name="t")
    assert [(r.identifier, r.implemented) for r in facts.references(doc)] == [
        ("1/QĐ-TTg", True), ("2/NQ-CP", True), ("3/SNV-VP", False), ("4/TTr-SNV", False), ("5/QĐ-TTg", False)]


# --------------------------------------------------------------------------------------- targets
TARGETS: dict[str, list[tuple[int, float, str, str, str, int | None]]] = {  # (line, value, comparator, comparator_text, subject start, year)
    "000": [(51, 90.0, "gt", "trên", CSCCVC + " của địa phương có hiểu biết cơ bản", None),
            (53, 100.0, "eq", "", 'các thôn xóm triển khai phong trào "Toàn dân', None),
            (55, 95.0, "gt", "đạt trên", "tỷ lệ người dân tham gia BHYT", None),
            (57, 90.0, "eq", "đạt", "rác thải sinh hoạt được thu gom, xử lý", None),
            (59, 100.0, "eq", "", "trẻ em đúng độ tuổi được đến trường", None)],
    "001": [(47, 70.0, "gt", "trên", CSCCVC + " có hiểu biết cơ bản", None)],
    "002": [(47, 90.0, "gt", "trên", CSCCVC + " có hiểu biết cơ bản", None)],
    "003": [(49, 90.0, "gt", "trên", CSCCVC + " có hiểu biết cơ bản", None)],
    "004": [(49, 60.0, "eq", "", CSCCVC + " có hiểu biết cơ bản", 2030)],
}
ASCC_SUBJECT_END = "về Cộng đồng Văn hóa - Xã hội ASEAN và các lợi ích mang lại"


@pytest.mark.parametrize("plan", sorted(TARGETS))
def test_targets_of_each_plan(docs: dict[str, Document], plan: str) -> None:
    got = facts.targets(docs[plan])
    assert len(got) == len(TARGETS[plan])
    for target, (line, value, comparator, words, subject, year) in zip(got, TARGETS[plan], strict=True):
        assert (target.span, target.value, target.unit, target.comparator, target.comparator_text,
                target.year) == (Span(line, line), value, "%", comparator, words, year)
        assert target.subject.startswith(subject), target.subject
        assert f"{target.value:g}%" in target.sentence


def test_target_subjects_end_at_the_clause(docs: dict[str, Document]) -> None:
    for plan in ("001", "002", "003", "004"):
        assert facts.targets(docs[plan])[0].subject.endswith(ASCC_SUBJECT_END)
    thon = facts.targets(docs["000"])[1].subject
    assert thon.endswith("gắn với bản sắc ASEAN (thân thiện, hiếu khách)")


def test_comparators_and_years() -> None:
    doc = from_bytes("- Đến năm 2030, ít nhất 80% xã đạt chuẩn; dưới 5% hộ nghèo.\n"
                     "- Tỷ lệ bao phủ không quá 10%; từ 50% trở lên trường học.\n".encode(), name="t")
    assert [(t.value, t.comparator, t.subject, t.year) for t in facts.targets(doc)] == [
        (80.0, "ge", "xã đạt chuẩn", 2030), (5.0, "lt", "hộ nghèo", 2030),
        (10.0, "le", "Tỷ lệ bao phủ", None), (50.0, "ge", "trường học", None)]


def test_numbers_without_a_unit_are_not_targets(docs: dict[str, Document]) -> None:
    doc = from_bytes("Giai đoạn 2026 - 2030, 12 mục tiêu chiến lược, báo cáo 05 năm, ngày 20/01/2026, "
                     "Quyết định số 155/QĐ-TTg.".encode(), name="t")
    assert facts.targets(doc) == []


# ------------------------------------------------------------------------------------- reporting
REPORTING = {  # (first line, last line, recurring, year, month, day, report_to, via, reported_by)
    "000": [],
    "001": [(141, 141, True, None, 11, 1, "Ủy ban nhân dân tỉnh", "Sở Nội vụ", ["Công an tỉnh"]),
            (161, 161, True, None, 11, 1, "Ủy ban nhân dân tỉnh", "Sở Nội vụ",
             ["Các sở, ngành tỉnh", "Ủy ban nhân dân các xã, phường"])],
    "002": [(133, 133, False, 2026, 7, 31, "UBND tỉnh", "Sở Nội vụ", []),
            (161, 161, False, 2026, 7, 31, "UBND tỉnh", "Sở Nội vụ", ["UBND các xã, phường"]),
            (177, 179, True, None, 11, 1, "UBND tỉnh", "Sở Nội vụ", ["các cơ quan, đơn vị, địa phương"]),
            (177, 179, False, 2030, 11, 1, "UBND tỉnh", "Sở Nội vụ", ["các cơ quan, đơn vị, địa phương"])],
    "003": [(140, 140, False, 2026, 7, 30, "UBND tỉnh", "Sở Nội vụ", []),
            (166, 166, False, 2026, 7, 30, "UBND tỉnh", "Sở Nội vụ", ["UBND các xã, phường"]),
            (186, 186, True, None, 11, 15, "UBND tỉnh", "Sở Nội vụ", ["các Sở, ban, ngành", "UBND các xã, phường"])],
    "004": [(197, 197, True, None, 11, 15, "UBND thành phố", "Sở Nội vụ",
             ["các sở, ban, ngành", "UBND các xã, phường"])],
}


@pytest.mark.parametrize("plan", sorted(REPORTING))
def test_reporting_of_each_plan(docs: dict[str, Document], plan: str) -> None:
    got = [(r.span.first, r.span.last, r.recurring, r.year, r.month, r.day, r.report_to and r.report_to.name,
            r.via and r.via.name, [a.name for a in r.reported_by]) for r in facts.reporting(docs[plan], fake_resolve)]
    assert got == REPORTING[plan]


def test_reporting_description_is_the_sentence(docs: dict[str, Document]) -> None:
    (first, *_) = facts.reporting(docs["004"], fake_resolve)
    assert first.description.startswith("Định kỳ hằng năm trước ngày 15/11, các sở, ban, ngành")
    assert first.description.endswith("(qua Sở Nội vụ tổng hợp).")


def test_a_work_deadline_is_not_a_reporting_deadline() -> None:
    doc = from_bytes("Các xã xây dựng kế hoạch (hoàn thành trước ngày 30/6/2026).\n"
                     "Các xã gửi kế hoạch về UBND tỉnh trước 15/7/2026.\n".encode(), name="t")
    assert [(r.span.first, r.day, r.month, r.year) for r in facts.reporting(doc, fake_resolve)] == [(2, 15, 7, 2026)]


def test_deadline_cut_by_a_page_break_is_read() -> None:
    doc = from_bytes("Định kỳ hằng năm (trước ngày 01/11) và báo cáo tổng kết (trước ngày\n\n01/11/2030), "
                     "các cơ quan báo cáo về UBND tỉnh.\n".encode(), name="t")
    assert [(r.recurring, r.year, r.span) for r in facts.reporting(doc, fake_resolve)] == [
        (True, None, Span(1, 3)), (False, 2030, Span(1, 3))]


# ------------------------------------------------------------------------- milestones and funding
MILESTONES = {
    "000": ["Đầu năm 2026", "Giai đoạn 2026 - 2030", "Năm 2030"],
    "001": ["Năm 2026", "Giai đoạn 2026 - 2030", "Năm 2030"],
    "002": ["Tháng 7 năm 2026", "Giai đoạn 2026 - 2030", "Năm 2030"],
    "003": ["Năm 2026", "Giai đoạn 2026 - 2029", "Năm 2030", "Nửa đầu năm 2031", "Giai đoạn 2031 - 2035",
            "Năm 2035"],
    "004": ["Trước ngày 30/7/2026", "Giai đoạn 2026-2030", "Năm 2030"],
}


@pytest.mark.parametrize("plan", sorted(MILESTONES))
def test_milestones_of_each_plan(docs: dict[str, Document], plan: str) -> None:
    got = facts.milestones(docs[plan])
    assert [m.when for m in got] == MILESTONES[plan]
    assert [m.year for m in got] == [int(re.findall(r"\d{4}", w)[0]) for w in MILESTONES[plan]]
    assert all(m.description and m.span.first == m.span.last for m in got)


def test_milestone_keeps_its_parenthesis(docs: dict[str, Document]) -> None:
    first = facts.milestones(docs["001"])[0]
    assert (first.span, first.description.endswith("(hoàn thành trong tháng 6 năm 2026).")) == (Span(65, 65), True)


FUNDING = {"000": [], "001": [115, 117], "002": [127], "003": [130, 132], "004": [145, 147]}


@pytest.mark.parametrize("plan", sorted(FUNDING))
def test_funding_of_each_plan(docs: dict[str, Document], plan: str) -> None:
    got = facts.funding(docs[plan])
    assert [f.span for f in got] == [Span(n, n) for n in FUNDING[plan]]
    assert all(not re.match(r"\d+\.", f.description) for f in got)


def test_funding_paragraph_cut_by_a_page_break_is_one_source() -> None:
    doc = from_bytes("## **V. KINH PHÍ THỰC HIỆN**\n\n1. Ngân sách nhà nước theo phân\n\ncấp hiện hành.\n\n"
                     "2. Nguồn xã hội hóa.\n\nVI. TỔ CHỨC THỰC HIỆN\n".encode(), name="t")
    assert [(f.description, f.span) for f in facts.funding(doc)] == [
        ("Ngân sách nhà nước theo phân cấp hiện hành.", Span(3, 5)), ("Nguồn xã hội hóa.", Span(7, 7))]


def test_find_section_ignores_case_and_tone_marks(docs: dict[str, Document]) -> None:
    assert facts.find_section(docs["003"], "Kinh phi thưc hiên") == range(129, 134)
    assert facts.find_section(docs["003"], "kinh phí") == facts.find_section(docs["003"], "KINH PHÍ")
    assert facts.find_section(docs["000"], "kinh phí") is None


# ------------------------------------------------------------------------------------ properties
def _everything(doc: Document) -> tuple[object, ...]:
    return (facts.references(doc), facts.reference_conflicts(doc), facts.targets(doc),
            facts.reporting(doc, fake_resolve), facts.milestones(doc), facts.funding(doc))


def _variant(text: str, nfd: bool, crlf: bool) -> Document:
    text = unicodedata.normalize("NFD", text) if nfd else text
    text = text.replace("\n", "\r\n") if crlf else text
    return from_bytes(text.encode("utf-8"), name="plan.txt")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=st.sampled_from(sorted(FILES)), nfd=st.booleans(), crlf=st.booleans())
def test_nfd_and_crlf_copies_read_the_same(plan: str, nfd: bool, crlf: bool) -> None:
    text = FILES[plan].read_text(encoding="utf-8")
    assert _everything(_variant(text, nfd, crlf)) == _everything(_variant(text, False, False))


_ALL_LINES = [line for path in FILES.values() for line in path.read_text(encoding="utf-8").splitlines()]


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.sampled_from(_ALL_LINES), min_size=1, max_size=30))
def test_shuffled_real_lines_read_the_same_in_nfd_with_crlf(lines: list[str]) -> None:
    text = "\n".join(lines) + "\nx\n"
    assert _everything(_variant(text, True, True)) == _everything(_variant(text, False, False))


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    try:
        doc = from_bytes(text.encode("utf-8", "surrogatepass"), name="random.txt")
    except InputError:
        return
    _everything(doc)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("Sốố:/-QĐTTgNWKH()“”\"., ;\n\t0123456789%trênđạtướcngàyhămI.a)")),
                    max_size=300))
def test_never_raises_on_plan_like_noise(text: str) -> None:
    try:
        doc = from_bytes(text.encode("utf-8"), name="noise.txt")
    except InputError:
        return
    _everything(doc)

"""Property-based tests: the same table, laid out differently, reads to the same tasks.

The rows are the real rows of the Hà Tĩnh appendix (goals 1-8, 29 tasks of which 2 have no STT,
goal rows in <p>…</p>, 5 columns). Hypothesis
re-wraps them at random page breaks (each cell of a row continued on a line with an empty STT, the
header repeated or not), reorders and renames the columns, and writes the file in NFD or with CRLF.

One limit is built into the generator, because it is a limit of the text itself: a row is only cut
inside its task text before a word in lower case. A continuation whose every cell starts with a
capital ("Cộng đồng …" | "Sở Y tế" | "UBND …") after a page break cannot be told from a new task
without a number, by a program or by a person.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import read_text
from kg.model import Plan, Role

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "data" / "plans" / "002_c1ec5b988e959e40.txt").read_text(encoding="utf-8").split("\n")
HEADER = SOURCE[203].split("\t")  # STT | MỤC TIÊU … | CƠ QUAN CHỦ TRÌ | THỜI GIAN TRIỂN KHAI | CƠ QUAN PHỐI HỢP
ROWS: list[list[str]] = []
for line in SOURCE[204:]:
    if line.startswith("<p>Mục tiêu chiến lược 9"):
        break
    cells = line.split("\t")
    if len(cells) == 5 and cells != HEADER and (cells[0].strip() or cells[1].strip()):
        if not cells[0].strip() and cells[1][:1].islower():
            ROWS[-1] = [f"{a} {b}".strip() for a, b in zip(ROWS[-1], cells, strict=True)]  # page break in the source
        else:
            ROWS.append(cells)

FRAME = """Số: /KH-UBND

Hà Tĩnh, ngày tháng năm 2026

KẾ HOẠCH

Triển khai Chương trình hành động trên địa bàn tỉnh Hà Tĩnh giai đoạn 2026 - 2030

I. MỤC ĐÍCH, YÊU CẦU

Nội dung.

PHỤ LỤC

"""
RENAMES = {1: ["MỤC TIÊU CHIẾN LƯỢC/ MỤC TIÊU", "Nội dung nhiệm vụ", "Tên nhiệm vụ"],
           2: ["CƠ QUAN CHỦ TRÌ", "Đơn vị chủ trì", "Cơ quan, đơn vị chủ trì"],
           3: ["THỜI GIAN TRIỂN KHAI", "Thời gian hoàn thành", "Thời hạn"],
           4: ["CƠ QUAN PHỐI HỢP", "Cơ quan, đơn vị phối hợp", "Đơn vị phối hợp"]}


def render(rows: list[list[str]], header: list[str]) -> str:
    return FRAME + "\n".join("\t".join(r) for r in [header, *rows]) + "\n"


def summary(plan: Plan) -> list[tuple[object, ...]]:
    return [(t.code, t.text, t.goal, t.objective, t.timeframe,
             tuple(a.name for a in t.agencies(Role.LEAD)), tuple(a.name for a in t.agencies(Role.CO_LEAD)),
             tuple(a.name for a in t.agencies(Role.GUIDING))) for t in plan.tasks]


BASELINE = summary(read_text(render(ROWS, HEADER), name="base.txt"))


def test_baseline_reads_every_row() -> None:
    assert len(BASELINE) == 29
    assert BASELINE[0][0] == "1.1.1" and BASELINE[26][0] == "6.3"
    assert [row[0] for row in BASELINE[27:]] == [None, None]  # goals 7 and 8: tasks without STT
    assert all(row[5] for row in BASELINE)  # every task has a lead


def _cut_points(cell: str, *, text: bool) -> list[int]:
    """Word boundaries where a cell may be cut (for the task text: before a lower-case word)."""
    points = []
    for index, char in enumerate(cell):
        if char == " " and index + 1 < len(cell) and (not text or cell[index + 1].islower()):
            points.append(index)
    return points


@st.composite
def layouts(draw: st.DrawFn) -> tuple[str, list[list[str]], list[str]]:
    order = draw(st.permutations(range(5)))
    header = [draw(st.sampled_from(RENAMES[i])) if i in RENAMES else HEADER[i] for i in range(5)]
    lines: list[list[str]] = []
    rows_out: list[str] = []
    for row in ROWS:
        is_task = bool(row[0].strip()) and row[0][0].isdigit() or (not row[0].strip() and row[2].strip())
        cut = is_task and draw(st.booleans())
        if not cut:
            lines.append(row)
        else:
            first, rest = [], []
            for index, cell in enumerate(row):
                points = _cut_points(cell, text=index == 1) if index else []
                at = draw(st.sampled_from([None, *points])) if points else None
                first.append(cell if at is None else cell[:at])
                rest.append("" if at is None else cell[at + 1:])
            lines.append(first)
            lines.append(["__BREAK__"])
            lines.append(rest)
        if draw(st.integers(0, 9)) == 0:
            lines.append(["__BREAK__"])
    repeat = draw(st.booleans())
    for line in lines:
        if line == ["__BREAK__"]:
            rows_out.append("")
            if repeat:
                rows_out.append("\t".join(header[i] for i in order))
            continue
        if line[0].strip() and not any(c.strip() for c in line[1:]):
            rows_out.append(line[0] + "\t" * 4)  # a merged cell (goal, objective): first column
        else:
            rows_out.append("\t".join(line[i] for i in order))
    text = FRAME + "\t".join(header[i] for i in order) + "\n" + "\n".join(rows_out) + "\n"
    return text, lines, header


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_rewrapped_reordered_renamed_table_reads_the_same(layout: tuple[str, list[list[str]], list[str]]) -> None:
    text, _, _ = layout
    assert summary(read_text(text, name="wrapped.txt")) == BASELINE


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts(), st.booleans(), st.booleans())
def test_nfd_and_crlf_read_the_same(layout: tuple[str, list[list[str]], list[str]], nfd: bool,
                                    crlf: bool) -> None:
    text, _, _ = layout
    if nfd:
        text = unicodedata.normalize("NFD", text)
    if crlf:
        text = text.replace("\n", "\r\n")
    assert summary(read_text(text, name="variant.txt")) == BASELINE


def test_real_plan_in_nfd_and_crlf_reads_identically() -> None:
    """The whole Đồng Nai plan, NFD + CRLF, gives the same goals, tasks, duties and agencies."""
    from kg.extract import read_document
    from kg.text import from_bytes

    raw = (ROOT / "data" / "plans" / "004_8cf9ffac5170058b.txt").read_text(encoding="utf-8")
    variant = unicodedata.normalize("NFD", raw).replace("\n", "\r\n")
    a = read_document(from_bytes(raw.encode("utf-8"), name="a.txt"))
    b = read_document(from_bytes(variant.encode("utf-8"), name="a.txt"))
    assert summary(a) == summary(b)
    assert [(d.key, d.text, [x.agency for x in d.assignments]) for d in a.duties] == \
        [(d.key, d.text, [x.agency for x in d.assignments]) for d in b.duties]
    assert [(g.number, g.title) for g in a.goals] == [(g.number, g.title) for g in b.goals]


def test_markdown_pipe_table_reads_the_same() -> None:
    rows = [HEADER, ["---"] * 5, *ROWS]
    text = FRAME + "\n".join("| " + " | ".join(c.strip() for c in r) + " |" for r in rows) + "\n"
    assert summary(read_text(text, name="pipe.md")) == BASELINE


def test_agency_column_first_continued_alone_after_a_page_break() -> None:
    """Found by Hypothesis: with CƠ QUAN PHỐI HỢP as the first column, task 5.3's co-lead cell cut after
    "Sở" continues alone on the next page ("Giáo dục và Đào tạo; Sở Văn hóa, …"), which looks like a
    cell merged across the row; joined to the cell above it names known agencies, so it continues it."""
    order = [4, 1, 2, 3, 0]  # co-lead first, STT last
    rows = []
    for row in ROWS:
        if row[0].strip() == "5.3":
            colead = row[4]
            assert colead.startswith("Sở Giáo dục và Đào tạo")
            rows += [[*row[:4], "Sở"], ["__BREAK__"], ["", "", "", "", colead[len("Sở "):]]]
        else:
            rows.append(row)
    lines = []
    for row in rows:
        if row == ["__BREAK__"]:
            lines.append("")
        elif row[0].strip() and not any(c.strip() for c in row[1:]):
            lines.append(row[0] + "\t" * 4)
        else:
            lines.append("\t".join(row[i] for i in order))
    text = FRAME + "\t".join(HEADER[i] for i in order) + "\n" + "\n".join(lines) + "\n"
    assert summary(read_text(text, name="colead-first.txt")) == BASELINE

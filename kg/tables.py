"""Read the appendix table of a plan: strategic goals, objectives and tasks with their agencies.

The tables are tab-separated text pulled from Word or PDF (or Markdown pipe tables). Columns are
found by their header words, not their position. The reader copes with what page breaks do to them:
the header repeated; a row split across the break continuing on a line with an empty STT cell that
carries the rest of each cell; goal and objective rows in ``<p>…</p>`` or wrapped onto a line without
tabs; dash lines; tasks with no STT but full cells; STT with a trailing dot; numbering gaps (kept and
reported, never filled).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from kg.agencies import AgencyReader
from kg.model import Assignment, Goal, Objective, Problem, Role, Span, Task
from kg.slug import fold, strip_accents
from kg.text import Document

# Header words that name a column (folded: case and tone marks ignored).
_COLUMNS = (
    ("stt", ("stt", "so tt", "số tt", "tt")),
    ("lead", ("chu tri",)),
    ("colead", ("phoi hop",)),
    ("time", ("thoi gian", "thoi han", "tien do")),
    ("product", ("san pham", "ket qua")),
    ("text", ("muc tieu", "nhiem vu", "noi dung", "ten")),
)
_GOAL = re.compile(r"^\s*(?:\d+\.\s*)?Mục\s+tiêu\s+chiến\s+lược\s+(?:số\s+)?(\d{1,2})\s*[:.\-–]?\s*(.*)$",
                   re.IGNORECASE | re.DOTALL)
_OBJECTIVE = re.compile(r"^\s*Mục\s+tiêu\s+(\d{1,2}(?:\.\d{1,2})+)\.?\s*[:.\-–]?\s*(.*)$",
                        re.IGNORECASE | re.DOTALL)
_CODE = re.compile(r"^\d{1,2}(?:\.\d{1,3}){0,3}\.?$")
_DASH_LINE = re.compile(r"^[\s\-–—_=|:+.]*$")
_P_TAGS = re.compile(r"</?p\s*>", re.IGNORECASE)
_GOAL_PREFIX = re.compile(r"^\s*(?:<p>\s*)?(?:\d+\.\s*)?Mục\s+tiêu\s+chiến\s+lược\s+(?:số\s+)?\d{1,2}"
                          r"\s*[:.\-–]?\s*", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """Folded words without punctuation, for comparing wordings."""
    return re.findall(r"[^\W_]+", fold(text))


def _fold_plain(text: str) -> str:
    """Lower-case text without diacritics, for matching header words."""
    return " ".join(strip_accents(text).lower().split())


@dataclass
class Columns:
    """Index of each known column in a header row."""

    index: dict[str, int]
    width: int

    def cell(self, cells: list[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()


def read_header(cells: list[str]) -> Columns | None:
    """Map a header row's cells to columns, or None when it is not a task table header.

    >>> read_header(["STT", "Nội dung", "Thời gian hoàn thành", "Đơn vị chủ trì", "Cơ quan, đơn vị phối hợp"]).index
    {'stt': 0, 'text': 1, 'time': 2, 'lead': 3, 'colead': 4}
    """
    index: dict[str, int] = {}
    for position, cell in enumerate(cells):
        folded = _fold_plain(cell.strip())
        if not folded:
            continue
        for name, words in _COLUMNS:
            if name in index:
                continue
            if name == "stt" and folded not in words:
                continue
            if name != "stt" and not any(w in folded for w in words):
                continue
            if name == "colead" and "chu tri" in folded:
                continue
            index[name] = position
            break
    if "lead" not in index or "text" not in index:
        return None
    return Columns(dict(sorted(index.items(), key=lambda item: item[1])), len(cells))


def split_cells(line: str) -> list[str] | None:
    """Cells of a table line (tab-separated or a Markdown pipe row), or None for a plain line.

    >>> split_cells("| 1.1 | Nội dung | Sở Y tế |")
    ['1.1', 'Nội dung', 'Sở Y tế']
    >>> split_cells("văn bản thường") is None
    True
    """
    if "\t" in line:
        return line.split("\t")
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        return [cell.strip() for cell in stripped.strip("|").split("|")]
    return None


@dataclass
class _Row:
    kind: str  # goal | objective | task | text
    span: Span
    cells: dict[str, str] = field(default_factory=dict)
    goal: int | None = None
    code: str | None = None


@dataclass
class TableResult:
    """Everything read from the appendix table(s) of one plan."""

    goals: list[Goal] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    found: bool = False


def split_goal_text(text: str, canonical: str | None) -> tuple[str, str | None]:
    """Split a goal row into the goal's title and the objective sentence run on after it.

    Uses the national wording of the goal (``canonical``) to find where the title ends.

    >>> split_goal_text("Phát triển thể thao. Xây dựng một cộng đồng", "Phát triển thể thao")
    ('Phát triển thể thao', 'Xây dựng một cộng đồng')
    """
    parts = [p.strip() for p in _P_TAGS.split(text) if p.strip()]
    if len(parts) >= 2:
        return parts[0].rstrip(" ."), " ".join(parts[1:])
    text = parts[0] if parts else ""
    if not canonical:
        return text.rstrip(" ."), None
    target = _words(canonical)
    candidates = set()
    words = list(re.finditer(r"\S+", text))
    for word in words[1:]:
        if word.group()[0].isupper():
            candidates.add(word.start())

    def score(cut: int) -> float:
        return SequenceMatcher(None, _words(text[:cut]), target, autojunk=False).ratio()

    best, best_score = 0, -1.0
    for cut in [*sorted(candidates), len(text)]:
        value = score(cut)
        if value >= best_score:  # ties go to the longer title
            best, best_score = cut, value
    title, rest = text[:best].strip().rstrip(" ."), text[best:].strip()
    return title, (rest or None)


class TableReader:
    """Reads the appendix table of one document."""

    def __init__(self, doc: Document, agencies: AgencyReader, goal_titles: dict[int, str]) -> None:
        self.doc = doc
        self.agencies = agencies
        self.goal_titles = goal_titles
        self.result = TableResult()

    def problem(self, line: int | None, what: str, detail: str, severity: str = "warning") -> None:
        self.result.problems.append(Problem(self.doc.name, line, what, detail, severity))

    # -- layout: lines → rows -----------------------------------------------------------------

    def rows(self) -> list[_Row]:
        """Group the table's lines into logical rows, joining page-break continuations."""
        rows: list[_Row] = []
        columns: Columns | None = None
        broken = False  # a page break (blank line, repeated header, dash line) since the last row
        for number, raw in enumerate(self.doc.raw, start=1):
            cells = split_cells(raw)
            if columns is None:
                if cells and (header := read_header(cells)):
                    columns = header
                    self.result.found = True
                continue
            if not raw.strip():
                broken = True
                continue
            if cells is not None:
                if read_header(cells):
                    broken = True
                    continue
                if all(_DASH_LINE.match(c) for c in cells):
                    broken = True
                    continue
                row = self._classify_cells(cells, columns, number, rows, broken)
            else:
                row = self._classify_line(self.doc.lines[number - 1], number, rows)
                if row is None:
                    break  # prose after the table ends it
            if row is not None and row is not _NO_ROW:
                rows.append(row)
            broken = False
        last = len(self.doc.raw)
        while last > 0 and not self.doc.raw[last - 1].strip():
            last -= 1
        cells = split_cells(self.doc.raw[last - 1]) if columns is not None and last else None
        if columns is not None and cells is not None and len(cells) < columns.width:
            self.problem(last, "truncated", f"the last table row has {len(cells)} of {columns.width} "
                         "cells: the file may have been cut short; what could be read is kept")
        return rows

    def _classify_cells(self, cells: list[str], columns: Columns, number: int, rows: list[_Row],
                        broken: bool) -> _Row | None:
        values = {name: columns.cell(cells, name) for name in columns.index}
        stt = values.get("stt", "")
        filled = [c.strip() for c in cells if c.strip()]
        first = filled[0] if filled else ""
        heading = self._heading(first, number)
        if heading is not None and (len(filled) == 1 or not values.get("lead")):
            return heading
        previous = rows[-1] if rows else None
        leading = next((name for name, index in columns.index.items() if index == 0), None)
        if (len(filled) == 1 and broken and previous is not None and previous.kind == "task"
                and leading in ("lead", "colead") and cells[0].strip() == first
                and self._names_agencies(f"{previous.cells.get(leading, '')} {first}")):
            # after a page break, an agency column that comes first continues on its own: it looks like a
            # cell merged across the row, but joined to the cell above it names agencies, every one known
            # ("Sở" + "Giáo dục và Đào tạo; Sở Văn hóa, …"); prose merged across a row does not
            self._continue(previous, {leading: first}, number)
            return None
        merged = cells[0].strip() == first or values.get("stt") == first  # first column or STT column
        if len(filled) == 1 and merged and len(first) > 12 and not _CODE.match(first) \
                and not values.get("text"):
            values = {"text": first}  # a cell merged across the row comes out in the first column
            stt = ""
        text = values.get("text", "")
        if not stt and text and _GOAL.match(_P_TAGS.sub("", text)):
            return self._heading(text, number)
        others = [values.get(n, "") for n in ("lead", "colead", "time", "product") if n in values]
        if stt and _CODE.match(stt):
            return _Row("task", Span(number, number), values, code=stt.rstrip("."))
        if stt and not _CODE.match(stt):
            self.problem(number, "unreadable-stt", f"STT cell '{stt}' is not a task number; "
                         "the row is read as a task without a number")
        starts_lower = bool(text) and text[0].islower()
        if previous is not None and previous.kind == "task" and (
                starts_lower or (broken and not (text and all(others[:1])))):
            self._continue(previous, values, number)
            return None
        if previous is not None and previous.kind in ("goal", "objective", "text") and starts_lower \
                and not any(others):
            self._continue(previous, {"text": text}, number)
            return None
        if text and any(others):
            return _Row("task", Span(number, number), values)
        if text:
            return _Row("text", Span(number, number), {"text": text})
        if any(others):
            self.problem(number, "orphan-cells", "a row with agencies but no task text and no row "
                         "above to continue; its cells are dropped: " + " | ".join(o for o in others if o))
        return None

    def _names_agencies(self, text: str) -> bool:
        """Whether ``text`` is a list of agencies, every one known (not prose)."""
        found = self.agencies.read(text, Role.CO_LEAD)
        return bool(found.mentions) and not found.unknown

    def _classify_line(self, line: str, number: int, rows: list[_Row]) -> _Row | None:
        heading = self._heading(line, number)
        if heading is not None:
            return heading
        previous = rows[-1] if rows else None
        if previous is not None and line[:1].islower():
            self._continue(previous, {"text": line}, number)
            return _NO_ROW
        if re.match(r"^(?:[IVXLC]+\.|PHỤ LỤC|Phụ lục|Nơi nhận|Ghi chú)", line):
            return None
        self.problem(number, "stray-line", f"a line inside the table that is not a row: '{line[:80]}'")
        return _NO_ROW

    def _heading(self, text: str, number: int) -> _Row | None:
        plain = _P_TAGS.sub(" ", text).strip()
        if match := _GOAL.match(plain):
            return _Row("goal", Span(number, number), {"text": text.strip()}, goal=int(match.group(1)))
        if match := _OBJECTIVE.match(plain):
            code = match.group(1)
            return _Row("objective", Span(number, number), {"text": match.group(2).strip()},
                        goal=int(code.split(".")[0]), code=code)
        return None

    @staticmethod
    def _continue(row: _Row, values: dict[str, str], number: int) -> None:
        for name, value in values.items():
            value = value.strip()
            if value:
                row.cells[name] = f"{row.cells.get(name, '').rstrip()} {value}".strip()
        row.span = Span(row.span.first, number)

    # -- rows → model -------------------------------------------------------------------------

    def read(self) -> TableResult:
        """Read the whole table."""
        goal: int | None = None
        objective: str | None = None
        unnumbered: dict[int, int] = {}
        task_keys: dict[str, int] = {}
        for row in self.rows():
            if row.kind == "goal":
                goal, objective = self._goal(row, unnumbered), None
                if any(o.key == f"g{goal}" for o in self.result.objectives):
                    objective = f"g{goal}"
            elif row.kind == "objective":
                objective = self._objective(row)
                goal = row.goal
            elif row.kind == "text":
                if goal is None:
                    self.problem(row.span.first, "text-before-goal", "a text row before any "
                                 f"strategic goal is dropped: '{row.cells['text'][:80]}'")
                    continue
                count = unnumbered.get(goal, 0) + 1
                unnumbered[goal] = count
                key = f"g{goal}" if count == 1 else f"g{goal}-{count}"
                self.result.objectives.append(Objective(None, goal, _clean(row.cells["text"]),
                                                        row.span, key=key))
                objective = key
            else:
                self._task(row, goal, objective, task_keys)
        self._report_gaps()
        return self.result

    def _goal(self, row: _Row, unnumbered: dict[int, int]) -> int:
        number = row.goal or 0
        body = _GOAL_PREFIX.sub("", row.cells["text"], count=1)
        title, rest = split_goal_text(body.strip(), self.goal_titles.get(number))
        self.result.goals.append(Goal(number, _clean(title), row.span))
        if rest:
            unnumbered[number] = 1
            self.result.objectives.append(Objective(None, number, _clean(rest), row.span, key=f"g{number}"))
        return number

    def _objective(self, row: _Row) -> str:
        code = row.code or ""
        goal = int(code.split(".")[0])
        if not any(g.number == goal for g in self.result.goals):
            self.problem(row.span.first, "objective-without-goal", f"objective {code} comes before "
                         f"strategic goal {goal}")
        self.result.objectives.append(Objective(code, goal, _clean(row.cells["text"]), row.span, key=code))
        return code

    def _task(self, row: _Row, goal: int | None, objective: str | None, keys: dict[str, int]) -> None:
        code = row.code
        if goal is None:
            goal = int(code.split(".")[0]) if code else None
            self.problem(row.span.first, "task-before-goal", f"task {code or '(no STT)'} comes before "
                         "any strategic goal; its goal is taken from its number")
        if code:
            base = code
        else:
            count = keys.get(f"g{goal}-u", 0) + 1
            keys[f"g{goal}-u"] = count
            base = f"g{goal}-u{count}"
        seen = keys.get(base, 0)
        keys[base] = seen + 1
        key = base if not seen else f"{base}-{seen + 1}"
        if seen and code:
            self.problem(row.span.first, "duplicate-stt", f"task number {code} appears again; "
                         f"this row gets the key {key}")
        cells = row.cells
        task = Task(code=code, text=_clean(cells.get("text", "")), span=row.span, goal=goal,
                    objective=objective, timeframe=cells.get("time") or None,
                    product=cells.get("product") or None, key=key)
        lead_cell, colead_cell = cells.get("lead", ""), cells.get("colead", "")
        assignments = self._assignments(lead_cell, Role.LEAD, row.span)
        assignments += self._assignments(colead_cell, Role.CO_LEAD, row.span)
        leads = {a.agency for a in assignments if a.role is Role.LEAD}
        for assignment in assignments:
            if assignment.role is not Role.LEAD and assignment.agency in leads:
                self.problem(row.span.first, "lead-and-colead", f"task {key}: '{assignment.agency.name}' "
                             "is named as lead and as co-operating agency; kept as lead only")
                continue
            if assignment not in task.assignments and not any(
                    a.agency == assignment.agency and a.role is assignment.role for a in task.assignments):
                task.assignments.append(assignment)
        if not leads:
            self.problem(row.span.first, "no-lead", f"task {key} names no lead agency "
                         f"(lead cell: '{lead_cell}')")
        self.result.tasks.append(task)

    def _assignments(self, cell: str, role: Role, span: Span) -> list[Assignment]:
        found = self.agencies.read(cell, role)
        for agency in found.unknown:
            self.problem(span.first, "unknown-agency", f"unknown agency name '{agency.mention}' "
                         "(add it to data/gazetteer/agencies.csv if it is one)")
        return [Assignment(m.agency, m.role, cell, span) for m in found.mentions]

    def _report_gaps(self) -> None:
        by_parent: dict[str, list[tuple[int, Task]]] = {}
        for task in self.result.tasks:
            if task.code and "." in task.code:
                parent, _, last = task.code.rpartition(".")
                if last.isdigit():
                    by_parent.setdefault(parent, []).append((int(last), task))
        for parent, items in by_parent.items():
            numbers = sorted({n for n, _ in items})
            missing = [n for n in range(1, numbers[-1]) if n not in numbers]
            if missing:
                first_task = min(items, key=lambda item: item[0])[1]
                listed = ", ".join(f"{parent}.{n}" for n in missing)
                self.problem(first_task.span.first, "numbering-gap", f"task numbers {listed} are "
                             "missing under " + parent + " (kept as written, not filled)")


_NO_ROW = _Row("none", Span(0, 0))


def _clean(text: str) -> str:
    """One-line text: tags removed, whitespace collapsed."""
    return " ".join(_P_TAGS.sub(" ", text).split())


def read_table(doc: Document, agencies: AgencyReader, goal_titles: dict[int, str]) -> TableResult:
    """Read the appendix table of ``doc`` (an empty result when it has none)."""
    return TableReader(doc, agencies, goal_titles).read()

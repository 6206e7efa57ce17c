"""Bad input gets a clear message naming the file (and line); the other files are still built;
hostile text inside a document ends up as inert literals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import SKOS

from kg.build import build
from kg.errors import InputError
from kg.extract import read_plan, read_text
from kg.model import Role
from tests.conftest import DONG_NAI, HA_TINH, PLANS

GOOD = (PLANS / HA_TINH).read_text(encoding="utf-8")

HOSTILE_ROW = ("1.1.1\tNhiệm vụ <img src=x onerror=alert(1)> \"; DROP TABLE plans; --\t"
               "Sở <script>alert('x')</script> Đặc biệt\tGiai đoạn 2026-2030\t"
               "Ban \"> . <http://evil.example/x> <http://evil.example/p> \"pwned; Sở Y tế")


def hostile_plan() -> str:
    """Hà Tĩnh's plan with its first task row replaced by hostile text."""
    lines = GOOD.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("1.1.1\t"))
    lines[index] = HOSTILE_ROW
    return "\n".join(lines)


@pytest.mark.parametrize(("data", "what", "line"), [
    (b"", "empty", None),
    (b"   \n\n  ", "empty", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", None),
    ("KẾ HOẠCH\nSở Y tế".encode() + b"\n\xd0\xfe", "not-utf8", 3),
    ("Dòng 1\nDòng 2\nVăn bản này là tin tức, không phải kế hoạch.\n".encode(), "not-a-plan", 1),
    (b"KE HOACH " * (20 * 1024 * 1024 // 9 + 1), "too-large", None),
])
def test_unreadable_files_raise_input_error(tmp_path: Path, data: bytes, what: str, line: int | None) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.what == what
    assert caught.value.file == "bad.txt"
    assert caught.value.line == line
    assert str(caught.value).startswith("bad.txt")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cp1258.txt"
    path.write_bytes("Số: /KH-UBND\n\nKẾ HOẠCH\n".encode() + b"S\xf5\xd2 Y t\xea\xec\n")  # "Sở Y tế" in Windows-1258
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.what == "not-utf8" and caught.value.line == 4
    assert "Windows-1258" in str(caught.value)


def test_hostile_names_are_inert_literals() -> None:
    plan = read_text(hostile_plan(), name="hostile.txt")
    task = next(t for t in plan.tasks if t.code == "1.1.1")
    assert "<img src=x onerror=alert(1)>" in task.text
    leads = task.agencies(Role.LEAD)
    assert any("<script>" in a.name for a in leads)
    assert all(a.ident.replace("-", "").isalnum() for a in leads)  # IRIs come from slugs only
    co = [a.name for a in task.agencies(Role.CO_LEAD)]
    assert "Sở Y tế" in co
    unknown = [p for p in plan.problems if p.what == "unknown-agency"]
    assert any("<script>" in p.detail for p in unknown)


def test_build_goes_on_past_bad_files(tmp_path: Path) -> None:
    inputs = tmp_path / "plans"
    inputs.mkdir()
    shutil.copy(PLANS / DONG_NAI, inputs / DONG_NAI)
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (inputs / "latin.txt").write_bytes("Kế hoạch".encode("utf-16"))
    (inputs / "hostile.txt").write_text(hostile_plan(), encoding="utf-8")
    whole = (PLANS / DONG_NAI).read_text(encoding="utf-8")
    cut = whole.index("9.1.5\t") + 60  # in the middle of the task text of row 9.1.5
    (inputs / "truncated.txt").write_text(whole[:cut], encoding="utf-8")
    result = build([inputs], tmp_path / "out", check=False)
    assert sorted(p.plan.file for p in result.plans) == [DONG_NAI, "hostile.txt", "truncated.txt"]
    failed = {p.file: p.what for p in result.failed}
    assert failed == {"empty.txt": "empty", "binary.txt": "binary", "latin.txt": "binary"}
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in report["failed_files"]} == {"empty.txt", "binary.txt", "latin.txt"}
    truncated_plan = next(p.plan for p in result.plans if p.plan.file == "truncated.txt")
    assert any(p.what == "truncated" for p in truncated_plan.problems)

    # the hostile strings are literals in the graph, and the files still parse
    data = Dataset(default_union=True)
    data.parse(tmp_path / "out" / "graph.trig", format="trig")
    labels = {str(o) for o in data.objects(None, SKOS.prefLabel)}
    assert any("<script>alert('x')</script>" in label for label in labels)
    assert not any("evil.example" in str(s) or "evil.example" in str(p)
                   for s, p, _ in data.triples((None, None, None)))
    assert any(isinstance(o, Literal) and "DROP TABLE" in o for o in data.objects())

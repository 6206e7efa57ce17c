"""Shared fixtures: the five real plans, read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import read_plan
from kg.model import Plan, Role, Task

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"

# The sample corpus, by what each file is.
HA_DONG = "000_0c043c4c9b36a6c9.txt"  # xã Hà Đông (Hải Phòng), prose only
LAI_CHAU = "001_ba4465155a5df616.txt"  # tỉnh Lai Châu, prose; appendix missing from the text
HA_TINH = "002_c1ec5b988e959e40.txt"  # tỉnh Hà Tĩnh, 5-column appendix table
DAK_LAK = "003_30344ad8cc8f161d.txt"  # tỉnh Đắk Lắk, Markdown, prose
DONG_NAI = "004_8cf9ffac5170058b.txt"  # thành phố Đồng Nai, 4-column appendix table


@pytest.fixture(scope="session")
def plans() -> dict[str, Plan]:
    """Every sample plan, read once."""
    return {path.name: read_plan(path) for path in sorted(PLANS.glob("*.txt"))}


def task(plan: Plan, key: str) -> Task:
    """The task (or duty) with IRI key ``key``."""
    for item in plan.tasks + plan.duties:
        if item.key == key:
            return item
    raise AssertionError(f"{plan.file} has no task {key}; it has {[t.key for t in plan.tasks][:200]}")


def names(item: Task, role: Role) -> list[str]:
    """Canonical names of the agencies holding ``role``, in document order."""
    return [a.name for a in item.agencies(role)]

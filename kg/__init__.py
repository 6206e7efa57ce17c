"""kehoach-kg: a knowledge graph of Vietnamese implementation plans (Kế hoạch) for the ASEAN
Socio-Cultural Community programme.

>>> from kg import read_plan
>>> plan = read_plan("data/plans/004_8cf9ffac5170058b.txt")
>>> plan.issuer.name, len(plan.tasks)
('Ủy ban nhân dân thành phố Đồng Nai', 88)
"""

from __future__ import annotations

from kg.build import BuildResult, build
from kg.errors import InputError, KehoachError, ValidationFailed
from kg.extract import read_plan, read_text
from kg.model import AgencyRef, Assignment, Goal, Objective, Plan, Problem, Role, Task

__all__ = [
    "AgencyRef",
    "Assignment",
    "BuildResult",
    "Goal",
    "InputError",
    "KehoachError",
    "Objective",
    "Plan",
    "Problem",
    "Role",
    "Task",
    "ValidationFailed",
    "build",
    "read_plan",
    "read_text",
]
__version__ = "0.1.0"

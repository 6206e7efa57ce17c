"""Vietnam's administrative units and their official codes (QĐ 19/2025/QĐ-TTg: 34 provinces,
3,321 communes since 01/07/2025), read from the ``vietnam-provinces`` package, which works offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import vietnam_provinces

from kg.slug import fold

_PREFIXES = ("thành phố ", "tỉnh ", "xã ", "phường ", "đặc khu ", "thị trấn ")


@dataclass(frozen=True)
class Unit:
    """A province or a commune with its official code."""

    code: str
    name: str  # "Hà Tĩnh", "Hà Đông"
    full_name: str  # "Tỉnh Hà Tĩnh", "Xã Hà Đông"
    level: str  # tỉnh | thành phố | xã | phường | đặc khu
    province_code: str | None = None  # for a commune, its province


def _bare(name: str) -> str:
    folded = fold(name)
    for prefix in _PREFIXES:
        if folded.startswith(fold(prefix)):
            return name[len(prefix):]
    return name


@dataclass(frozen=True)
class Units:
    """Lookup tables of provinces and communes by folded name."""

    provinces: dict[str, Unit]
    communes: dict[str, tuple[Unit, ...]]
    by_code: dict[str, Unit]

    def province(self, name: str) -> Unit | None:
        """The province or centrally-run city called ``name``.

        >>> units().province("Hà Tĩnh").code
        '42'
        >>> units().province("thành phố Hải Phòng").code
        '31'
        """
        return self.provinces.get(fold(_bare(name.strip())))

    def communes_named(self, name: str) -> tuple[Unit, ...]:
        """Every commune or ward called ``name`` (names repeat across provinces).

        >>> [(u.full_name, u.code, u.province_code) for u in units().communes_named("Hà Đông")]
        [('Phường Hà Đông', '9556', '1'), ('Xã Hà Đông', '10882', '31')]
        """
        return self.communes.get(fold(_bare(name.strip())), ())


@lru_cache(maxsize=1)
def units() -> Units:
    """The official table shipped with ``vietnam-provinces``."""
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    provinces: dict[str, Unit] = {}
    communes: dict[str, list[Unit]] = {}
    by_code: dict[str, Unit] = {}
    for item in data:
        level = "thành phố" if "thành phố" in item.get("division_type", "") else "tỉnh"
        province = Unit(str(item["code"]), _bare(item["name"]), item["name"], level)
        provinces[fold(province.name)] = province
        by_code[province.code] = province
        for ward in item.get("wards", []):
            kind = ward.get("division_type", "xã")
            unit = Unit(str(ward["code"]), _bare(ward["name"]), ward["name"], kind, province.code)
            communes.setdefault(fold(unit.name), []).append(unit)
            by_code[f"{province.code}/{unit.code}"] = unit
    return Units(provinces, {k: tuple(v) for k, v in communes.items()}, by_code)

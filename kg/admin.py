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
    """A unit's name without its level word: "Phường Phương Liệt" → "Phương Liệt".

    The level word is compared with its tone marks ("Phương Liệt" keeps its "Phương"), and runs of
    spaces in the official table ("Phường  Tân Lập") are collapsed.

    >>> _bare("Phường  Tân Lập"), _bare("Phương Liệt"), _bare("Đặc khu Lý Sơn")
    ('Tân Lập', 'Phương Liệt', 'Lý Sơn')
    """
    name = " ".join(name.split())
    lowered = name.casefold()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix):]
    return name


def _key(name: str) -> str:
    """Exact lookup key: case, spacing and the kind of dash ignored, tone marks kept ("Cẩm Giàng" ≠
    "Cẩm Giang"; the official table writes "Chân Mây – Lăng Cô", plans write "Chân Mây - Lăng Cô")."""
    return " ".join(name.replace("–", "-").replace("—", "-").split()).casefold()


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
        bare = _bare(name)
        return self.provinces.get(_key(bare)) or self.provinces.get(fold(bare))

    def communes_named(self, name: str) -> tuple[Unit, ...]:
        """Every commune or ward called ``name`` (names repeat across provinces).

        >>> [(u.full_name, u.code, u.province_code) for u in units().communes_named("Hà Đông")]
        [('Phường Hà Đông', '9556', '1'), ('Xã Hà Đông', '10882', '31')]
        """
        bare = _bare(name)
        return self.communes.get(_key(bare)) or self.communes.get(fold(bare), ())


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
        provinces[_key(province.name)] = province
        provinces.setdefault(fold(province.name), province)
        by_code[province.code] = province
        for ward in item.get("wards", []):
            kind = ward.get("division_type", "xã")
            unit = Unit(str(ward["code"]), _bare(ward["name"]), ward["name"], kind, province.code)
            communes.setdefault(_key(unit.name), []).append(unit)
            if fold(unit.name) != _key(unit.name):
                communes.setdefault(fold(unit.name), []).append(unit)
            by_code[f"{province.code}/{unit.code}"] = unit
    return Units(provinces, {k: tuple(v) for k, v in communes.items()}, by_code)

"""Write a synthetic, country-scale corpus of plans with the structure of the five real ones.

    .venv/bin/python benchmarks/generate_corpus.py OUT [--provinces 34] [--communes 3321] [--seed 1]

How it relates to the real corpus (``data/plans/``)
---------------------------------------------------
The five real plans are the only models. Everything written here is a layout one of them uses,
filled with text taken from them:

* **34 province plans**, one per province / centrally-run city of the official table
  (QĐ 19/2025, package ``vietnam-provinces``), issued by "UBND tỉnh X" or "UBND thành phố X" with the
  real name and level. They alternate between the two appendix-table layouts of the seeds:

  - the **Hà Tĩnh 5-column** table (002: STT | MỤC TIÊU | CHỦ TRÌ | THỜI GIAN | PHỐI HỢP), with the
    header repeated at every page break, rows split by a break continuing on a line with an empty STT
    cell that carries the rest of the text, goal rows in ``<p>…</p>`` (title and objective sentence),
    a goal row followed by a text row, tasks numbered n.k under such goals, single tasks without STT,
    "Theo hướng dẫn của Bộ …/ Cục …" guiding bodies in the co-lead cell;
  - the **Đồng Nai 4-column** table (004: STT | Tên Mục tiêu | Cơ quan chủ trì | Cơ quan phối hợp),
    with page breaks as blank lines, split rows carrying the rest of EACH cell ("Sở Nông nghiệp" /
    "và Môi trường"), goal and objective rows as plain lines without tabs or running onto a second line,
    STT with a trailing dot, numbering gaps, a dash line, "A phối hợp với B" in lead cells, joint
    leads ("Sở Nội vụ và Sở Y tế; Hội Liên hiệp Phụ nữ thành phố").

  The front matter (purposes, goals, scope, solutions, budget) is the real text of 002 or 004 with the
  place and level words replaced; the appendix has 70-120 tasks whose texts are the real task texts of
  002 and 004 for the same strategic goal; "TỔ CHỨC THỰC HIỆN" is regenerated from the items the four
  province plans use (the pillar departments as a factored list "các Sở: Y tế, …", Sở Nội vụ as focal
  point or standing body, Sở Tài chính inline "Sở Tài chính: Chủ trì, …", UBND các xã, phường,
  "Đề nghị Ủy ban Mặt trận Tổ quốc … và các đoàn thể" with member lines "- Hội Liên hiệp Phụ nữ tỉnh: …",
  press, investment centres), with dash (002, 001) or lettered (004, 003) duties whose texts are the
  real duty texts. Agency names follow the province's level (Công an tỉnh / Công an thành phố, Tỉnh
  đoàn / Thành Đoàn, BCH quân sự thành phố …) and the spelling variants the seeds show (Sở Văn hoá,
  Hội Liên hiệp phụ nữ, Ngân hàng nhà nước chi nhánh Khu vực n, Bảo hiểm Xã hội tỉnh).

* **~3,300 commune plans**, one per commune, ward or special zone of the official table (or an evenly
  spaced subset with ``--communes N``), in the prose layout of the Hà Đông commune plan (000): its real
  front matter with the names replaced, then "TỔ CHỨC THỰC HIỆN" with numbered commune bodies and dash
  duties (10-40 per plan), "a) Ủy ban Mặt trận Tổ quốc xã" / "b) Các đoàn thể chính trị - xã hội" with
  unnumbered member headings ("Hội Nông dân xã"), duty texts from 000. About one in five is written in
  the Markdown of the Đắk Lắk plan (003: ``## **I. …**``, bold deadlines) and saved as ``.md``.

What it does not do: invent layouts the seeds do not use (no pipe tables, no tables in commune plans,
no split before a capitalised word), or bend names to suit the reader: commune and ward names are the
official ones (only the first letter of each word is capitalised, as a document would write them), so
names with digits ("Phường 1 Bảo Lộc"), dashes or level words the reader may not know ("đặc khu") are
written as a plan of that unit would write them.

The generator returns (and writes to ``OUT/manifest.json``) what it wrote per file: the issuing unit,
each task's key, goal, objective, lead / co-lead / guiding agency kinds, each duty's bearers, the
numbering gaps. ``tests/test_benchmark_generator.py`` reads a tiny corpus back and compares.
Deterministic: the same ``--seed`` gives the same bytes; each file has its own random stream, so a
subset contains exactly the files of the full corpus.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
HA_DONG = PLANS / "000_0c043c4c9b36a6c9.txt"
LAI_CHAU = PLANS / "001_ba4465155a5df616.txt"
HA_TINH = PLANS / "002_c1ec5b988e959e40.txt"
DAK_LAK = PLANS / "003_30344ad8cc8f161d.txt"
DONG_NAI = PLANS / "004_8cf9ffac5170058b.txt"
GOALS = ROOT / "data" / "ascc-goals.csv"

CODE = re.compile(r"^\d{1,2}(?:\.\d{1,3}){0,3}\.?$")

# ------------------------------------------------------------------------------------------------
# Official units
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # as a document writes it ("Hà Tĩnh", "Hà Giang 1", "Đắk Song")
    level: str  # tỉnh | thành phố | xã | phường | đặc khu
    province: Unit | None = None

    @property
    def key(self) -> str:
        """The reader's issuer key: "42", or "31/10882" for a commune."""
        return f"{self.province.code}/{self.code}" if self.province else self.code


def _document_name(name: str) -> str:
    """Capitalise the first letter of each word ("Đắk song" → "Đắk Song"), as a document writes it."""
    return " ".join(w[:1].upper() + w[1:] if w[:1].isalpha() else w for w in name.split())


@lru_cache(maxsize=1)
def official_units() -> tuple[tuple[Unit, ...], tuple[Unit, ...]]:
    """(provinces, communes) of the official table, sorted by code."""
    import vietnam_provinces

    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    prefixes = ("thành phố ", "tỉnh ", "xã ", "phường ", "đặc khu ", "thị trấn ")

    def bare(name: str) -> str:
        for prefix in prefixes:
            if name.lower().startswith(prefix):
                return name[len(prefix):]
        return name

    provinces: list[Unit] = []
    communes: list[Unit] = []
    for item in sorted(data, key=lambda i: int(i["code"])):
        level = "thành phố" if "thành phố" in item.get("division_type", "") else "tỉnh"
        province = Unit(str(item["code"]), bare(item["name"]), level)
        provinces.append(province)
        for ward in sorted(item.get("wards", []), key=lambda w: int(w["code"])):
            communes.append(Unit(str(ward["code"]), _document_name(bare(ward["name"])),
                                 ward.get("division_type", "xã"), province))
    return tuple(provinces), tuple(communes)


# ------------------------------------------------------------------------------------------------
# Text harvested from the real plans
# ------------------------------------------------------------------------------------------------


def _read(path: Path) -> list[str]:
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).split("\n")


def _plain(line: str) -> str:
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    return line.replace("***", "").replace("**", "").replace("*", "").strip()


@dataclass
class Harvest:
    """Texts of the real plans, grouped by what they are."""

    goal_titles: dict[int, str]
    objectives: dict[str, str]  # "4.1" → national objective sentence (from 004)
    tasks: dict[int, list[str]]  # strategic goal → task texts (002 and 004)
    duties: dict[str, list[str]]  # item type → duty texts of "TỔ CHỨC THỰC HIỆN"
    commune_duties: dict[str, list[str]]  # commune body kind → duty texts of 000
    heads: dict[str, list[str]] = field(default_factory=dict)  # template → lines
    tails: dict[str, list[str]] = field(default_factory=dict)


def _harvest_table(lines: list[str], tasks: dict[int, list[str]], objectives: dict[str, str] | None) -> None:
    goal: int | None = None
    last: list[str] | None = None  # the text being collected (task or objective), as a 1-list
    objective_code: str | None = None
    for raw in lines:
        plain = re.sub(r"</?p>", " ", raw).strip()
        head = plain.split("\t")[0].strip()
        if match := re.match(r"^Mục tiêu chiến lược (\d+)", head):
            goal, last, objective_code = int(match.group(1)), None, None
            continue
        if match := re.match(r"^Mục tiêu (\d+\.\d+)\.\s*(.*)$", head):
            objective_code = match.group(1)
            if objectives is not None:
                objectives[objective_code] = match.group(2).strip()
            last = None
            continue
        if "\t" not in raw:
            if plain and plain[0].islower() and objective_code and objectives is not None and last is None:
                objectives[objective_code] += " " + plain
            continue
        cells = raw.split("\t")
        stt = cells[0].strip()
        text = cells[1].strip() if len(cells) > 1 else ""
        if stt.upper() == "STT" or set(stt) <= set("-–— "):
            continue
        if stt and not CODE.match(stt):
            if stt[0].islower() and objective_code and objectives is not None:
                objectives[objective_code] += " " + stt  # objective run onto a tabbed line
            continue
        if goal is None:
            continue
        if CODE.match(stt) and text:
            tasks.setdefault(goal, []).append(text)
            last = tasks[goal]
            continue
        if not stt and text and text[0].islower() and last:
            last[-1] = f"{last[-1]} {text}"
            continue
        if not stt and text and len(cells) >= 4 and cells[2].strip():
            tasks.setdefault(goal, []).append(text)
            last = tasks[goal]


def _section(lines: list[str], title: str) -> tuple[int, int]:
    """First and last index of the section whose Roman heading contains ``title``."""
    start = next(i for i, line in enumerate(lines) if re.match(r"^[IVX]+\.\s", _plain(line))
                 and title in _plain(line))
    end = len(lines)
    for i in range(start + 1, len(lines)):
        text = _plain(lines[i])
        if re.match(r"^[IVX]+\.\s+[A-ZĐ]", text) or text.startswith(("Nơi nhận", "Trên đây là", "Định kỳ hằng năm (")):
            end = i
            break
    return start, end


def _item_kind(heading: str) -> str | None:
    h = heading.lower()
    if "trụ cột" in h or h.startswith("các sở:"):
        return "pillar"
    if h.startswith("sở nội vụ"):
        return "noi-vu"
    if h.startswith("sở tài chính"):
        return "tai-chinh"
    if h.startswith("sở ngoại vụ"):
        return "ngoai-vu"
    if "các xã, phường" in h and ("ubnd" in h or "ủy ban nhân dân" in h) and "sở" not in h:
        return "ubnd-xa"
    if "mặt trận" in h:
        return "mttq"
    return None


def _harvest_duties(lines: list[str], duties: dict[str, list[str]]) -> None:
    start, end = _section(lines, "TỔ CHỨC THỰC HIỆN")
    kind: str | None = None
    items: list[str] = []
    fresh = False
    for raw in lines[start + 1:end]:
        text = _plain(raw)
        if not text:
            continue
        if match := re.match(r"^(\d+)\.\s+(.*)$", text):
            heading, _, inline = match.group(2).partition(":")
            kind = _item_kind(match.group(2))
            items = duties.setdefault(kind, []) if kind else []
            fresh = True  # a plain paragraph right under the heading is its duty (001 VII.3)
            if kind and inline.strip() and "gồm" not in heading and not heading.startswith("Các sở"):
                items.append(inline.strip())  # "4. Sở Tài chính: Chủ trì, …" (004 VII.4)
                fresh = False
            continue
        if match := re.match(r"^(?:[-–]|[a-zđ]\))\s+(.*)$", text):
            body = match.group(1)
            head, _, rest = body.partition(":")
            if rest.strip() and len(head) < 60 and head[:1].isupper() and " " in head:
                member = "doan-thanh-nien" if head.startswith("Đoàn") else \
                    "hoi-lien-hiep-phu-nu" if head.startswith("Hội Liên hiệp") else None
                if member:
                    duties.setdefault(f"member:{member}", []).append(rest.strip())
                continue
            if kind:
                items.append(body)
            fresh = False
            continue
        if text[0].islower() and items:
            items[-1] = f"{items[-1]} {text}"
        elif kind and fresh and not text.startswith(("Định kỳ", "Kế hoạch triển khai")):
            items.append(text)
        fresh = False


_COMMUNE_BODIES = {
    "Phòng Văn hoá": "phong-van-hoa-xa-hoi",
    "Công chức Tài chính": "cong-chuc-tai-chinh-ke-toan",
    "Ủy ban Mặt trận": "ubmttq",
    "Đoàn Thanh niên": "doan-thanh-nien",
    "Hội Liên hiệp Phụ nữ": "hoi-lien-hiep-phu-nu",
    "Hội Nông dân": "hoi-nong-dan",
    "Hội Cựu chiến binh": "hoi-cuu-chien-binh",
    "Trung tâm Dịch vụ": "trung-tam-dich-vu-su-nghiep-cong",
    "Trưởng các thôn": "truong-cac-thon",
}


def _harvest_commune(lines: list[str], duties: dict[str, list[str]]) -> None:
    start, end = _section(lines, "TỔ CHỨC THỰC HIỆN")
    body: str | None = None
    for raw in lines[start + 1:end]:
        text = _plain(raw)
        if not text:
            continue
        heading = re.sub(r"^(?:\d+\.|[a-z]\))\s+", "", text)
        found = next((kind for prefix, kind in _COMMUNE_BODIES.items() if heading.startswith(prefix)), None)
        if found and not text.startswith("-"):
            body = found
            continue
        if text.startswith("- ") and body:
            duties.setdefault(body, []).append(text[2:].strip())


@lru_cache(maxsize=1)
def harvest() -> Harvest:
    """Read the five real plans once."""
    with GOALS.open(encoding="utf-8", newline="") as handle:
        goal_titles = {int(r["notation"]): r["title_vi"].strip().rstrip(".") for r in csv.DictReader(handle)}
    tasks: dict[int, list[str]] = {}
    objectives: dict[str, str] = {}
    ha_tinh, dong_nai, ha_dong = _read(HA_TINH), _read(DONG_NAI), _read(HA_DONG)
    _harvest_table(ha_tinh, tasks, None)
    _harvest_table(dong_nai, tasks, objectives)
    objectives = {k: " ".join(v.replace("\t", " ").split()) for k, v in objectives.items()}
    duties: dict[str, list[str]] = {}
    for path in (LAI_CHAU, HA_TINH, DAK_LAK, DONG_NAI):
        _harvest_duties(_read(path), duties)
    commune: dict[str, list[str]] = {}
    _harvest_commune(ha_dong, commune)
    result = Harvest(goal_titles, objectives, {g: list(dict.fromkeys(t)) for g, t in tasks.items()},
                     {k: list(dict.fromkeys(v)) for k, v in duties.items()}, commune)

    def index(lines: list[str], pattern: str) -> int:
        return next(i for i, line in enumerate(lines) if re.match(pattern, line))

    result.heads["5col"] = ha_tinh[:index(ha_tinh, r"^VII\. TỔ CHỨC THỰC HIỆN")]
    result.tails["5col"] = ha_tinh[index(ha_tinh, r"^Định kỳ hằng năm \(trước"):index(ha_tinh, r"^STT\t")]
    result.heads["4col"] = dong_nai[:index(dong_nai, r"^VII\. TỔ CHỨC THỰC HIỆN")]
    result.tails["4col"] = dong_nai[index(dong_nai, r"^VIII\. CHẾ ĐỘ BÁO CÁO"):index(dong_nai, r"^STT\t")]
    result.heads["commune"] = ha_dong[:index(ha_dong, r"^IV\. TỔ CHỨC THỰC HIỆN")]
    result.tails["commune"] = ha_dong[index(ha_dong, r"^V\. PHẠM VI"):]
    return result


# ------------------------------------------------------------------------------------------------
# Agency names as the plans write them
# ------------------------------------------------------------------------------------------------

DEPARTMENTS = {
    "so-noi-vu": "Sở Nội vụ", "so-tai-chinh": "Sở Tài chính", "so-tu-phap": "Sở Tư pháp",
    "so-xay-dung": "Sở Xây dựng", "so-cong-thuong": "Sở Công Thương",
    "so-nong-nghiep-va-moi-truong": "Sở Nông nghiệp và Môi trường",
    "so-khoa-hoc-va-cong-nghe": "Sở Khoa học và Công nghệ",
    "so-giao-duc-va-dao-tao": "Sở Giáo dục và Đào tạo", "so-y-te": "Sở Y tế",
    "so-van-hoa-the-thao-va-du-lich": "Sở Văn hóa, Thể thao và Du lịch", "so-ngoai-vu": "Sở Ngoại vụ",
    "so-dan-toc-va-ton-giao": "Sở Dân tộc và Tôn giáo",
}
# The factored form after "các Sở: " (002 VII.1, 001 VII.2).
FACTORED = {k: v.removeprefix("Sở ") for k, v in DEPARTMENTS.items()}
BORDER = {"4", "8", "11", "12", "14", "15", "20", "22", "38", "40", "42", "44", "46", "52", "66", "68",
          "75", "80", "82", "91", "96", "31", "48", "51", "56", "92"}

# Strategic goal → plausible leads (as in 002 and 004) and extra co-operating agencies.
GOAL_LEADS = {
    1: ["so-giao-duc-va-dao-tao", "so-noi-vu", "so-van-hoa-the-thao-va-du-lich", "so-nong-nghiep-va-moi-truong",
        "so-ngoai-vu", "so-khoa-hoc-va-cong-nghe"],
    2: ["so-y-te", "so-noi-vu", "so-nong-nghiep-va-moi-truong"],
    3: ["so-giao-duc-va-dao-tao", "so-noi-vu"],
    4: ["so-y-te", "so-nong-nghiep-va-moi-truong", "so-y-te"],
    5: ["so-y-te", "so-noi-vu", "so-giao-duc-va-dao-tao", "so-van-hoa-the-thao-va-du-lich", "so-khoa-hoc-va-cong-nghe"],
    6: ["so-van-hoa-the-thao-va-du-lich", "so-nong-nghiep-va-moi-truong", "so-giao-duc-va-dao-tao", "so-y-te"],
    7: ["so-noi-vu"],
    8: ["so-noi-vu"],
    9: ["so-van-hoa-the-thao-va-du-lich", "so-giao-duc-va-dao-tao", "so-nong-nghiep-va-moi-truong"],
    10: ["so-van-hoa-the-thao-va-du-lich"],
    11: ["so-noi-vu", "so-giao-duc-va-dao-tao", "so-nong-nghiep-va-moi-truong", "so-y-te", "so-tai-chinh"],
    12: ["so-nong-nghiep-va-moi-truong", "so-nong-nghiep-va-moi-truong", "so-noi-vu", "so-xay-dung",
         "so-giao-duc-va-dao-tao"],
}
GOAL_PARTNERS = {  # second leads of joint leads, by goal (7.1.x: "Sở Nội vụ; Hội Liên hiệp Phụ nữ")
    2: ["cong-an"], 4: ["cong-an"], 5: ["so-noi-vu", "so-van-hoa-the-thao-va-du-lich"],
    7: ["hoi-lien-hiep-phu-nu", "so-y-te"], 8: ["doan-thanh-nien"],
    9: ["lien-hiep-cac-to-chuc-huu-nghi", "so-giao-duc-va-dao-tao"], 11: ["so-tai-chinh"],
}
OTHERS = ["cong-an", "bch-quan-su", "bao-hiem-xa-hoi-tinh", "ngan-hang-nha-nuoc-chi-nhanh", "doan-thanh-nien",
          "hoi-lien-hiep-phu-nu", "lien-hiep-cac-to-chuc-huu-nghi"]


class Namer:
    """Surface forms of agency names for one province plan (its level decides the suffixes)."""

    def __init__(self, province: Unit, rng: random.Random) -> None:
        self.province = province
        self.level = province.level
        self.rng = rng
        self.region = rng.randint(1, 15)  # the State Bank's regional branch of this province
        self.city = province.level == "thành phố"

    def name(self, kind: str) -> str:
        rng, lv, city = self.rng, self.level, self.city
        if kind in DEPARTMENTS:
            if kind == "so-van-hoa-the-thao-va-du-lich" and rng.random() < 0.08:
                return "Sở Văn hoá, Thể thao và Du lịch"  # old tone placement (004:273)
            return DEPARTMENTS[kind]
        if kind == "cong-an":
            return f"Công an {lv}"
        if kind == "bch-quan-su":
            if self.province.code == "1":
                return "Bộ Tư lệnh Thủ đô Hà Nội"
            if self.province.code == "79":
                return "Bộ Tư lệnh Thành phố Hồ Chí Minh"
            return rng.choice([f"Bộ Chỉ huy Quân sự {lv}", f"BCH quân sự {lv}", f"Bộ chỉ huy Quân sự {lv}"])
        if kind == "bch-bo-doi-bien-phong":
            return f"Bộ Chỉ huy Bộ đội Biên phòng {lv}"
        if kind == "bao-hiem-xa-hoi-tinh":
            return rng.choice([f"Bảo hiểm Xã hội {lv}", f"Bảo hiểm xã hội {lv}"])
        if kind == "ngan-hang-nha-nuoc-chi-nhanh":
            return f"Ngân hàng nhà nước chi nhánh Khu vực {self.region}"
        if kind == "doan-thanh-nien":
            return "Thành Đoàn" if city else "Tỉnh đoàn"
        if kind == "hoi-lien-hiep-phu-nu":
            return rng.choice([f"Hội Liên hiệp Phụ nữ {lv}", f"Hội Liên hiệp phụ nữ {lv}",
                               f"Hội liên hiệp Phụ nữ {lv}"])
        if kind == "lien-hiep-cac-to-chuc-huu-nghi":
            return f"Liên hiệp các tổ chức hữu nghị {lv}"
        if kind == "hoi-huu-nghi-viet-nam-asean":
            return rng.choice([f"Hội Hữu nghị Việt Nam - ASEAN {lv}", f"Hội Hữu nghị Việt Nam – ASEAN {lv}"])
        if kind == "ubmttq":
            return f"Ủy ban Mặt trận Tổ quốc Việt Nam {lv}"
        if kind == "bao-va-phat-thanh-truyen-hinh":
            return f"Báo và Phát thanh, Truyền hình {lv} {self.province.name}"
        if kind == "trung-tam-xuc-tien-dau-tu":
            return f"Trung tâm Xúc tiến đầu tư {self.province.name}"
        if kind == "trung-tam-khuyen-cong-va-xuc-tien-thuong-mai":
            return f"Trung tâm Khuyến công và Xúc tiến Thương mại {self.province.name}"
        raise KeyError(kind)


# ------------------------------------------------------------------------------------------------
# Province plans
# ------------------------------------------------------------------------------------------------

HEADER5 = "STT\tMỤC TIÊU CHIẾN LƯỢC/ MỤC TIÊU\tCƠ QUAN CHỦ TRÌ\tTHỜI GIAN TRIỂN KHAI\tCƠ QUAN PHỐI HỢP"
HEADER4 = "STT\tTên Mục tiêu chiến lược/ Mục tiêu\tCơ quan chủ trì\tCơ quan phối hợp"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh", "Quốc", "Ngọc", "Xuân", "Hồng"]
GIVEN = ["Nguyệt", "Hoàng", "Hùng", "Lan", "Sơn", "Hải", "Tuấn", "Hương", "Dũng", "Thảo", "Long", "Phong", "Hà"]


def _signer(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _split_words(text: str, rng: random.Random, *, lower: bool, low: float = 0.35,
                 high: float = 0.8) -> tuple[str, str] | None:
    """Cut ``text`` at a space; with ``lower`` only before a word in lower case (as the seeds do)."""
    cuts = [m.start() for m in re.finditer(r" (?=\S)", text)
            if low * len(text) <= m.start() <= high * len(text)
            and (not lower or text[m.start() + 1].islower())]
    if not cuts:
        return None
    cut = rng.choice(cuts)
    return text[:cut], text[cut + 1:]


@dataclass
class TaskSpec:
    key: str
    stt: str  # as written ("" for none, "10.1.3." with a dot)
    goal: int
    objective: str | None
    text: str
    lead_cell: str
    colead_cell: str
    time: str
    leads: list[str]
    co_leads: list[str]
    guiding: list[str]


class ProvincePlan:
    """One province plan: front matter of 002 (5 columns) or 004 (4 columns), duties, appendix table."""

    def __init__(self, province: Unit, index: int, seed: int) -> None:
        self.province = province
        self.layout = "5col" if index % 2 == 0 else "4col"
        self.rng = random.Random(f"{seed}:province:{province.code}")
        self.namer = Namer(province, self.rng)
        self.h = harvest()
        self.tasks: list[TaskSpec] = []
        self.duties: list[dict[str, Any]] = []
        self.gaps: list[str] = []
        self.objectives: set[str] = set()
        self._texts: dict[int, list[str]] = {}

    # -- cells ------------------------------------------------------------------------------------

    def _join(self, names: list[str]) -> str:
        rng = self.rng
        style = rng.random()
        if style < 0.7:
            return "; ".join(names)
        if style < 0.85:
            return ", ".join(names)
        out = names[0]
        for name in names[1:]:
            out += rng.choice(["; ", ", ", "; "]) + name
        return out

    def _cells(self, goal: int) -> tuple[str, str, list[str], list[str], list[str]]:
        rng, namer, four = self.rng, self.namer, self.layout == "4col"
        leads = [rng.choice(GOAL_LEADS[goal])]
        co_from_lead: list[str] = []
        roll = rng.random()
        lead_cell = namer.name(leads[0])
        if roll < 0.2:  # joint lead
            partner = rng.choice(GOAL_PARTNERS.get(goal, []) + [k for k in GOAL_LEADS[goal] if k != leads[0]]
                                 or ["so-noi-vu"])
            if partner not in leads:
                leads.append(partner)
                sep = rng.choice([", ", "; ", " và "]) if partner in DEPARTMENTS else rng.choice(["; ", ", "])
                lead_cell += sep + namer.name(partner)
                if four and rng.random() < 0.25:
                    third = "hoi-lien-hiep-phu-nu" if "hoi-lien-hiep-phu-nu" not in leads else "doan-thanh-nien"
                    leads.append(third)
                    lead_cell += "; " + namer.name(third)
        elif roll < 0.24 and four:  # "A phối hợp với B" in the lead cell (004 9.1.2)
            if goal == 9 or rng.random() < 0.5:
                first = "lien-hiep-cac-to-chuc-huu-nghi"
                if first not in leads:
                    leads.append(first)
                    lead_cell += "; " + namer.name(first)
                co_from_lead = ["hoi-huu-nghi-viet-nam-asean"]
                lead_cell += " phối hợp với " + namer.name("hoi-huu-nghi-viet-nam-asean")
            else:
                other = rng.choice([k for k in DEPARTMENTS if k not in leads])
                co_from_lead = [other]
                lead_cell += " phối hợp với " + namer.name(other)
        if rng.random() < 0.02:
            lead_cell += ";"  # a stray separator at the end of a lead cell (004 9.1.3)
        pool = [k for k in list(DEPARTMENTS) + OTHERS if k not in leads and k not in co_from_lead
                and k != "so-dan-toc-va-ton-giao"]
        if rng.random() < 0.05:
            pool.append("so-dan-toc-va-ton-giao")
        if self.province.code in BORDER and goal in (1, 11) and rng.random() < 0.3:
            pool.append("bch-bo-doi-bien-phong")
        weights = [5 if k in DEPARTMENTS else 1 for k in pool]
        chosen: list[str] = []
        for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 3, 4, 5])):
            pick = rng.choices(pool, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        names = [namer.name(k) for k in chosen]
        co_leads = co_from_lead + chosen
        guiding: list[str] = []
        colead_cell = self._join(names) if names else ""
        collective = rng.random()
        tail = ""
        if collective < 0.1 and names:
            tail = ("các sở, ban, ngành và " if not four else "Các Sở, ngành, ") + \
                ("UBND các xã, phường" if not four else "UBND xã, phường")
            co_leads += ["cac-so-ban-nganh", "ubnd-cac-xa-phuong"]
        elif collective < 0.18:
            tail = rng.choice(["Các sở, ban, ngành có liên quan; ", "Sở, ngành, ", "Các Sở, ngành, "]) + \
                ("UBND các xã, phường" if not four else "UBND xã, phường")
            co_leads += ["cac-so-ban-nganh", "ubnd-cac-xa-phuong"]
        elif collective < 0.93 or not names:
            tail = "UBND các xã, phường" if not four else "UBND xã, phường"
            co_leads.append("ubnd-cac-xa-phuong")
        if tail:
            colead_cell = f"{colead_cell}; {tail}" if colead_cell else tail
        if not four and goal in (6, 10) and leads[0] == "so-van-hoa-the-thao-va-du-lich" and rng.random() < 0.6:
            guide = "Theo hướng dẫn của Bộ Văn hóa, Thể thao và Du lịch/ Cục Thể dục thể thao Việt Nam"
            colead_cell = f"{guide}{rng.choice(['; ', ' '])}{colead_cell}"  # 002 6.1 and 10.1
            guiding = ["bo-van-hoa-the-thao-va-du-lich", "cuc-the-duc-the-thao-viet-nam"]
        return lead_cell, colead_cell, leads, co_leads, guiding

    # -- the appendix -------------------------------------------------------------------------

    def _task(self, key: str, stt: str, goal: int, objective: str | None) -> TaskSpec:
        queue = self._texts.get(goal)
        if not queue:  # the goal's real task texts in a random order, again when used up
            queue = self._texts[goal] = self.rng.sample(self.h.tasks[goal], len(self.h.tasks[goal]))
        text = queue.pop()
        lead_cell, colead_cell, leads, co_leads, guiding = self._cells(goal)
        time_cell = self.rng.choices(["Giai đoạn 2026-2030", "Thường xuyên", "Giai đoạn 2026 - 2030"],
                                     [85, 10, 5])[0]
        spec = TaskSpec(key, stt, goal, objective, text, lead_cell, colead_cell, time_cell, leads, co_leads, guiding)
        self.tasks.append(spec)
        return spec

    def _groups(self) -> list[tuple[int, str, str]]:
        """(goal, objective code, style) of each group of tasks, in order."""
        groups: list[tuple[int, str, str]] = []
        for goal in range(1, 13):
            codes = sorted((c for c in self.h.objectives if int(c.split(".")[0]) == goal),
                           key=lambda c: [int(x) for x in c.split(".")])
            if self.layout == "5col" and len(codes) == 1 and self.rng.random() < 0.7:
                groups.append((goal, codes[0], "goal-sentence"))  # tasks n.k under the goal (002)
            else:
                groups += [(goal, code, "objective") for code in codes]
        return groups

    def table(self) -> list[str]:
        rng, five = self.rng, self.layout == "5col"
        header = HEADER5 if five else HEADER4
        width = 5 if five else 4
        pad = "\t" * (width - 1)
        groups = self._groups()
        total = rng.randint(70, 120)
        counts = [1] * len(groups)
        weights = [rng.uniform(0.5, 1.5) for _ in groups]
        for _ in range(total - len(groups)):
            counts[rng.choices(range(len(groups)), weights)[0]] += 1
        out = [header]
        rows_since_break = 0
        dash_line_left = 1 if (not five and rng.random() < 0.5) else 0

        def page_break() -> None:
            nonlocal rows_since_break
            out.append("")
            if five:
                out.append(header)
            rows_since_break = 0

        def heading(text: str) -> None:
            """A goal or objective row: tabbed, or (4 columns) a plain line, or run onto a second line."""
            if not five and rng.random() < 0.1 and (parts := _split_words(text, rng, lower=True)):
                if rng.random() < 0.5:
                    out.extend([parts[0] + pad, "", parts[1]])  # 004 goal 12
                else:
                    out.extend([parts[0], "", parts[1] + pad])  # 004 objective 11.2
                return
            if not five and rng.random() < 0.3:
                out.extend(["", text, ""])  # 004 goal 5, objective 5.1: plain lines between blanks
                return
            out.append(text + pad)

        current_goal = 0
        for (goal, objective, style), count in zip(groups, counts, strict=True):
            title = self.h.goal_titles[goal]
            sentence = self.h.objectives[objective] if objective else ""
            objective_key = objective if style == "objective" else f"g{goal}"
            self.objectives.add(objective_key)
            if goal != current_goal:
                current_goal = goal
                if style == "goal-sentence":
                    form = rng.randrange(4)
                    if form == 0:
                        out.append(f"<p>Mục tiêu chiến lược {goal}: {title}</p> <p>{sentence}</p>{pad}")
                    elif form == 1:
                        out.append(f"<p>Mục tiêu chiến lược {goal}: {title} {sentence}</p>{pad}")
                    elif form == 2:
                        out.append(f"Mục tiêu chiến lược {goal}: {title}{pad}")
                        out.append(f"{sentence}{pad}")
                    else:
                        out.append(f"Mục tiêu chiến lược {goal}: {title}. {sentence}{pad}")
                else:
                    heading(f"Mục tiêu chiến lược {goal}: {title}")
            if style == "objective":
                heading(f"Mục tiêu {objective}. {sentence}")
            prefix = objective if style == "objective" else str(goal)
            number = 0
            dotted = not five and rng.random() < 0.1
            dot_from = rng.randint(1, max(1, count))
            for position in range(count):
                number += 1
                if rng.random() < 0.02 and position > 0:
                    self.gaps.append(f"{prefix}.{number}")
                    number += 1  # a numbering gap (004: 5.1.8, 6.1.1 missing)
                code = f"{prefix}.{number}"
                stt = code + ("." if dotted and number >= dot_from else "")
                unnumbered = five and count == 1 and rng.random() < 0.35
                if unnumbered:
                    stt = ""
                    key = f"g{goal}-u{1 + sum(1 for t in self.tasks if t.goal == goal and not t.stt)}"
                else:
                    key = code
                spec = self._task(key, stt, goal, objective_key)
                self._row(spec, out, page_break, five)
                rows_since_break += 1
                if dash_line_left and rng.random() < 0.03:
                    out.append("-------\t--\t--\t---")  # 004 after 5.1.1
                    out.append("")
                    dash_line_left = 0
                    rows_since_break = 0
                elif rows_since_break >= rng.randint(4, 9):
                    page_break()
        if self.gaps:  # a gap is reported when a later number exists; they all do by construction
            pass
        return out

    def _row(self, spec: TaskSpec, out: list[str], page_break: Any, five: bool) -> None:
        rng = self.rng
        split = rng.random() < 0.12
        parts = _split_words(spec.text, rng, lower=True) if split else None
        if five:
            cells = [spec.stt, spec.text, spec.lead_cell, spec.time, spec.colead_cell]
            if parts:
                cells[1] = parts[0]
                out.append("\t".join(cells))
                page_break()
                out.append(f"\t{parts[1]}\t\t\t")  # 002 3.1: the rest of the text after the header
                return
            out.append("\t".join(cells))
            return
        cells = [spec.stt, spec.text, spec.lead_cell, spec.colead_cell]
        if split:
            rest = ["", "", "", ""]
            if parts and rng.random() < 0.9:
                cells[1], rest[1] = parts
            for index in (2, 3):
                if rng.random() < 0.4 and (cut := _split_words(cells[index], rng, lower=False, low=0.2, high=0.85)):
                    cells[index], rest[index] = cut  # "Sở Nông nghiệp" / "và Môi trường" (004 4.1.7)
            if any(rest):
                out.append("\t".join(cells))
                page_break()
                out.append("\t".join(rest))
                return
        out.append("\t".join(cells))

    # -- TỔ CHỨC THỰC HIỆN --------------------------------------------------------------------

    def _duty_texts(self, kind: str, count: int) -> list[str]:
        pool = [t for t in self.h.duties.get(kind) or self.h.duties["pillar"] if not t.startswith("Là cơ quan")]
        texts = self.rng.sample(pool, min(count, len(pool)))
        while len(texts) < count:
            texts.append(self.rng.choice(pool + self.h.duties["pillar"]))
        return [self._localise(t) for t in texts]

    def _localise(self, text: str) -> str:
        text = re.sub(r"(tỉnh|thành phố) (Hà Tĩnh|Lai Châu|Đắk Lắk|Đồng Nai)",
                      f"{self.province.level} {self.province.name}", text)
        text = re.sub(r"\b(Hà Tĩnh|Lai Châu|Đắk Lắk|Đồng Nai)\b", self.province.name, text)
        if self.province.level == "thành phố":
            return re.sub(r"\btỉnh\b", "thành phố", text)
        return re.sub(r"\bthành phố\b", "tỉnh", text)

    def organisation(self) -> list[str]:
        rng, namer, lv = self.rng, self.namer, self.province.level
        lettered = rng.random() < (0.75 if self.layout == "4col" else 0.25)
        out = ["VII. TỔ CHỨC THỰC HIỆN", ""]
        number = 0

        def item(heading: str, bearers: list[str], kind: str, count: int, *, requested: bool = False,
                 extra: list[tuple[str, str]] | None = None, first: str | None = None) -> None:
            nonlocal number
            number += 1
            out.extend([f"{number}. {heading}", ""])
            texts = self._duty_texts(kind, count)
            if first:
                texts[0] = first
            for index, text in enumerate(texts):
                marker = f"{'abcdđeghik'[index]})" if lettered else "-"
                out.extend([f"{marker} {text}", ""])
                key = f"VII.{number}.{'abcdđeghik'[index]}" if lettered else f"VII.{number}-{index + 1}"
                self.duties.append({"key": key, "bearers": bearers, "requested": requested})
                if lettered and index == 0 and kind == "pillar" and rng.random() < 0.3:
                    out.extend([f"Kế hoạch triển khai thực hiện báo cáo UBND {lv} trước **ngày 30/7/2026**, "
                                "đồng thời gửi Sở Nội vụ để theo dõi, tổng hợp.", ""])  # 003 VII.1.a
            for offset, (member, text) in enumerate(extra or [], start=len(texts) + 1):
                out.extend([f"- {namer.name(member)}: {self._localise(text)}", ""])  # 001 VII.6
                self.duties.append({"key": f"VII.{number}-{offset}", "bearers": [member], "requested": requested})

        def inline(heading: str, bearers: list[str], text: str, *, requested: bool = False) -> None:
            nonlocal number
            number += 1
            out.extend([f"{number}. {heading}: {self._localise(text)}", ""])  # 004 VII.4
            self.duties.append({"key": f"VII.{number}", "bearers": bearers, "requested": requested})

        def paragraph(heading: str, bearers: list[str], text: str, *, requested: bool = False) -> None:
            nonlocal number
            number += 1
            out.extend([f"{number}. {heading}", "", self._localise(text), ""])  # 001 VII.3
            self.duties.append({"key": f"VII.{number}-1", "bearers": bearers, "requested": requested})

        pillar = rng.sample(["so-y-te", "so-giao-duc-va-dao-tao", "so-nong-nghiep-va-moi-truong",
                             "so-van-hoa-the-thao-va-du-lich", "so-khoa-hoc-va-cong-nghe", "so-ngoai-vu",
                             "so-noi-vu", "so-xay-dung", "so-cong-thuong"], rng.randint(4, 7))
        form = rng.randrange(3)
        if form == 0:  # 002 VII.1
            listed = ", ".join(FACTORED[k] for k in pillar)
            item(f"Các cơ quan, đơn vị thuộc trụ cột Văn hóa - Xã hội ASEAN bao gồm các Sở: {listed}", pillar,
                 "pillar", rng.randint(3, 5))
        elif form == 1:  # 001 VII.2: "Các sở: Y tế, …, Tài chính và Công an tỉnh"
            listed = ", ".join(FACTORED[k] for k in pillar)
            item(f"Các sở: {listed} và Công an {lv}", [*pillar, "cong-an"], "pillar", rng.randint(3, 6))
        else:  # 004 VII.2: a list of full names after "gồm:"
            pillar_members = [*pillar, "hoi-lien-hiep-phu-nu", "doan-thanh-nien"]
            listed = "; ".join(namer.name(k) for k in pillar_members)
            item(f"Các ngành thuộc trụ cột Văn hóa - Xã hội ASEAN, gồm: {listed}.", pillar_members, "pillar",
                 rng.randint(2, 4))
        focal = rng.choice(["Là cơ quan đầu mối, chủ trì theo dõi, đôn đốc, tổng hợp, tham mưu Ủy ban nhân dân "
                            f"{lv} triển khai thực hiện Kế hoạch.",
                            "Là cơ quan Thường trực, chủ trì, phối hợp với các sở, ban, ngành liên quan, UBND các "
                            "xã, phường tổ chức thực hiện Kế hoạch.", None])
        item("Sở Nội vụ", ["so-noi-vu"], "noi-vu", rng.randint(2, 3), first=focal)
        if rng.random() < 0.5:
            inline("Sở Tài chính", ["so-tai-chinh"], self.h.duties["tai-chinh"][-1])
        else:
            item("Sở Tài chính", ["so-tai-chinh"], "tai-chinh", rng.randint(1, 3))
        if rng.random() < 0.6:
            text = rng.choice(self.h.duties.get("ngoai-vu", [])) if self.h.duties.get("ngoai-vu") else None
            if text and rng.random() < 0.5:
                paragraph("Sở Ngoại vụ", ["so-ngoai-vu"], text)
            elif text:
                inline("Sở Ngoại vụ", ["so-ngoai-vu"], text)
        for kind in rng.sample(["cong-an", "so-y-te", "so-giao-duc-va-dao-tao", "so-van-hoa-the-thao-va-du-lich",
                                "so-khoa-hoc-va-cong-nghe", "so-tu-phap"], rng.randint(0, 3)):
            item(namer.name(kind), [kind], "pillar", rng.randint(1, 3))
        if rng.random() < 0.4:
            paragraph(f"Đề nghị {namer.name('bao-va-phat-thanh-truyen-hinh')}", ["bao-va-phat-thanh-truyen-hinh"],
                      "Chủ trì, phối hợp với các đơn vị liên quan tăng thời lượng sản xuất, phát sóng các tin, bài "
                      "viết và nâng cao chất lượng tuyên truyền về Cộng đồng ASEAN, Cộng đồng Văn hóa - Xã hội "
                      f"ASEAN và các hoạt động hội nhập quốc tế trên địa bàn {lv}.", requested=True)
        if rng.random() < 0.3:
            centres = f"{namer.name('trung-tam-xuc-tien-dau-tu')}, " \
                f"{namer.name('trung-tam-khuyen-cong-va-xuc-tien-thuong-mai')}"
            paragraph(centres,
                      ["trung-tam-xuc-tien-dau-tu", "trung-tam-khuyen-cong-va-xuc-tien-thuong-mai"],
                      self.h.duties["tai-chinh"][1] if len(self.h.duties["tai-chinh"]) > 1 else
                      self.h.duties["tai-chinh"][0])
        item("UBND các xã, phường", ["ubnd-cac-xa-phuong"], "ubnd-xa", rng.randint(2, 4))
        members: list[tuple[str, str]] = []
        if not lettered and rng.random() < 0.5:  # member lines "- Hội …: …" come with dash duties (001)
            members = [(m, t) for m in ("doan-thanh-nien", "hoi-lien-hiep-phu-nu")
                       for t in self.h.duties.get(f"member:{m}", [])[:1]]
        item(f"Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam {lv} và các đoàn thể cấp {lv}", ["ubmttq", "cac-doan-the"],
             "mttq", rng.randint(2, 3), requested=True, extra=members)
        return out

    # -- the whole file -----------------------------------------------------------------------

    def text(self) -> str:
        rng, p = self.rng, self.province
        template = "002" if self.layout == "5col" else "004"
        seed_name, seed_level = ("Hà Tĩnh", "tỉnh") if template == "002" else ("Đồng Nai", "thành phố")
        head = "\n".join(self.h.heads[self.layout])
        tail = "\n".join(self.h.tails[self.layout])
        body = self.organisation()
        table = self.table()

        def localise(text: str) -> str:
            text = text.replace(seed_name, p.name).replace(seed_name.upper(), p.name.upper())
            if p.level != seed_level:
                text = re.sub(rf"\b{seed_level}\b", p.level, text)
                text = text.replace(seed_level.upper(), p.level.upper())
            text = re.sub(r"\b\d{3,4}/(SNV-CCHC&VTLT|TTr-SNV)", lambda m: f"{rng.randint(100, 4999)}/{m.group(1)}",
                          text)
            return text.replace("Nguyễn Thị Nguyệt", _signer(rng)).replace("Nguyễn Thị Hoàng", _signer(rng))

        document = localise(head).rstrip("\n") + "\n\n" + "\n".join(body) + "\n" + localise(tail).rstrip("\n") \
            + "\n\n" + "\n".join(table)
        return document  # no newline after the last row (the seeds' last line has none)

    def manifest(self, file: str) -> dict[str, Any]:
        return {
            "file": file, "kind": "province", "layout": self.layout, "unit": self.province.key,
            "issuer": f"{self.province.level} {self.province.name}",
            "tasks": [{"key": t.key, "goal": t.goal, "objective": t.objective, "leads": t.leads,
                       "co_leads": t.co_leads, "guiding": t.guiding} for t in self.tasks],
            "duties": self.duties, "objectives": sorted(self.objectives), "gaps": self.gaps,
        }


# ------------------------------------------------------------------------------------------------
# Commune plans
# ------------------------------------------------------------------------------------------------

EXTRA_COMMUNE_DUTIES = [
    "Tổ chức triển khai, thực hiện các nhiệm vụ, giải pháp thuộc trách nhiệm của ngành, lĩnh vực, các nội dung "
    "công việc được phân công chủ trì thực hiện theo Kế hoạch này.",
    "Rà soát, lồng ghép các nội dung của Kế hoạch trong kế hoạch, chương trình công tác năm của cơ quan, đơn vị "
    "để triển khai thực hiện hiệu quả.",
    "Tạo điều kiện, khuyến khích các cơ quan, đơn vị và người dân tham gia vào quá trình xây dựng, phát triển, "
    "giám sát và đánh giá việc thực hiện Kế hoạch trên cơ sở phù hợp với chức năng, nhiệm vụ và quyền hạn theo "
    "quy định.",
    "Cử cán bộ, công chức, viên chức tham gia các khóa đào tạo, tập huấn, hội nghị, hội thảo về Cộng đồng ASEAN "
    "nói chung và Cộng đồng Văn hóa - Xã hội ASEAN nói riêng nhằm nâng cao năng lực thực hiện Kế hoạch.",
]


class CommunePlan:
    """One commune plan in the prose layout of 000 (Hà Đông), sometimes in the Markdown of 003."""

    def __init__(self, commune: Unit, seed: int) -> None:
        self.commune = commune
        self.rng = random.Random(f"{seed}:commune:{commune.key}")
        self.markdown = self.rng.random() < 0.2
        self.h = harvest()
        self.duties: list[dict[str, Any]] = []

    def _level(self, text: str) -> str:
        """The commune template's "xã" (not "xã hội") as this unit's level word."""
        level = self.commune.level
        if level == "xã":
            return text
        text = re.sub(r"\bxã\b(?!\s+hội)", level, text)
        return text.replace("DÂN XÃ", f"DÂN {level.upper()}")

    def organisation(self) -> list[str]:
        rng, lv = self.rng, self.commune.level
        pool = self.h.commune_duties
        everything = [t for texts in pool.values() for t in texts]
        target = rng.randint(10, 40)
        bodies: list[tuple[str, str]] = [
            ("phong-van-hoa-xa-hoi", rng.choice([f"Phòng Văn hoá – xã hội {lv}", "Phòng Văn hóa - Xã hội",
                                                 f"Phòng Văn hóa – Xã hội {lv}"])),
            ("cong-chuc-tai-chinh-ke-toan", rng.choice(["Công chức Tài chính – Kế toán",
                                                        "Công chức Tài chính - Kế toán"])),
        ]
        optional = [
            ("trung-tam-dich-vu-su-nghiep-cong", "Trung tâm Dịch vụ sự nghiệp công"),
            ("cong-an-xa", f"Công an {lv}"),
            ("ban-chi-huy-quan-su-xa", f"Ban Chỉ huy Quân sự {lv}"),
            ("tram-y-te", f"Trạm Y tế {lv}"),
            ("phong-kinh-te", "Phòng Kinh tế") if lv == "xã" else
            ("phong-kinh-te-ha-tang-va-do-thi", "Phòng Kinh tế, Hạ tầng và Đô thị"),
            ("van-phong-hdnd-va-ubnd-xa", f"Văn phòng HĐND và UBND {lv}"),
        ]
        bodies += rng.sample(optional, rng.randint(1, 4))
        heads = ("truong-cac-thon", f"Trưởng các thôn trên địa bàn {lv}" if lv == "xã" else "Tổ trưởng tổ dân phố")
        members = rng.sample([("doan-thanh-nien", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
                              ("hoi-lien-hiep-phu-nu", f"Hội Liên hiệp Phụ nữ {lv}"),
                              ("hoi-nong-dan", f"Hội Nông dân {lv}"),
                              ("hoi-cuu-chien-binh", f"Hội Cựu chiến binh {lv}")],
                             rng.randint(2, 4))
        # how many duties each bearer gets (at least one), summing to the target
        slots = bodies + [("ubmttq", "")] + members + [heads]
        counts = [1] * len(slots)
        for _ in range(max(0, target - len(slots))):
            counts[rng.randrange(len(slots))] += 1
        share = dict(zip(range(len(slots)), counts, strict=True))

        def texts(kind: str, count: int) -> list[str]:
            own = pool.get(kind, []) + (EXTRA_COMMUNE_DUTIES if kind not in pool else [])
            chosen = rng.sample(own, min(count, len(own)))
            while len(chosen) < count:
                chosen.append(rng.choice(everything + EXTRA_COMMUNE_DUTIES))
            return [self._level(t) for t in chosen]

        out = ["IV. TỔ CHỨC THỰC HIỆN", ""]
        number = 0
        slot = 0
        order = bodies[:2] + [("mttq", "")] + bodies[2:] + [heads]
        for kind, heading in order:
            number += 1
            if kind == "mttq":
                out.extend([f"{number}. UBMT Tổ Quốc và các đoàn thể {lv}", "", f"a) Ủy ban Mặt trận Tổ quốc {lv}", ""])
                for index, text in enumerate(texts("ubmttq", share[len(bodies)])):
                    out.extend([f"- {text}", ""])
                    self.duties.append({"key": f"IV.{number}.a-{index + 1}", "bearers": ["ubmttq"], "requested": False})
                out.extend(["b) Các đoàn thể chính trị - xã hội", ""])
                count = 0
                for offset, (member, name) in enumerate(members):
                    out.extend([name, ""])
                    for text in texts(member, share[len(bodies) + 1 + offset]):
                        count += 1
                        out.extend([f"- {text}", ""])
                        self.duties.append({"key": f"IV.{number}.b-{count}", "bearers": [member], "requested": False})
                continue
            index_of = slots.index((kind, heading))
            out.extend([f"{number}. {heading}", ""])
            for index, text in enumerate(texts(kind, share[index_of])):
                out.extend([f"- {text}", ""])
                self.duties.append({"key": f"IV.{number}-{index + 1}", "bearers": [kind], "requested": False})
            slot += 1
        return out

    def text(self) -> str:
        rng, c = self.rng, self.commune
        p = c.province
        assert p is not None
        head = "\n".join(self.h.heads["commune"])
        tail = "\n".join(self.h.tails["commune"])
        number = rng.randint(50, 400)

        def localise(text: str) -> str:
            text = text.replace("168/KH-UBND", f"{number}/KH-UBND")
            text = text.replace("thành phố Hải Phòng", f"{p.level} {p.name}").replace("Hải Phòng", p.name)
            text = text.replace("UBND thành phố (để báo cáo)", f"UBND {p.level} (để báo cáo)")
            text = text.replace("trên địa bàn thành phố.", f"trên địa bàn {p.level}.")
            text = text.replace("Hà Đông", c.name)
            return self._level(text)

        lines = (localise(head).rstrip("\n") + "\n\n" + "\n".join(self.organisation()) + "\n"
                 + localise(tail)).split("\n")
        if rng.random() < 0.5:
            lines = [*(line for line in lines), _signer(rng)]
        if self.markdown:
            lines = self._markdown(lines)
        return "\n".join(lines).rstrip("\n") + "\n"

    @staticmethod
    def _markdown(lines: list[str]) -> list[str]:
        """The Markdown of 003: ``## **I. …**``, ``### **1. …**`` headings, bold deadlines and signature."""
        out = []
        in_organisation = False
        title_next = False
        for line in lines:
            stripped = line.strip()
            if stripped == "KẾ HOẠCH":
                out.append("## **KẾ HOẠCH**")
                title_next = True
                continue
            if title_next and stripped:
                out.append(f"### **{stripped}**")
                title_next = False
                continue
            if re.match(r"^[IVX]+\.\s+[A-ZĐỦ]", stripped):
                in_organisation = "TỔ CHỨC THỰC HIỆN" in stripped
                out.append(f"## **{stripped}**")
                continue
            if re.match(r"^\d+\.\s+\S", stripped) and len(stripped) < 90 and not stripped.endswith("."):
                out.append(f"{'##' if in_organisation else '###'} **{stripped}**")
                continue
            if stripped.startswith("Nơi nhận"):
                out.append(f"### **{stripped}**")
                continue
            if stripped in ("TM. ỦY BAN NHÂN DÂN XÃ", "TM. ỦY BAN NHÂN DÂN PHƯỜNG", "TM. ỦY BAN NHÂN DÂN ĐẶC KHU",
                            "KT. CHỦ TỊCH"):
                out.append(f"**{stripped}  ")
                continue
            if stripped == "PHÓ CHỦ TỊCH":
                out.append(f"{stripped}**")
                continue
            out.append(re.sub(r"(ngày \d{1,2}/\d{1,2}(?:/\d{4})?)", r"**\1**", line))
        return out

    def manifest(self, file: str) -> dict[str, Any]:
        return {"file": file, "kind": "commune", "layout": "markdown" if self.markdown else "prose",
                "unit": self.commune.key, "issuer": f"{self.commune.level} {self.commune.name}",
                "tasks": [], "duties": self.duties, "objectives": [], "gaps": []}


# ------------------------------------------------------------------------------------------------
# The corpus
# ------------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def select(items: tuple[Unit, ...], count: int | None, *, spread: bool) -> list[tuple[int, Unit]]:
    """All items, the first ``count`` or ``count`` evenly spaced ones, with their index in the table."""
    if count is None or count >= len(items):
        return list(enumerate(items))
    if not spread:
        return list(enumerate(items))[:max(0, count)]
    return [(i * len(items) // count, items[i * len(items) // count]) for i in range(max(0, count))]


def generate(out: Path | str, *, provinces: int | None = None, communes: int | None = None, seed: int = 1,
             only: Iterable[str] = (), progress: bool = False) -> list[dict[str, Any]]:
    """Write the corpus into ``out`` (``provinces/`` and ``communes/``); return the manifest.

    ``provinces``: the first N provinces (None: all 34); ``communes``: N communes evenly spaced over the
    official table (None: all); ``only``: these units too, by issuer key ("42", "31/10882").
    """
    out = Path(out)
    all_provinces, all_communes = official_units()
    chosen_p = select(all_provinces, provinces, spread=False)
    chosen_c = select(all_communes, communes, spread=True)
    wanted = set(only)
    chosen_p += [(i, u) for i, u in enumerate(all_provinces) if u.key in wanted and (i, u) not in chosen_p]
    chosen_c += [(i, u) for i, u in enumerate(all_communes) if u.key in wanted and (i, u) not in chosen_c]
    (out / "provinces").mkdir(parents=True, exist_ok=True)
    (out / "communes").mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, Any]] = []
    total = len(chosen_p) + len(chosen_c)
    started = time.perf_counter()
    done = 0

    def tick() -> None:
        if progress and (done % 100 == 0 or done == total):
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"\rgenerating plans: {done:,}/{total:,} ({rate:,.0f}/s)", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    for index, province in chosen_p:
        plan = ProvincePlan(province, index, seed)
        name = f"provinces/p{int(province.code):02d}-{_slug(province.name)}.txt"
        (out / name).write_text(plan.text(), encoding="utf-8")
        manifest.append(plan.manifest(name))
        done += 1
        tick()
    for _, commune in chosen_c:
        commune_plan = CommunePlan(commune, seed)
        assert commune.province is not None
        suffix = ".md" if commune_plan.markdown else ".txt"
        name = f"communes/c{int(commune.province.code):02d}-{int(commune.code):05d}-{_slug(commune.name)}{suffix}"
        (out / name).write_text(commune_plan.text(), encoding="utf-8")
        manifest.append(commune_plan.manifest(name))
        done += 1
        tick()
    (out / "manifest.json").write_text(json.dumps({"seed": seed, "plans": manifest}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (created)")
    parser.add_argument("--provinces", type=int, default=None, help="the first N provinces (default: all 34)")
    parser.add_argument("--communes", type=int, default=None,
                        help="N communes evenly spaced over the official table (default: all 3,321)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, provinces=args.provinces, communes=args.communes, seed=args.seed, progress=True)
    tasks = sum(len(m["tasks"]) for m in manifest)
    duties = sum(len(m["duties"]) for m in manifest)
    print(f"wrote {len(manifest):,} plans ({tasks:,} tasks, {duties:,} duties) to {args.out} in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

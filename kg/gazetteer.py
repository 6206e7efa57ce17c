"""The gazetteer of agency names (``data/gazetteer/*.csv``) and a longest-match lookup over tokens.

Names are compared on folded tokens (:func:`kg.slug.fold`: case and tone-mark placement ignored),
with abbreviations expanded ("UBND" → "Ủy ban nhân dân") and hyphens ignored, so "Sở Văn hoá, Thể
thao và Du lịch", "Sở VHTTDL" and "sở văn hóa, thể thao và du lịch" are one name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.model import Category
from kg.slug import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

_TOKEN = re.compile(r"[^\W_]+(?:[&'’][^\W_]+)*|[;,:/()\-–—.+]")
_DASHES = {"-", "–", "—"}


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark of a text, with its character offsets."""

    text: str
    start: int
    end: int
    key: str  # folded form used for matching

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def tokenize(text: str) -> list[Token]:
    """Split text into word and punctuation tokens.

    >>> [t.text for t in tokenize("Sở GD&ĐT; UBND xã, phường")]
    ['Sở', 'GD&ĐT', ';', 'UBND', 'xã', ',', 'phường']
    """
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        key = "-" if word in _DASHES else fold(word)
        tokens.append(Token(word, match.start(), match.end(), key))
    return tokens


@dataclass(frozen=True)
class Kind:
    """A kind of organisation: "Sở Y tế" of any province, "UBND các xã, phường" as a collective."""

    slug: str
    label_vi: str
    label_en: str
    category: Category
    level: str
    is_group: bool
    factored: tuple[str, ...] = ()


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    kind: Kind | None = None


@dataclass(frozen=True)
class Match:
    """A gazetteer name found at tokens[start:end] (end exclusive)."""

    start: int
    end: int
    kind: Kind


class Gazetteer:
    """Agency kinds and every way their names are written, as a token trie."""

    def __init__(self, kinds: list[Kind], variants: dict[str, list[str]],
                 abbreviations: dict[str, str]) -> None:
        self.kinds = {kind.slug: kind for kind in kinds}
        self.abbreviations = {fold(k): [t.key for t in tokenize(v) if t.key != "-"]
                              for k, v in abbreviations.items()}
        self._root = _Node()
        self._factored = _Node()
        for kind in kinds:
            for name in [kind.label_vi, *variants.get(kind.slug, [])]:
                self._add(self._root, name, kind)
            for short in kind.factored:
                self._add(self._factored, short, kind)

    def keys(self, text: str) -> list[str]:
        """Folded match keys of a name: abbreviations expanded, hyphens dropped.

        >>> default().keys("UBND xã, phường")[:4]
        ['uy', 'ban', 'nhân', 'dân']
        """
        out: list[str] = []
        for token in tokenize(text):
            out.extend(self.expand(token))
        return out

    def expand(self, token: Token) -> list[str]:
        """The keys one token stands for ("UBND" → four keys; "-" → none)."""
        if token.key == "-":
            return []
        return self.abbreviations.get(token.key, [token.key])

    def _add(self, root: _Node, name: str, kind: Kind) -> None:
        node = root
        for key in self.keys(name):
            node = node.children.setdefault(key, _Node())
        if node.kind is None or node.kind == kind:
            node.kind = kind
        # the first kind to claim a name keeps it; duplicates are reported by the data test

    def longest(self, keys: list[str], start: int, *, factored: bool = False) -> tuple[int, Kind] | None:
        """The longest name starting at ``keys[start]``: (end, kind), or None."""
        node = self._factored if factored else self._root
        best: tuple[int, Kind] | None = None
        position = start
        while position < len(keys):
            child = node.children.get(keys[position])
            if child is None:
                break
            node = child
            position += 1
            if node.kind is not None:
                best = (position, node.kind)
        return best

    def lookup(self, name: str) -> Kind | None:
        """The kind whose name is exactly ``name`` (any spelling), or None.

        >>> default().lookup("Sở Văn hoá, Thể thao và Du lịch").slug
        'so-van-hoa-the-thao-va-du-lich'
        """
        keys = self.keys(name)
        found = self.longest(keys, 0)
        return found[1] if found and found[0] == len(keys) else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def load(directory: Path = DATA_DIR) -> Gazetteer:
    """Read ``agencies.csv`` and ``abbreviations.csv`` from ``directory``."""
    kinds: list[Kind] = []
    variants: dict[str, list[str]] = {}
    for row in _read_csv(directory / "agencies.csv"):
        kind = Kind(
            slug=row["kind"],
            label_vi=row["label_vi"],
            label_en=row["label_en"],
            category=Category(row["category"]),
            level=row["level"] or "province",
            is_group=row["group"] == "1",
            factored=tuple(_split(row.get("factored", ""))),
        )
        kinds.append(kind)
        variants[kind.slug] = _split(row.get("variants", ""))
    abbreviations = {row["abbr"]: row["expansion"]
                     for row in _read_csv(directory / "abbreviations.csv") if row.get("abbr")}
    return Gazetteer(kinds, variants, abbreviations)


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The gazetteer shipped in ``data/gazetteer/``."""
    return load()

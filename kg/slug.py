"""ASCII slugs for IRIs, and the accent-insensitive keys used to compare Vietnamese names."""

from __future__ import annotations

import re
import unicodedata

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def slugify(text: str) -> str:
    """A lower-case ASCII slug: "Sở Văn hóa, Thể thao và Du lịch" → "so-van-hoa-the-thao-va-du-lich".

    >>> slugify("Sở Giáo dục và Đào tạo")
    'so-giao-duc-va-dao-tao'
    >>> slugify("Văn hoá") == slugify("Văn hóa")
    True
    """
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def fold(text: str) -> str:
    """Case-folded, NFC text with the five tone marks removed but vowel shapes kept.

    Old and new tone placement ("hoá"/"hóa", "thuỷ"/"thủy") and upper/lower case compare equal,
    while "Sở" and "Số" stay apart.

    >>> fold("Văn hoá") == fold("VĂN HÓA")
    True
    >>> fold("Sở") == fold("Số")
    False
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    kept = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", kept)


def strip_accents(text: str) -> str:
    """Text without any diacritics ("Sở Nội vụ" → "So Noi vu"), for diacritic-free search.

    >>> strip_accents("Sở Nội vụ, Đồng Nai")
    'So Noi vu, Dong Nai'
    """
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_OLD_TONES = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TONES) + r")(?![^\W\d_])", re.IGNORECASE)


def modern_tones(text: str) -> str:
    """Move tone marks of word-final "oa", "oe", "uy" to the first vowel, the spelling of the gazetteer.

    >>> modern_tones("Sở Văn hoá, Thể thao; Uỷ ban; hoàng")
    'Sở Văn hóa, Thể thao; Ủy ban; hoàng'
    """

    def swap(match: re.Match[str]) -> str:
        found = match.group(1)
        new = _OLD_TONES[found.lower()]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(found, new, strict=True))

    return _OLD_TONE_RE.sub(swap, unicodedata.normalize("NFC", text))

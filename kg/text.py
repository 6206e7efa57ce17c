"""Read a plan file into normalised lines: UTF-8 checked, Unicode NFC, LF line ends, Markdown removed.

Line numbers are those of the file as a person opens it (1-based), so every fact can point back to
the document. A copy in NFD or with CRLF line ends reads identically.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of kilobytes; anything over 20 MB is not one

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_HTML_TAG = re.compile(r"</?(p|b|i|strong|em|br|span|div|u)(\s[^>]*)?/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """A plan file as normalised text.

    ``raw`` holds each line after NFC and line-end normalisation (Markdown and HTML kept, used for
    table layout), ``lines`` the same lines with Markdown emphasis, heading marks and stray HTML
    removed (used for reading prose). Both are indexed from 0; line n of the file is ``lines[n-1]``.
    """

    name: str
    sha256: str
    raw: tuple[str, ...]
    lines: tuple[str, ...]
    heading_levels: tuple[int, ...]  # Markdown heading depth of each line, 0 when none

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) of the cleaned text."""
        return self.lines[number - 1]

    def __len__(self) -> int:
        return len(self.lines)


def normalise(text: str) -> str:
    """NFC, LF line ends, no BOM, no zero-width characters, non-breaking spaces as spaces.

    >>> normalise("Ho\\u0301a\\r\\nb") == "Hóa\\nb"
    True
    """
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\u200c", "").replace("\u200d", "")
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> tuple[str, int]:
    """Remove Markdown heading marks, emphasis and stray inline HTML; return (text, heading level).

    >>> clean_line("## **I. MỤC ĐÍCH, YÊU CẦU**")
    ('I. MỤC ĐÍCH, YÊU CẦU', 2)
    >>> clean_line("trước **ngày 31/7/2026** để")
    ('trước ngày 31/7/2026 để', 0)
    """
    level = 0
    match = _MD_HEADING.match(line)
    if match:
        level = len(match.group(1))
        line = line[match.end():]
    previous = None
    while previous != line:
        previous = line
        line = _MD_EMPHASIS.sub(r"\2", line)
    line = line.replace("**", "")
    line = _HTML_TAG.sub(" ", line) if "<" in line else line
    return re.sub(r"[ \t]+", " ", line).strip() if "\t" not in line else line.strip(), level


def decode(data: bytes, name: str) -> str:
    """Decode a plan's bytes as UTF-8, or raise :class:`InputError` saying what is wrong and where."""
    if not data.strip():
        raise InputError(name, "empty", "the file is empty; a plan has a title, goals and assignments")
    if len(data) > MAX_BYTES:
        raise InputError(name, "too-large", f"{len(data):,} bytes; a plan is under {MAX_BYTES:,} bytes")
    if b"\x00" in data[:8192]:
        raise InputError(name, "binary", "the file contains NUL bytes: it is binary, not text "
                         "(export the Word/PDF document as UTF-8 text first)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(name, "not-utf8", f"byte 0x{data[error.start]:02x} at offset {error.start} is "
                         "not UTF-8; save the file as UTF-8 (Windows-1258 and VNI are not read)",
                         line=line) from None


def load(path: Path | str, *, name: str | None = None) -> Document:
    """Read and normalise a plan file."""
    path = Path(path)
    data = path.read_bytes()
    return from_bytes(data, name=name or path.name)


def from_bytes(data: bytes, *, name: str) -> Document:
    """Normalise a plan's bytes into a :class:`Document`."""
    text = normalise(decode(data, name))
    raw = text.split("\n")
    if raw and raw[-1] == "" and text.endswith("\n"):
        raw.pop()
    cleaned = [clean_line(line) for line in raw]
    return Document(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        raw=tuple(raw),
        lines=tuple(c[0] for c in cleaned),
        heading_levels=tuple(c[1] for c in cleaned),
    )

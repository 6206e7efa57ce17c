"""What keeps a view's page self-contained: the offsets of its elements, the removal of what pyvis links
from elsewhere, the check that nothing points elsewhere, its Content-Security-Policy (its own inline
scripts, by hash) and JSON safe inside a <script>.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

from kg.errors import KehoachError


class _Elements(HTMLParser):
    """Offsets of every element in a page: (tag, attrs, start, end of start tag, start of end tag, end)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]  # getpos() counts "\n" only
        self.found: list[list] = []
        self.open: list[list] = []
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        entry = [tag, dict(attrs), start, start + len(self.get_starttag_text() or ""), None, None]
        self.found.append(entry)
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self.open.append(entry)

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        for entry in reversed(self.open):
            if entry[0] == tag:
                entry[4], entry[5] = start, self.text.index(">", start) + 1
                self.open.remove(entry)
                break


def strip_external(page: str) -> str:
    """Remove <link> tags, <script src> elements and pyvis's empty heading (<center><h1></h1></center>)."""
    cuts = []
    for tag, attrs, start, start_end, _, end in _Elements(page).found:
        if tag == "link":
            cuts.append((start, start_end))
        elif (tag == "script" and "src" in attrs or tag == "center") and end is not None:
            cuts.append((start, end))
    for start, end in sorted(cuts, reverse=True):
        page = page[:start] + page[end:]
    return page


def check_self_contained(page: str) -> None:
    """Raise when a page could make a request: a <link>, a <script src>, or a src/href/action/srcset that
    is not a fragment, a data: URI or a relative file name."""
    for tag, attrs, *_ in _Elements(page).found:
        if tag == "link" or (tag == "script" and "src" in attrs):
            raise KehoachError(f"internal error: the page still loads <{tag} {attrs}>")
        for name in ("src", "href", "action", "srcset", "poster", "background"):
            value = (attrs.get(name) or "").strip().lower()
            if value and (":" in value.split("/", 1)[0] and not value.startswith("data:") or value.startswith("//")):
                raise KehoachError(f"internal error: <{tag} {name}={value!r}> points elsewhere")


def content_security_policy(page: str) -> str:
    """A Content-Security-Policy for ``page``: nothing from elsewhere, only its own inline scripts."""
    hashes = []
    for tag, attrs, _, start_end, end_start, _ in _Elements(page).found:
        if tag == "script" and attrs.get("type") in (None, "text/javascript") and end_start is not None:
            digest = hashlib.sha256(page[start_end:end_start].encode("utf-8")).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
            f"script-src {' '.join(sorted(set(hashes)))}; base-uri 'none'; form-action 'none'")


def json_script(data: object) -> str:
    """JSON safe inside <script type="application/json"> (no "</script>", no HTML comment)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

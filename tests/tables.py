"""Reading the tables of a rendered page, so tests can attack exactly the figures a reader sees."""

import re
from html.parser import HTMLParser


def _text(parts) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._caption = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption" and self.tables:
            self._caption = []
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = _text(self._caption)
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(_text(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[dict]:
    """Every table of the page: {"caption": text, "rows": [[cell text, ...], ...]}, header row
    first, whitespace collapsed."""
    reader = _Reader()
    reader.feed(html)
    return reader.tables


def table(html: str, caption_start: str) -> dict:
    """The one table whose caption starts with `caption_start`."""
    (found,) = [t for t in tables(html) if t["caption"].startswith(caption_start)]
    return found

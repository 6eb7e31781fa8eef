"""The templates' environment, and helpers that turn text plus offset spans into segments a
template renders (always escaped)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup


class PageEnvironment(jinja2.Environment):
    """Jinja's environment for the pages: HTML autoescaped, templates read once (they do not change
    while a server runs), and ``x.key`` on a plain dict looked up as a key first.

    Jinja tries ``x.key`` as an attribute first, and a dict has none, so every such lookup raised
    and caught an AttributeError: the case-file and search templates read the citations and
    statements (dicts) that way, and py-spy put a third of a fresh case file route in the lookups.
    The templates call no dict method (``items``, ``get``...) that a key could then hide.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:  # noqa: A003 - Jinja's name
        """``obj[attribute]`` for a dict that has the key, else Jinja's lookup."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def page_environment(folder: Path) -> PageEnvironment:
    """The environment of the templates in ``folder``."""
    return PageEnvironment(loader=jinja2.FileSystemLoader(folder), autoescape=jinja2.select_autoescape(),
                           auto_reload=False)


@dataclass(frozen=True)
class Segment:
    """A run of text, optionally marked: ``kind`` is a CSS class, ``href`` a link, ``title`` a tooltip."""

    text: str
    kind: str | None = None
    href: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Span:
    """A marked range of a text (offsets relative to that text)."""

    start: int
    end: int
    kind: str
    href: str | None = None
    title: str | None = None


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """Cut ``text`` into plain and marked segments; overlapping spans: the earliest (then longest) wins."""
    out: list[Segment] = []
    pos = 0
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        start, end = max(s.start, 0), min(s.end, len(text))
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], s.kind, s.href, s.title))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def cite_href(document_id: str, paragraph: int, start: int | None = None, end: int | None = None) -> str:
    """The reader URL of a cited passage: the paragraph anchor, with the quoted range highlighted."""
    mark = f"?mark={start}-{end}" if start is not None and end is not None else ""
    return f"/documents/{document_id}{mark}#p{paragraph}"


def select(name: str, label: str, options: Sequence[object], current: object) -> Markup:
    """A labelled ``<select>`` of filter values (``"any"`` first), ``current`` selected; escaped.

    An option is a value or a (value, label) pair. The markup is kept per arguments: the search
    and cases pages draw the same country and publisher lists (hundreds of options) every time.
    """
    opts = tuple(tuple(o) if isinstance(o, (list, tuple)) else o for o in options)
    return _select(name, label, opts, "" if current is None else str(current))


@functools.lru_cache(maxsize=512)
def _select(name: str, label: str, options: tuple[object, ...], current: str) -> Markup:
    out = [Markup('<label>{}\n<select name="{}">\n  <option value="">any</option>\n').format(label, name)]
    for o in options:
        value, text = (o[0], o[1]) if isinstance(o, tuple) else (o, o)
        chosen = " selected" if current == str(value) else ""
        out.append(Markup('  <option value="{}"{}>{}</option>\n').format(value, Markup(chosen), text))
    out.append(Markup("</select></label>"))
    return Markup("").join(out)

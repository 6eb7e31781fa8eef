"""The templates' environment, and helpers that turn text plus offset spans into segments a
template renders (always escaped)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
from markupsafe import Markup
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope


class PageEnvironment(jinja2.Environment):
    """Jinja's environment for the pages: HTML autoescaped, templates read once (they do not change
    while a server runs), and ``x.key`` on a plain dict looked up as a key first.

    Jinja tries ``x.key`` as an attribute first, and a dict has none, so every such lookup raised
    and caught an AttributeError: the case-file and search templates read the citations and
    statements (dicts) that way, and py-spy put a third of a fresh case file route in the lookups.
    The templates call no dict method (``items``, ``get``...) that a key could then hide.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj[attribute]`` for a dict that has the key, else Jinja's lookup."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class VersionedStatic(StaticFiles):
    """The static files (the style sheet). Pages link them as ``/static/NAME?v=HASH`` (see
    :meth:`url`), with a hash of the file's content: a browser may keep such a response for a
    year without asking again, and a changed file gets a new URL. Any other request for the file
    is revalidated as Starlette does (ETag, Last-Modified)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.hashes = {
            f.name: hashlib.sha256(f.read_bytes()).hexdigest()[:16]
            for f in Path(directory).iterdir()
            if f.is_file()
        }

    def url(self, name: str) -> str:
        """The URL that pages use for the static file ``name``."""
        return f"/static/{name}?v={self.hashes[name]}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Starlette's response, marked immutable when the URL names the file's current hash."""
        response = await super().get_response(path, scope)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        if response.status_code in (200, 304) and asked and asked == self.hashes.get(path):
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response


def page_environment(folder: Path) -> PageEnvironment:
    """The environment of the templates in ``folder``."""
    env = PageEnvironment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(),
        auto_reload=False,
    )
    env.filters["romanised"] = romanised
    return env


def romanised(text: str | None) -> str:
    """A Latin transliteration of Cyrillic ``text`` (shown on hover beside the text as printed, for
    readers who do not read the script); "" for text that is not mostly Cyrillic."""
    from anyascii import anyascii

    from docket.resolve.morph import is_cyrillic

    return anyascii(text) if text and is_cyrillic(text) else ""


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


def cite_href(
    document_id: str, paragraph: int, start: int | None = None, end: int | None = None
) -> str:
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
    out = [
        Markup('<label>{}\n<select name="{}">\n  <option value="">any</option>\n').format(
            label, name
        )
    ]
    for o in options:
        value, text = (o[0], o[1]) if isinstance(o, tuple) else (o, o)
        chosen = " selected" if current == str(value) else ""
        out.append(
            Markup('  <option value="{}"{}>{}</option>\n').format(value, Markup(chosen), text)
        )
    out.append(Markup("</select></label>"))
    return Markup("").join(out)

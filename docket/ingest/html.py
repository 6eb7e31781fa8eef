"""HTML reader: the article's main text via trafilatura, headings kept as headings.

trafilatura removes navigation, scripts, share bars and footers and returns the
main content as XML (``<head>`` and ``<p>`` elements). We rebuild plain text
from it, one block per element, separated by blank lines, and record each
block's offsets in that text. Markup from the page is never kept: the stored
text is plain and is escaped wherever it is shown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import trafilatura
from lxml import etree

from docket.errors import NoText, UnsupportedFormat
from docket.ingest.text import read_text
from docket.models import Block, ReadResult

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def read_html(markup: str, *, path: str, encoding: str | None = None) -> ReadResult:
    """Extract the main text of an HTML page into heading and paragraph blocks."""
    xml = _extract(markup, path)
    title = _page_title(markup)
    if xml:
        root = etree.fromstring(
            xml.encode("utf-8"), parser=etree.XMLParser(recover=True, huge_tree=False)
        )
        title = root.get("title") or title
        main = root.find("main")
        if main is not None:
            result = _from_main(main, encoding=encoding, title=title)
            if result.blocks:
                return result
    # No main content found: fall back to all visible text, classified like plain text.
    fallback = trafilatura.html2txt(markup) or ""
    note = "no article body found: kept all visible text"
    if not fallback.strip():
        # lxml (libxml2) gives up on markup nested over 255 deep or with an attribute over 10 MB,
        # and trafilatura then sees no text; the standard library's event parser has no such limits.
        fallback = _plain_text(markup)
        note = "the markup is beyond what the HTML parser accepts (nested too deep, or a huge attribute): kept all visible text"
    if not fallback.strip():
        raise NoText("the HTML page has no visible text", path=path)
    result = read_text(fallback, encoding=encoding)
    return ReadResult(
        text=result.text,
        blocks=result.blocks,
        format="html",
        encoding=encoding,
        title_hint=title,
        notes=(note,),
    )


class _TextOnly(HTMLParser):
    """Visible text of any markup, one line per block element; scripts and styles skipped."""

    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "li",
            "tr",
            "td",
            "th",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "br",
            "table",
            "section",
            "article",
            "blockquote",
        }
    )
    _HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _plain_text(markup: str) -> str:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    blocks = (" ".join(b.split()) for b in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(b for b in blocks if b)


def _extract(markup: str, path: str) -> str | None:
    """trafilatura's XML of the page's main content. Its metadata step (htmldate over lxml) trips
    an assertion on some odd markup (a ``<style>`` as the root's first child): then the content
    is extracted without metadata (the title comes from ``<title>`` anyway)."""
    for with_metadata in (True, False):
        try:
            return trafilatura.extract(
                markup,
                output_format="xml",
                include_formatting=True,
                include_comments=False,
                include_tables=True,
                favor_recall=True,
                with_metadata=with_metadata,
            )
        except (AssertionError, ValueError, TypeError, AttributeError, IndexError) as exc:
            if not with_metadata:
                raise UnsupportedFormat(
                    f"the HTML cannot be parsed ({type(exc).__name__} in the extractor)",
                    path=path,
                    hint="the markup is malformed; save the page as text",
                ) from exc
    return None


def _page_title(markup: str) -> str | None:
    m = _TITLE.search(markup[:200_000])
    if not m:
        return None
    title = " ".join(m.group(1).split())
    return title or None


def _from_main(main: etree._Element, *, encoding: str | None, title: str | None) -> ReadResult:
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for el in main.iter("head", "p", "item", "quote", "row"):
        if el.tag in ("p", "item") and _inside(el, ("quote", "row")):
            continue  # the enclosing quote/row is emitted whole
        text = " ".join("".join(el.itertext()).split())
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text)
        if el.tag == "head":
            rend = el.get("rend") or "h2"
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
            blocks.append(Block("heading", pos, pos + len(text), level=level))
        else:
            blocks.append(Block("paragraph", pos, pos + len(text)))
        pos += len(text)
    if not blocks and (text := " ".join("".join(main.itertext()).split())):
        parts, blocks = (
            [text],
            [Block("paragraph", 0, len(text))],
        )  # text straight inside <main>, no <p>
    if any(b.kind == "heading" for b in blocks):
        top = min(b.level for b in blocks if b.kind == "heading")
        blocks = [
            Block(b.kind, b.start, b.end, level=b.level - top + 1) if b.kind == "heading" else b
            for b in blocks
        ]
    return ReadResult(
        text="".join(parts),
        blocks=tuple(blocks),
        format="html",
        encoding=encoding,
        title_hint=title,
    )


def _inside(el: etree._Element, tags: tuple[str, ...]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False

"""A Markdown dossier per person, fit to paste into an asylum brief: every fact footnoted to its source.

Report text is untrusted: every piece of it is escaped so that nothing in a quote becomes a link,
an HTML tag or emphasis when the dossier is rendered.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from docket.export.serialize import Citer
from docket.models import DocumentSummary, Event
from docket.query.cases import CaseFile, sanction_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~!&$])")


_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto):(?=//)")
_WWW = re.compile(r"(?i)\bwww\.")
_AT = re.compile(r"(?<=[\w.+-])@(?=[\w-])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown/HTML punctuation and fold newlines, so ``text`` renders as itself.

    Web addresses and e-mail addresses in report text do not become links on GitHub-flavoured
    renderers (their autolink extension): the scheme's colon and the dot after "www" are escaped
    (they render unchanged), and an invisible word joiner (U+2060) goes before an e-mail's "@",
    which no escape stops.
    """
    out = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    out = _SCHEME.sub(r"\1\\:", out)
    out = _WWW.sub(lambda m: m.group(0)[:-1] + "\\.", out)
    return _AT.sub("\u2060@", out)


def dossier(case: CaseFile, citer: Citer | None = None) -> str:
    """The dossier of one person as Markdown: status, names, timeline with footnotes, conflicts."""
    p = case.person
    notes: list[str] = []
    index: dict[tuple[str, int, int], int] = {}

    def cite(d: DocumentSummary, e: Event) -> str:
        key = (d.id, e.start, e.end)
        if key not in index:
            section, page = citer.place(d.id, e.paragraph) if citer else (None, None)
            where = ", ".join(
                x
                for x in (
                    md_escape(d.publisher or "unknown publisher"),
                    f"“{md_escape(d.title or d.file_name)}”",
                    f"covering {d.period}" if d.period else None,
                    f"section “{md_escape(section)}”" if section else None,
                    f"p. {page}" if page else None,
                    f"paragraph {d.id}:p{e.paragraph}, characters {e.start}–{e.end}",
                )
                if x
            )
            notes.append(f"{where}: “{md_escape(e.quote)}”")
            index[key] = len(notes)
        return f"[^{index[key]}]"

    lines = [f"# {md_escape(p.cluster.canonical)}", ""]
    lines.append(
        f"- **Also spelled:** {md_escape(', '.join(f for f in p.cluster.forms if f != p.cluster.canonical)) or '—'}"
    )
    lines.append(f"- **Role:** {md_escape(p.role or 'not stated')}; **side:** {p.side}")
    lines.append(
        f"- **Status:** {md_escape(case.status)}"
        + "".join(cite(d, e) for f in case.status_facts for d, e in f.statements[:1])
    )
    pubs = sorted({pub for f in case.facts for pub in f.publishers})
    lines.append(
        f"- **Sources:** {len(p.documents)} documents by {len(pubs)} publishers"
        + (f" ({md_escape(', '.join(pubs))})" if pubs else "")
    )
    lines += ["", "## Timeline", ""]
    if not case.facts:
        lines.append("No events are stated for this person in the stored reports.")
    for f in case.facts:
        details = [
            md_escape(str(x))
            for x in (
                sanction_text(f.sanction) or None,
                f"charge: {f.charge}" if f.charge else None,
                f"in {f.place}" if f.place else None,
            )
            if x
        ]
        corroboration = f"{len(f.publishers)} publisher{'s' if len(f.publishers) != 1 else ''}"
        lines.append(
            f"- **{f.date or 'undated'}** — {f.type.replace('_', ' ')}"
            + (f" ({'; '.join(details)})" if details else "")
            + f" — {corroboration}"
            + "".join(cite(d, e) for d, e in f.statements)
        )
    if case.conflicts:
        lines += ["", "## Where sources disagree", ""]
        for x in case.conflicts:
            lines.append(
                f"- {x.kind}: {md_escape(x.detail)}" + "".join(cite(*s) for s in (x.a, x.b) if s)
            )
    lines += ["", "## Sources", ""]
    lines += [f"[^{i}]: {n}" for i, n in enumerate(notes, 1)]
    lines += ["", "## References", ""]
    lines += [
        reference(d)
        for d in sorted(
            p.documents, key=lambda d: (d.publisher or "", d.period or 0, d.title or "")
        )
    ]
    return "\n".join(lines) + "\n"


def reference(d: DocumentSummary) -> str:
    """One entry of a reference list: publisher (publication date), title, URL, when accessed."""
    parts = [
        f"- {md_escape(d.publisher or 'Unknown publisher')}"
        + (f" ({d.published})" if d.published else f" (report on {d.period})" if d.period else "")
        + f". *{md_escape(d.title or d.file_name)}*."
    ]
    if d.url:
        url = quote(
            d.url, safe=":/?#[]@!$&'()*+,;=%-._~"
        )  # nothing in it can close the <…> or add markup
        parts.append(f"<{url}>" + (f", accessed {d.accessed}." if d.accessed else "."))
    elif d.accessed:
        parts.append(f"Accessed {d.accessed}.")
    parts.append(f"docket document {d.id}.")
    return " ".join(parts)

"""Organisations and places: spaCy's ORG, GPE, LOC and FAC entities, cleaned.

Spans that are person mentions are not organisations; a leading article and a
possessive are not part of the name ("the Almaty City Court’s" -> "Almaty City Court").
"""

from __future__ import annotations

import re
from typing import Any

from docket.extract.persons import cues
from docket.models import Document, Entity, Mention

_LABELS = {"ORG": "org", "NORP": None, "GPE": "place", "LOC": "place", "FAC": "place"}
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")


def find_entities(doc: Document, parsed: list[Any], mentions: list[Mention]) -> list[Entity]:
    """Organisations and places in ``doc`` (``parsed``: its paragraphs' spaCy docs), not overlapping persons."""
    taken = sorted((m.start, m.end) for m in mentions)
    out: list[Entity] = []
    for para, sdoc in zip(doc.paragraphs, parsed):
        for ent in sdoc.ents:
            label = _LABELS.get(ent.label_)
            if label is None:
                continue
            text = ent.text
            lead = _LEADING.match(text)
            start = para.start + ent.start_char + (lead.end() if lead else 0)
            text = _POSSESSIVE.sub("", text[lead.end() if lead else 0 :]).strip(" ,.;:")
            end = start + len(text)
            if (
                len(text) < 2
                or not text[0].isupper()
                or any(s < end and start < e for s, e in taken)
            ):
                continue
            if (
                " " not in text and text in cues().not_names
            ):  # "Kazakh", "Karakalpak": adjectives, not places
                continue
            out.append(Entity(doc.id, para.ordinal, start, end, doc.text[start:end], label))
    return out


def refused_organisations(
    doc: Document, spans: list[tuple[int, int]], entities: list[Entity], mentions: list[Mention]
) -> list[Entity]:
    """Person candidates the evidence judged organisations, media or parties ("Nur Otan", "Bir Duino"),
    as organisation entities, where no entity or person covers them already."""
    # a model entity around it ("X party") is kept too: the bare name is what other reports print
    taken = [
        (e.start, e.end) for e in entities if e.label == "org" and (e.start, e.end) in set(spans)
    ] + [(m.start, m.end) for m in mentions]
    out: list[Entity] = []
    for s, e in sorted(set(spans)):
        if any(s < te and ts < e for ts, te in taken):
            continue
        out.append(Entity(doc.id, _paragraph_of(doc, s), s, e, doc.text[s:e], "org"))
        taken.append((s, e))
    return out


def _paragraph_of(doc: Document, offset: int) -> int:
    return next(
        (p.ordinal for p in doc.paragraphs if p.start <= offset < p.end), doc.paragraphs[-1].ordinal
    )

"""Extraction as an ordered list of named components, one list per language.

Each component takes the :class:`Analysis` of one document and returns a new one (the
dataclass is frozen: a component replaces the fields it produces). The runner checks what each
returns and names the component that failed, as spaCy's pipeline does. A language plugs in by
registering its own list in :data:`PIPELINES` (its own segmentation, model and cue data) without
touching the English one; :func:`language_of` picks the list for a document.

Components can be switched off by name (``disable``) for ablation: each must then leave the
fields it would produce as they are, and later components must cope with their absence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from docket.errors import ComponentError, DocketError
from docket.models import Document, Entity, Event, Mention


@dataclass(frozen=True)
class Analysis:
    """What the components of one document have produced so far.

    ``document`` is the stored original; ``view`` is the text the components read (the
    normalised view, same offsets). ``parsed`` holds one spaCy ``Doc`` per paragraph of the view.
    """

    document: Document
    view: Document
    language: str = "en"
    parsed: list[Any] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    refused: list[tuple[int, int]] = field(default_factory=list)  # candidates judged organisations
    disabled: frozenset[str] = frozenset()


Component = Callable[[Analysis], Analysis]


def _normalise(a: Analysis) -> Analysis:
    from docket.extract.normalize import normalized_view

    return replace(a, view=normalized_view(a.document))


def _parse(a: Analysis) -> Analysis:
    from docket.extract.persons import parse

    return replace(a, parsed=parse(a.view))


def _persons(a: Analysis) -> Analysis:
    from docket.extract.persons import find_mentions
    from docket.extract.roles import mention_context

    refused: list[tuple[int, int]] = []
    found = find_mentions(
        a.view, a.parsed or None, evidence="evidence" not in a.disabled, refused_out=refused
    )
    return replace(a, mentions=[mention_context(a.view.text, m) for m in found], refused=refused)


def _entities(a: Analysis) -> Analysis:
    from docket.extract.entities import find_entities, refused_organisations

    found = find_entities(a.view, a.parsed, a.mentions) if a.parsed else []
    return replace(a, entities=found + refused_organisations(a.view, a.refused, found, a.mentions))


def _events(a: Analysis) -> Analysis:
    from docket.extract.events import find_events

    return replace(
        a, events=find_events(a.view, a.mentions, a.entities, syntax="syntax" not in a.disabled)
    )


def _cite(a: Analysis) -> Analysis:
    """Quotes and surface forms re-sliced from the stored original (the view may differ in glyphs)."""
    text = a.document.text
    if a.view.text is text:
        return a
    mentions = {m: replace(m, text=text[m.start : m.end]) for m in a.mentions}
    events = [
        replace(e, person=mentions.get(e.person, e.person), quote=text[e.start : e.end])
        for e in a.events
    ]
    entities = [replace(e, text=text[e.start : e.end]) for e in a.entities]
    return replace(a, mentions=list(mentions.values()), events=events, entities=entities)


# The English pipeline. "evidence" and "syntax" are switches read inside the persons and events
# components (disabling them falls back to the model's entities and to the sentence's people).
PIPELINES: dict[str, list[tuple[str, Component]]] = {
    "en": [
        ("normalise", _normalise),
        ("parse", _parse),
        ("persons", _persons),
        ("entities", _entities),
        ("events", _events),
        ("cite", _cite),
    ],
}


def _register_russian() -> None:
    from docket.extract.russian import PIPELINE

    PIPELINES["ru"] = PIPELINE


SWITCHES = ("normalise", "evidence", "syntax")  # what an ablation can turn off


def language_of(doc: Document) -> str:
    """The pipeline for ``doc``: its language's (detected or given at ingest), or the English one
    for a language that has none yet. The Russian one (:mod:`docket.extract.russian`) registers
    on first use, so English-only work never loads its models."""
    language = doc.metadata.language
    if language == "ru" and "ru" not in PIPELINES:
        _register_russian()
    return language if language in PIPELINES else "en"


def run_components(doc: Document, disable: Iterable[str] = ()) -> Analysis:
    """Run the pipeline of ``doc``'s language over it, skipping the components named in ``disable``."""
    off = frozenset(disable)
    language = language_of(doc)
    state = Analysis(document=doc, view=doc, language=language, disabled=off)
    for name, component in PIPELINES[language]:
        if name in off:
            continue
        try:
            result = component(state)
        except (DocketError, MemoryError):  # time and memory limits are the caller's to report
            raise
        except Exception as exc:  # name the component, keep the cause
            raise ComponentError(
                f"extraction component {name!r} failed on {doc.file_name}: {exc}",
                hint="report the file; `docket extract` on it alone reproduces the failure",
            ) from exc
        if not isinstance(result, Analysis):
            raise ComponentError(
                f"extraction component {name!r} returned {type(result).__name__}, not Analysis"
            )
        state = result
    return state

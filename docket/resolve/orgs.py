"""Organisations linked across spellings: "Radio Azattyk" / "Azattyq" / "Radio Azzattyk",
"Democratic Choice of Kazakhstan (DVK)" / "DVK".

Each name gets a key: its distinctive words (generic ones such as "Radio", "the", "News"
dropped), transliteration-folded. Names with the same key are one organisation; an
acronym given in parentheses also joins the names written as that acronym.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from docket.models import Entity, Mention
from docket.resolve.fold import fold_token

_GENERIC = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "in",
        "on",
        "a",
        "an",
        "radio",
        "news",
        "service",
        "agency",
        "channel",
        "tv",
        "television",
        "newspaper",
        "online",
        "portal",
        "website",
        "media",
    ]
)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")


@dataclass
class OrgCluster:
    """Spellings of one organisation and where they occur."""

    key: str
    forms: Counter[str] = field(default_factory=Counter)
    documents: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The most frequent spelling (ties: the longest)."""
        return max(self.forms, key=lambda f: (self.forms[f], len(f)))


def org_key(name: str) -> str:
    """The folded distinctive words of an organisation name."""
    words = [
        w for w in re.findall(r"[^\W\d_]+", _ACRONYM.sub(" ", name)) if w.lower() not in _GENERIC
    ]
    return " ".join(fold_token(w) for w in words if fold_token(w))


def link_organisations(entities: list[Entity]) -> list[OrgCluster]:
    """Cluster the ``org`` entities by key and acronym, most-mentioned first."""
    clusters: dict[str, OrgCluster] = {}
    alias: dict[str, str] = {}  # acronym key -> full-name key
    places = {
        e.text for e in entities if e.label == "place"
    }  # the model sometimes calls a city an ORG
    for e in entities:
        if e.label != "org":
            continue
        for acronym in _ACRONYM.findall(e.text):
            alias[fold_token(acronym)] = org_key(e.text)
    for e in entities:
        if e.label != "org" or e.text in places:
            continue
        key = org_key(e.text)
        if not key:
            continue
        key = alias.get(key, key)
        cluster = clusters.setdefault(key, OrgCluster(key))
        cluster.forms[e.text] += 1
        cluster.documents.add(e.document_id)
    return sorted(
        clusters.values(), key=lambda c: (-len(c.documents), -sum(c.forms.values()), c.name)
    )


def organisation_names(entities: list[Entity], mentions: list[Mention]) -> frozenset[str]:
    """The multi-word names a document uses for organisations only (never for a person mention in it)."""
    persons = {m.text for m in mentions}
    return frozenset(
        e.text for e in entities if e.label == "org" and " " in e.text and e.text not in persons
    )


def named_only_as_organisation(
    forms: Iterable[str], sources: Iterable[str], organisations: frozenset[str]
) -> bool:
    """A person cluster (its surface ``forms``, the ``sources`` of its mentions) whose every full name
    some report uses only for an organisation, that no role word or name lexicon introduced, and
    whose words are not a given name and a surname ("Ata Meken" called a party in one report, bare
    in the next)."""
    from docket.extract.personness import name_evidence

    full = [f for f in forms if " " in f]
    if not full or any(s in ("cue", "lexicon") for s in sources):
        return False
    return all(f in organisations and name_evidence(f.split()) < 0.9 for f in full)

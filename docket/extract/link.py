"""Grouping mentions into persons: short forms within a document, exact full names across documents.

This is the baseline linker that ``docket extract`` needs for stable person ids;
transliteration-aware linking across documents is a separate stage (issue 4).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from docket.extract.persons import Mention


@dataclass
class PersonCluster:
    """Mentions believed to be one person."""

    id: str
    mentions: list[tuple[str, Mention]] = field(default_factory=list)  # (file name, mention)

    @property
    def forms(self) -> list[str]:
        """Distinct surface forms, in first-seen order."""
        return list(dict.fromkeys(m.text for _, m in self.mentions))

    @property
    def canonical(self) -> str:
        """The most frequent full-name form (ties: the longest)."""
        full = [m.text for _, m in self.mentions if len(m.text.split()) >= 2] or [m.text for _, m in self.mentions]
        counts = Counter(full)
        return max(counts, key=lambda f: (counts[f], len(f)))


def name_key(form: str) -> str:
    """Case- and accent-folded name without an alias in parentheses."""
    form = re.sub(r"\s*\([^)]*\)", " ", form)
    form = unicodedata.normalize("NFKD", form)
    form = "".join(c for c in form if not unicodedata.combining(c))
    return " ".join(form.replace("’", "'").split()).casefold()


def slug(text: str) -> str:
    """An id-friendly form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", name_key(text)).strip("-") or "person"


def link_documents(docs: list[tuple[str, list[Mention]]]) -> list[PersonCluster]:
    """Cluster mentions of several documents: (file name, mentions) pairs in, persons out."""
    by_key: dict[str, PersonCluster] = {}
    order: list[PersonCluster] = []
    for file_name, mentions in docs:
        local = _link_within(mentions)
        for group in local:
            full = [m for m in group if len(m.text.split()) >= 2]
            key = name_key(Counter(m.text for m in full).most_common(1)[0][0]) if full else \
                f"{file_name}#{name_key(group[0].text)}"
            cluster = by_key.get(key)
            if cluster is None:
                cluster = PersonCluster(id="")
                by_key[key] = cluster
                order.append(cluster)
            cluster.mentions.extend((file_name, m) for m in group)
    used: Counter[str] = Counter()
    for c in order:
        base = slug(c.canonical)
        used[base] += 1
        c.id = base if used[base] == 1 else f"{base}-{used[base]}"
    return order


def _link_within(mentions: list[Mention]) -> list[list[Mention]]:
    """Full names group by key; a short form joins the one full name containing it, if unique."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    full_keys: dict[str, str] = {}
    for m in mentions:
        if len(m.text.split()) >= 2:
            k = name_key(m.text)
            groups[k].append(m)
            full_keys[k] = m.text
    part_owner: dict[str, set[str]] = defaultdict(set)
    for k in full_keys:
        words = k.split()
        part_owner[words[0]].add(k)
        part_owner[words[-1]].add(k)
    for m in mentions:
        if len(m.text.split()) >= 2:
            continue
        k = name_key(m.text)
        owners = part_owner.get(k, set())
        target = next(iter(owners)) if len(owners) == 1 else f"#{k}"
        groups[target].append(m)
    return [sorted(g, key=lambda m: m.start) for g in groups.values()]

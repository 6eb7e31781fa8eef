"""Ordered, labelled comparison levels between two names (Splink-style), for explainable links.

Each comparison walks the levels in order and records every level that fired; the
decision is a link only when the given names are compatible *and* the surnames agree
closely. A shared surname alone never links (father and son, brothers), and neither
does a shared given name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from docket.resolve.fold import NameParts


@dataclass(frozen=True)
class Decision:
    """The outcome of comparing two names, with the levels that fired."""

    link: bool
    score: float
    levels: tuple[str, ...]


def _given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "given names equal (folded)"
    if a[0] == b[0]:
        return "first given name equal (folded)"
    if (len(a[0]) == 1 and b[0].startswith(a[0])) or (len(b[0]) == 1 and a[0].startswith(b[0])):
        return "given name is an initial of the other"
    return None


@dataclass(frozen=True)
class Context:
    """What surrounds a name in its documents: the countries reported on, the people named beside it."""

    countries: frozenset[str] = frozenset()
    co_mentioned: frozenset[str] = frozenset()  # folded keys of other full names in the same documents
    display: tuple[tuple[str, str], ...] = ()  # (folded key, printed form) for explanations


def _context_level(ca: Context | None, cb: Context | None, own: set[str]) -> str | None:
    """A context agreement strong enough to back an uncertain name match, as a label (``own``: the
    two names' own keys, which do not count as people named beside them)."""
    if ca is None or cb is None:
        return None
    shared = (ca.co_mentioned & cb.co_mentioned) - own
    if shared:
        names = dict(ca.display + cb.display)
        return "context: named beside the same people (" + ", ".join(sorted(names.get(k, k) for k in shared)[:3]) + ")"
    if ca.countries & cb.countries:
        return "context: reports on the same country (" + ", ".join(sorted(ca.countries & cb.countries)) + ")"
    return None


def compare(a: NameParts, b: NameParts, context_a: Context | None = None, context_b: Context | None = None) -> Decision:
    """Compare two full names; ``link`` is True only for a confident same-person match.

    Exact folded names link on the names alone. A one-letter surname difference links only
    when the context agrees (same people named beside them, or reports on the same country)
    or no context is given.
    """
    levels: list[str] = []
    if not (a.full and b.full):
        return Decision(False, 0.0, ("a name without given name is linked only within its document",))
    given = _given_compatible(a.given, b.given)
    if given is None:
        return Decision(False, 0.0, ("given names differ",))
    levels.append(given)
    if a.surname == b.surname:
        levels.append("surnames equal (folded)")
        return Decision(True, 1.0, tuple(levels))
    if b.surname in a.aliases or a.surname in b.aliases:
        levels.append("surname matches an alias in parentheses")
        return Decision(True, 0.95, tuple(levels))
    shorter = min(len(a.surname), len(b.surname))
    dist = Levenshtein.distance(a.surname, b.surname)
    # One edit in a long surname is a romanisation slip (Utambetov/Utambekov); in a short
    # one, or on the first letter (Omarova/Umarova), it is often another name.
    if dist == 1 and shorter >= 9 and a.surname[0] == b.surname[0]:
        levels.append(f"surname edit distance 1 on the folded form ({a.surname} / {b.surname})")
        if context_a is None or context_b is None:
            return Decision(True, 0.85, tuple(levels))
        context = _context_level(context_a, context_b, {" ".join((*a.given, a.surname)), " ".join((*b.given, b.surname))})
        if context is None:
            levels.append("context: no shared country or co-mentioned person")
            return Decision(False, 0.0, tuple(levels))
        levels.append(context)
        return Decision(True, 0.95 if context.startswith("context: named beside") else 0.85, tuple(levels))
    levels.append(f"surnames differ (edit distance {dist})")
    return Decision(False, 0.0, tuple(levels))

"""Ordered, labelled comparison levels between two names (Splink-style), for explainable links.

Each comparison walks the levels in order and records every level that fired; the
decision is a link only when the given names are compatible *and* the surnames agree
closely. A shared surname alone never links (father and son, brothers), and neither
does a shared given name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein

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
    co_mentioned: frozenset[str] = (
        frozenset()
    )  # folded keys of other full names in the same documents
    display: tuple[tuple[str, str], ...] = ()  # (folded key, printed form) for explanations


def _context_level(ca: Context | None, cb: Context | None, own: set[str]) -> str | None:
    """A context agreement strong enough to back an uncertain name match, as a label (``own``: the
    two names' own keys, which do not count as people named beside them)."""
    if ca is None or cb is None:
        return None
    shared = (ca.co_mentioned & cb.co_mentioned) - own
    if shared:
        names = dict(ca.display + cb.display)
        return (
            "context: named beside the same people ("
            + ", ".join(sorted(names.get(k, k) for k in shared)[:3])
            + ")"
        )
    if ca.countries & cb.countries:
        return (
            "context: reports on the same country ("
            + ", ".join(sorted(ca.countries & cb.countries))
            + ")"
        )
    return None


def compare(
    a: NameParts, b: NameParts, context_a: Context | None = None, context_b: Context | None = None
) -> Decision:
    """Compare two full names; ``link`` is True only for a confident same-person match.

    Exact folded names link on the names alone. A one-letter surname difference links only
    when the context agrees (same people named beside them, or reports on the same country)
    or no context is given.
    """
    levels: list[str] = []
    if not (a.full and b.full):
        return Decision(
            False, 0.0, ("a name without given name is linked only within its document",)
        )
    if a.gender and b.gender and a.gender != b.gender:
        return Decision(
            False, 0.0, ("genders differ (the surname's ending or the name's grammar)",)
        )
    given = _given_compatible(a.given, b.given)
    if given is None:
        return Decision(False, 0.0, ("given names differ",))
    levels.append(given)
    if a.surname == b.surname:
        levels.append("surnames equal (folded)")
        if a.patronymic and a.patronymic == b.patronymic:
            levels.append("patronymics equal (folded)")
        return Decision(True, 1.0, tuple(levels))
    if b.surname in a.aliases or a.surname in b.aliases:
        levels.append("surname matches an alias in parentheses")
        return Decision(True, 0.95, tuple(levels))
    shorter = min(len(a.surname), len(b.surname))
    dist = Levenshtein.distance(a.surname, b.surname)
    similarity = JaroWinkler.normalized_similarity(a.surname, b.surname)
    # A graded surname comparison: the fewer letters a surname has, the more one edit changes it,
    # so shorter surnames need the context to agree, and a first-letter change (Omarova/Umarova)
    # or two edits in a short surname never link.
    level = _surname_level(dist, shorter, similarity, a.surname[0] == b.surname[0])
    if level is not None:
        need, base = level
        levels.append(
            f"surname {dist} edit{'s' if dist > 1 else ''} on the folded form, Jaro-Winkler "
            f"{similarity:.2f} ({a.surname} / {b.surname})"
        )
        if context_a is None or context_b is None:
            if need == "any":
                return Decision(True, base, tuple(levels))
            levels.append("no context given: a short surname's edit needs the context to agree")
            return Decision(False, 0.0, tuple(levels))
        context = _context_level(
            context_a, context_b, {" ".join((*a.given, a.surname)), " ".join((*b.given, b.surname))}
        )
        if context is None or (
            need == "people" and not context.startswith("context: named beside")
        ):
            levels.append(
                "context: no shared country or co-mentioned person"
                if context is None
                else f"{context}, but a surname this different needs people named beside both"
            )
            return Decision(False, 0.0, tuple(levels))
        levels.append(context)
        return Decision(
            True,
            min(1.0, base + (0.1 if context.startswith("context: named beside") else 0.0)),
            tuple(levels),
        )
    levels.append(f"surnames differ (edit distance {dist})")
    return Decision(False, 0.0, tuple(levels))


def _surname_level(
    dist: int, shorter: int, similarity: float, same_first: bool
) -> tuple[str, float] | None:
    """Which evidence a surname difference needs to link: ``("any", score)`` links on the names (or
    agreeing context), ``("context", score)`` needs a shared country or co-mentioned person,
    ``("people", score)`` needs people named beside both; None never links."""
    if not same_first or dist == 0:
        return None
    if dist == 1 and shorter >= 9:
        return "any", 0.85  # Mukhamedkarim / Mukhammadkarim, Utambetov / Utambekov
    if dist == 1 and shorter >= 6 and similarity >= 0.9:
        return "context", 0.8  # -met-/-med-, -nb-/-mb- in ordinary-length surnames
    if dist == 2 and shorter >= 10 and similarity >= 0.93:
        return "people", 0.75
    return None

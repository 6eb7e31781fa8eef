"""Which language a report is written in, detected with py3langid (langid.py's model, shipped in
its wheel: no download at run time).

A document gets the language of most of its text; paragraphs long enough to judge alone are
classified too, so a report that mixes languages (a Russian bulletin quoting an English
statement, a bilingual appendix) says so in its notes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

SAMPLE_CHARS = 40_000  # enough text for a sure answer; the rest of a book adds nothing
PARAGRAPH_MIN_CHARS = (
    300  # shorter paragraphs (names, headings, tables) are too short to judge alone
)
MIXED_SHARE = 0.15  # a second language with at least this share of the judged text is reported
MAX_PARAGRAPHS = 400  # judged per document, spread over it


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """The ISO 639-1 code of ``text``'s language and how sure the model is (0-1); ``(None, 0)``
    for text without letters."""
    sample = (
        text
        if len(text) <= SAMPLE_CHARS
        else text[: SAMPLE_CHARS // 2] + "\n" + text[-SAMPLE_CHARS // 2 :]
    )
    if not any(c.isalpha() for c in sample):
        return None, 0.0
    code, probability = _identifier().classify(sample)
    return code, float(probability)


def language_shares(paragraphs: Sequence[str]) -> dict[str, float]:
    """The share of judged text (paragraphs of at least :data:`PARAGRAPH_MIN_CHARS`) in each language."""
    long = [p for p in paragraphs if len(p) >= PARAGRAPH_MIN_CHARS]
    if len(long) > MAX_PARAGRAPHS:
        step = len(long) / MAX_PARAGRAPHS
        long = [long[int(i * step)] for i in range(MAX_PARAGRAPHS)]
    sizes: Counter[str] = Counter()
    for p in long:
        code, probability = _identifier().classify(p)
        if probability >= 0.9:
            sizes[code] += len(p)
    total = sum(sizes.values())
    return {code: n / total for code, n in sizes.most_common()} if total else {}


def mixed_note(language: str | None, paragraphs: Sequence[str]) -> str | None:
    """A note naming the other languages of a report that mixes them (None when it does not)."""
    shares = language_shares(paragraphs)
    others = [(c, s) for c, s in shares.items() if c != language and s >= MIXED_SHARE]
    if not others:
        return None
    parts = ", ".join(
        f"{c} {s:.0%}" for c, s in [(language, shares.get(language or "", 0.0)), *others] if c
    )
    return f"the text mixes languages ({parts} of the paragraphs long enough to judge)"

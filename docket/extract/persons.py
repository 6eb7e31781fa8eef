"""Person mentions: spaCy NER plus general repairs for names the small model misses.

Passes, per document:

1. spaCy ``PERSON`` entities.
2. Entities the model mislabels (ORG, GPE, NORP, …) and capitalised runs the model
   skips, when a role word or title introduces them ("journalist X Y",
   "activists A B, C D and E F"): Central Asian names are often mislabelled.
3. Cleaning: titles ("President", "Justice Minister") and possessives are not part
   of a name; every token of a name is capitalised; function words and
   institutions ("Court", "Ministry", month names) never are.
4. Back-references: every later occurrence, in the same document, of the surname or
   given name of a full name already found ("Bokaev", "Aset") is a mention too.

Within a document, short forms are linked to the one full name that contains them;
when two full names share the part, the short form is left unlinked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from docket.extract.nlp import load_nlp
from docket.models import Document, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*$")
# Initials before a surname, kept whole as printed: "V. Lukin", "D.A. Gordev", "O.Tikhomirov".
_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
_GLUED = re.compile(r"^(?:[A-Z]\.){1,3}[A-Z][^\W\d_'’.-]{2,}$")
_MODEL_MISSES = {"ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "LOC", "FAC", "EVENT", "LAW"}


@dataclass(frozen=True)
class _Cues:
    titles: tuple[tuple[str, ...], ...]
    roles: frozenset[str]
    not_names: frozenset[str]
    state_roles: tuple[str, ...]
    foreign: tuple[str, ...]
    verbs: frozenset[str]
    apposition: frozenset[str]
    title_heads: frozenset[str]  # last word of each title ("Minister" of "Justice Minister")


@lru_cache(maxsize=1)
def cues() -> _Cues:
    """The packaged cue lists (``data/person_cues.json``)."""
    raw = json.loads(resources.files("docket.data").joinpath("person_cues.json").read_text("utf-8"))
    titles = sorted((tuple(t.split()) for t in raw["titles"]), key=len, reverse=True)
    return _Cues(
        titles=tuple(titles),
        roles=frozenset(r.lower() for r in raw["roles"]),
        not_names=frozenset(raw["not_names"]),
        state_roles=tuple(raw["state_roles"]),
        foreign=tuple(raw["foreign_bodies"]),
        verbs=frozenset(raw["verbs"]),
        apposition=frozenset(raw["apposition"]),
        title_heads=frozenset(t[-1] for t in titles),
    )


def _is_name_token(tok: str) -> bool:
    return bool(_NAME_TOKEN.match(tok)) and tok[0].isupper() and tok not in cues().not_names


def clean_name(raw: str) -> tuple[int, int] | None:
    """The (start, end) of the name inside ``raw`` once titles and possessives are removed."""
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", raw)]
    # drop leading titles
    changed = True
    while changed and words:
        changed = False
        for title in cues().titles:
            if len(words) > len(title) and tuple(w[2] for w in words[: len(title)]) == title:
                words = words[len(title) :]
                changed = True
                break
    if not words:
        return None
    s, _e, last = words[-1]
    last_clean = _POSSESSIVE.sub("", last).rstrip('.,;:)”"')
    words[-1] = (s, s + len(last_clean), last_clean)

    def leading(w: str) -> bool:
        return _is_name_token(w) or bool(_INITIALS.match(w)) or bool(_GLUED.match(w))

    while words and not leading(words[0][2]):
        words = words[1:]
    while words and not (_is_name_token(words[-1][2]) or _GLUED.match(words[-1][2])):
        words = words[:-1]
    if not words or len(words) > 4 or not all(leading(w[2]) for w in words):
        return None
    return words[0][0], words[-1][1]


def parse(doc: Document) -> list[Any]:
    """The spaCy analysis of every paragraph of ``doc`` (run once, shared by the extractors).

    Paragraphs go to the model in batches of at most 64 paragraphs and ~100,000 characters: the
    model's working memory grows with the characters of a batch, and 64 paragraphs of a
    pathological file (30,000 characters each) would take gigabytes.
    """
    nlp = load_nlp()
    out: list[Any] = []
    batch: list[str] = []
    size = 0
    for p in doc.paragraphs:
        if batch and (len(batch) == 64 or size + len(p.text) > _BATCH_CHARS):
            out.extend(nlp.pipe(batch, batch_size=len(batch)))
            batch, size = [], 0
        batch.append(p.text)
        size += len(p.text)
    if batch:
        out.extend(nlp.pipe(batch, batch_size=len(batch)))
    return out


_BATCH_CHARS = 100_000


def find_mentions(
    doc: Document,
    parsed: list[Any] | None = None,
    evidence: bool = True,
    refused_out: list[tuple[int, int]] | None = None,
) -> list[Mention]:
    """All person mentions in ``doc``, in text order, without overlaps.

    ``evidence`` weighs each candidate against the name and organisation lexicons
    (:mod:`docket.extract.personness`); off, every candidate the model and cues give is kept.
    """
    spans: dict[tuple[int, int], str] = {}
    for para, sdoc in zip(doc.paragraphs, parsed if parsed is not None else parse(doc)):
        for ent in sdoc.ents:
            if ent.label_ == "PERSON" or (
                ent.label_ in _MODEL_MISSES and _introduced_by_role(sdoc, ent.start)
            ):
                _add(
                    spans,
                    para.start,
                    ent.start_char,
                    ent.end_char,
                    para.text,
                    "ner" if ent.label_ == "PERSON" else "cue",
                )
        for a, b in _cued_runs(sdoc):
            _add(spans, para.start, a, b, para.text, "cue")
    for a, b in fact_box_names(doc.text):
        spans.setdefault((a, b), "cue")
    # A lone capitalised word is a person only when a full name in the document confirms it
    # (the back-reference pass below finds those); alone it is too often a place or a group.
    spans = {
        k: v
        for k, v in spans.items()
        if " " in doc.text[k[0] : k[1]].strip() or _GLUED.match(doc.text[k[0] : k[1]])
    }
    if evidence:
        from docket.extract.personness import judge

        verdicts = {k: judge(doc.text, k[0], k[1], v) for k, v in spans.items()}
        # A form refused as an organisation somewhere is refused throughout the document (it does not
        # become a person where no cue happens to stand beside it).
        # (only what the words or the name's own phrase show: a phrase before one occurrence says less)
        refused = {
            doc.text[s:e]
            for (s, e), v in verdicts.items()
            if not v.keep and not v.reason.startswith("introduced as")
        }
        refused |= _named_as_organisation(
            doc.text, {doc.text[s:e] for (s, e), v in verdicts.items() if v.keep}
        )
        if refused_out is not None:  # organisations, media and parties, for the entity list
            refused_out.extend(
                k for k, v in verdicts.items() if not v.keep and v.reason.startswith(_ORG_REASONS)
            )
        spans = {
            k: v
            for k, v in spans.items()
            if verdicts[k].keep
            and doc.text[k[0] : k[1]] not in refused
            and not _listed_with_org(doc.text, k, verdicts)
        }
        common = _common_words(doc.text)
        spans = {
            k: v
            for k, v in spans.items()
            if not _common_phrase(doc.text[k[0] : k[1]], common) and not _anonymised(doc.text, k)
        }
        for para, sdoc in zip(doc.paragraphs, parsed if parsed is not None else parse(doc)):
            for a, b in _lexicon_runs(sdoc):
                s, e = para.start + a, para.start + b
                if not any(s < ke and ks < e for ks, ke in spans):
                    verdicts[(s, e)] = judge(doc.text, s, e, "lexicon")
                    if verdicts[(s, e)].keep:
                        spans[(s, e)] = "lexicon"
        mentions = [
            replace(m, confidence=verdicts[(m.start, m.end)].score)
            for m in _resolve_overlaps(doc, spans)
        ]
        mentions += _shared_surname(doc, mentions)
    else:
        mentions = _resolve_overlaps(doc, spans)
    # a bare surname or given name is as sure as the surest full name it was taken from
    sure: dict[str, float] = {}
    for m in mentions:
        for w in m.text.split():
            sure[w] = max(sure.get(w, 0.0), m.confidence or 0.0)
    mentions += [
        replace(
            m, confidence=round(0.9 * sure.get(m.text.split()[-1], 0.0), 2) if evidence else None
        )
        for m in _back_references(doc, mentions)
    ]
    if evidence:
        mentions += _misspelt_surnames(doc, mentions)
    if evidence:
        # The full names the back-references made ("Nur" + "Otan") are weighed like the others: a form
        # any of whose occurrences shows an organisation is one everywhere in the document.
        orgs = _named_as_organisation(doc.text, {m.text for m in mentions if m.source == "backref"})
        if orgs:
            if refused_out is not None:
                refused_out.extend((m.start, m.end) for m in mentions if m.text in orgs)
            parts = {w for o in orgs for w in o.split()}
            mentions = [
                m
                for m in mentions
                if m.text not in orgs
                and not (" " not in m.text and m.text in parts and m.source == "backref")
            ]
    mentions.sort(key=lambda m: m.start)
    return mentions


_FACT_BOX_NAME = re.compile(
    r"Head of (?:state and government|state|government)\s*:\s*"
    r"(?:(?:King|Queen|Emperor|Sultan|Prince|Amir|Emir|Sheikh|al-Shaikh|General|President)\s+)?"
    r"((?:[A-Z][\w’'.-]+|al-[\w’'-]+)(?:[ \t]+(?:bin|ibn|de|da|van|von|al-[\w’'-]+|(?!Head\b|Death\b|Population\b)"
    r"[A-Z][\w’'.-]+))*)"
)  # a name never runs on past the end of the fact-box line


def _common_words(text: str) -> frozenset[str]:
    """The words the document itself writes in lower case (its common nouns and adjectives)."""
    return frozenset(re.findall(r"(?<![\w-])[a-z][a-z'-]+(?![\w-])", text))


def _common_phrase(form: str, common: frozenset[str]) -> bool:
    """A capitalised phrase whose every word the report also writes in lower case, and none of them
    a given name ("Event Types", "Illegal Conduct", a chapter title): not a person."""
    from docket.extract.personness import is_given_name

    words = form.split()
    return (
        len(words) >= 2
        and all(w.lower() in common for w in words)
        and not any(is_given_name(w) for w in words)
    )


def _anonymised(text: str, span: tuple[int, int]) -> bool:
    """ "Sergei K.": a given name with the surname cut to an initial, as reports anonymise people."""
    words = text[span[0] : span[1]].split()
    tail = text[span[1] : span[1] + 1]
    return (
        len(words) == 2
        and len(words[1].rstrip(".")) == 1
        and (words[1].endswith(".") or tail == ".")
    )


def fact_box_names(text: str, within: int = 3000) -> list[tuple[int, int]]:
    """Spans of the names in a book chapter's fact box ("Head of state: Nursultan Nazarbaev"), near the top."""
    out = []
    for m in _FACT_BOX_NAME.finditer(text[:within]):
        if " " in m.group(1):
            out.append((m.start(1), m.end(1)))
    return out


def _add(
    spans: dict[tuple[int, int], str], base: int, a: int, b: int, text: str, source: str
) -> None:
    cleaned = clean_name(text[a:b])
    if cleaned is None:
        return
    s, e = a + cleaned[0], a + cleaned[1]
    spans.setdefault((base + s, base + e), source)


def _introduced_by_role(sdoc: Doc, i: int) -> bool:
    """Whether a role word or title stands right before token ``i`` (allowing one comma/adjective)."""
    for j in range(max(0, i - 2), i):
        if sdoc[j].lower_ in cues().roles or sdoc[j].text in cues().title_heads:
            return True
    return False


def _name_runs(sdoc: Doc) -> list[tuple[int, int]]:
    """Maximal runs (token index ranges) of 2-4 capitalised name-shaped tokens."""
    runs, i, n = [], 0, len(sdoc)
    while i < n:
        j = i
        while j < n and j - i < 4 and _is_name_token(sdoc[j].text):
            j += 1
        if j - i >= 2:
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _cue_before(sdoc: Doc, i: int) -> bool:
    if i == 0:
        return False
    prev = sdoc[i - 1]
    c = cues()
    if prev.lower_ in c.roles or prev.lower_ in c.verbs or prev.text in c.title_heads:
        return True
    # photo credits: "© 2025 Firstname Lastname"
    return prev.like_num and i >= 2 and sdoc[i - 2].text == "©"


def _cue_after(sdoc: Doc, j: int) -> bool:
    """An apposition follows: "X Y, a Russian activist", "X Y, head of …"."""
    if j + 1 >= len(sdoc) or sdoc[j].text != ",":
        return False
    nxt = sdoc[j + 1].lower_
    return nxt in cues().apposition or nxt in cues().roles


def _cued_runs(sdoc: Doc) -> list[tuple[int, int]]:
    """Character spans of name runs introduced by a cue, with list distribution ("A B, C D and E F")."""
    runs = _name_runs(sdoc)
    people = [(e.start, e.end) for e in sdoc.ents if e.label_ == "PERSON"]
    accepted: set[int] = set()
    for k, (i, j) in enumerate(runs):
        # a cue, or the model's own PERSON: either makes the run a name, and its list neighbours too
        if _cue_before(sdoc, i) or _cue_after(sdoc, j) or any(a <= i and j <= b for a, b in people):
            accepted.add(k)
    # A list continues a cued name: "activists A B, C D, and E F".
    changed = True
    while changed:
        changed = False
        for k in range(len(runs) - 1):
            j1, i2 = runs[k][1], runs[k + 1][0]  # end of this run, start of the next
            between = " ".join(t.text for t in sdoc[j1:i2])
            if between in {",", "and", ", and", "or", ", or"} and (k in accepted) != (
                k + 1 in accepted
            ):
                accepted.update({k, k + 1})
                changed = True
    return [
        (sdoc[runs[k][0]].idx, sdoc[runs[k][1] - 1].idx + len(sdoc[runs[k][1] - 1].text))
        for k in sorted(accepted)
    ]


def _listed_with_org(
    text: str, span: tuple[int, int], verdicts: dict[tuple[int, int], Any]
) -> bool:
    """A candidate with no name evidence listed right beside a rejected organisation is one too
    ("organizations, including Golos Svobody, Bir Duino, and …")."""
    from docket.extract.personness import name_evidence

    if name_evidence(text[span[0] : span[1]].split()) >= 0.5:
        return False
    for (s, e), v in verdicts.items():
        if v.keep or (s, e) == span:
            continue
        gap = text[e : span[0]] if e <= span[0] else text[span[1] : s]
        if gap.strip() in {",", "and", ", and", "or", ", or"} and len(gap) <= 6:
            return True
    return False


def _named_as_organisation(text: str, forms: set[str]) -> set[str]:
    """Forms that some occurrence in ``text``, candidate or not, shows to be an organisation's name
    ("… the opposition X party" makes every bare "X" of the report the party)."""
    from docket.extract.personness import judge

    out = set()
    for form in forms:
        if " " not in form:
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
            v = judge(text, m.start(), m.end(), "cue")
            if not v.keep and v.reason.startswith(_ORG_REASONS):
                out.add(form)
                break
    return out


_ORG_REASONS = (
    "organisation word",
    "part of an organisation",
    "introduced as an organisation",
    "named as an organisation",
)


def _place_or_org_word(word: str) -> bool:
    """A word that alone names a country, a nationality or an organisation, not a person ("Kyrgyzstan").
    (Cities are not counted: many surnames are also towns.)"""
    from docket.extract.personness import lexicons

    lex = lexicons()
    return word in lex.org_words or word in lex.demonyms or word in lex.countries


_STRONG_SURNAME = re.compile(
    r"(?:[^aeiou]ov|[^aeiou]ova|[^aeiou]ev|[^aeiou]eva|yev|yeva|iyev|enko|shvili|dze|zade|zoda|"
    r"bekov|bekova|bayev|bayeva|ovich|evich|ovna|evna|uly|kyzy|skaya|skiy|yan|ian)$"
)


def _lexicon_runs(sdoc: Doc) -> list[tuple[int, int]]:
    """Character spans of name runs the lexicons vouch for: a known given name followed by words
    with a surname or patronymic ending ("Tolib Ayombekov"), whatever the model labelled them."""
    from docket.extract.personness import has_surname_ending, is_given_name

    out = []
    for i, j in _name_runs(sdoc):
        words = [t.text for t in sdoc[i:j]]
        # a known given name before surname-shaped words, or two words the second of which has a
        # distinctly Slavic, Turkic, Caucasian or Iranian surname ending ("Kanykei Aranov")
        strong = (
            len(words) == 2
            and _STRONG_SURNAME.search(words[1])
            and not _place_or_org_word(words[0])
        )
        if (
            len(words) <= 3
            and (strong or is_given_name(words[0]))
            and all(has_surname_ending(w) for w in words[1:])
        ):
            cleaned = clean_name(sdoc[i:j].text)
            if cleaned:
                a = sdoc[i].idx
                out.append((a + cleaned[0], a + cleaned[1]))
    return out


def _resolve_overlaps(doc: Document, spans: dict[tuple[int, int], str]) -> list[Mention]:
    """Keep the longest span where candidates overlap."""
    kept: list[tuple[int, int, str]] = []
    for (s, e), src in sorted(spans.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0])):
        if any(s < ke and ks < e for ks, ke, _ in kept):
            continue
        kept.append((s, e, src))
    out = []
    for s, e, src in kept:
        para = _paragraph_at(doc, s)
        out.append(Mention(doc.id, para, s, e, doc.text[s:e], src))
    return out


def _paragraph_at(doc: Document, offset: int) -> int:
    lo, hi = 0, len(doc.paragraphs) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc.paragraphs[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return doc.paragraphs[lo].ordinal


def _shared_surname(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """Given names that share the surname of the full name right after them ("Oraz and Ramzi
    Vazirbekov": Oraz is a person too), when the dictionaries know the given name."""
    from docket.extract.personness import is_given_name

    full = {m.start: m for m in mentions if len(m.text.split()) == 2}
    lowered = set(re.findall(r"\b[a-z][a-z’'-]+\b", doc.text))
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for para in doc.paragraphs:
        for x in re.finditer(r"(?<![\w-])([A-Z][a-z]+) and (?=([A-Z][a-z]+) [A-Z])", para.text):
            s, e = para.start + x.start(1), para.start + x.end(1)
            nxt = full.get(para.start + x.start(2))
            first = x.group(1)
            # the first word is a given name, or at least a proper noun: never written in lower case
            proper = is_given_name(first) or (
                first.lower() not in lowered and not _place_or_org_word(first)
            )
            if (
                nxt is None
                or any(s < te and ts < e for ts, te in taken)
                or not proper
                or first in cues().not_names
            ):
                continue
            out.append(
                Mention(
                    doc.id,
                    para.ordinal,
                    s,
                    e,
                    doc.text[s:e],
                    "cue",
                    confidence=round(0.8 * (nxt.confidence or 1.0), 2),
                )
            )
    return out


def _back_references(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """Later bare occurrences of a known surname or given name in the same document."""
    from docket.extract.personness import is_given_name

    parts: set[str] = set()
    for m in mentions:
        words = m.text.split()
        if len(words) >= 2:
            parts.update({words[0], words[-1]})
        elif m.source == "cue":  # a given name sharing a listed surname ("Oraz and Ramzi X")
            parts.add(m.text)
    parts = {
        p for p in parts if len(p) >= 3 and p not in cues().not_names and not _place_or_org_word(p)
    }
    if not parts:
        return []
    taken = [(m.start, m.end) for m in mentions]
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(sorted(map(re.escape, parts), key=len, reverse=True))
        + r")(?=(?:['’]s?)?(?![\w-]))"
    )
    out: list[Mention] = []
    for para in doc.paragraphs:
        for hit in pattern.finditer(para.text):
            s, e = para.start + hit.start(), para.start + hit.end()
            if any(s < te and ts < e for ts, te in taken):
                continue
            # "Aset Mataev" would be a different full name: leave runs of capitals to NER.
            after = para.text[hit.end() :].lstrip(" ")
            if (
                after[:1].isupper()
                and after.split(" ", 1)[0].rstrip(".,;:") not in cues().not_names
                and _is_name_token(after.split(" ", 1)[0].rstrip(".,;:’'"))
            ):
                continue
            # "… Zhanbolat Mamay": a given name right before the part makes the pair one full name
            before = re.search(
                r"([A-Z][^\W\d_]+) $", para.text[max(0, hit.start() - 30) : hit.start()]
            )
            if (
                before
                and _is_name_token(before.group(1))
                and is_given_name(before.group(1))
                and not _place_or_org_word(before.group(1))
            ):
                s -= len(before.group(0))
                if any(s < te and ts < e for ts, te in taken):
                    continue
            out.append(Mention(doc.id, para.ordinal, s, e, doc.text[s:e], "backref"))
            taken.append((s, e))
    return out


def _misspelt_surnames(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """Bare words that are a full name's surname with letters swapped ("Gurtabi" after "Abdullo
    Gurbati"), as back-references of lower confidence."""
    from docket.resolve.fold import misspelling_key

    keys: dict[str, str] = {}
    sure: dict[str, float] = {}
    for m in mentions:
        words = m.text.split()
        if len(words) >= 2 and (key := misspelling_key(words[-1])):
            keys[key] = words[-1]
            sure[words[-1]] = max(sure.get(words[-1], 0.0), m.confidence or 0.0)
    if not keys:
        return []
    known = {w for m in mentions for w in m.text.split()}
    starts = {
        k.split(":", 1)[0] for k in keys
    }  # the key opens with the first two letters: a cheap filter
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for para in doc.paragraphs:
        for w in re.finditer(r"(?<![\w-])[A-Z][a-z]{5,}(?=(?:['’]s?)?(?![\w-]))", para.text):
            word = w.group(0)
            if word[:2].lower() not in starts:
                continue
            surname = keys.get(misspelling_key(word) or "")
            if not surname or word in known or word in cues().not_names or _place_or_org_word(word):
                continue
            s, e = para.start + w.start(), para.start + w.end()
            after = para.text[w.end() :].lstrip(" ")
            if any(s < te and ts < e for ts, te in taken) or (
                after[:1].isupper() and _is_name_token(after.split(" ")[0])
            ):
                continue
            out.append(
                Mention(
                    doc.id,
                    para.ordinal,
                    s,
                    e,
                    word,
                    "backref",
                    confidence=round(0.8 * sure[surname], 2),
                )
            )
    return out

"""Events: who was detained, charged, convicted, sentenced, … when, for what, with what sanction.

Per sentence: event cues from ``data/events.json`` fire; the event goes to the people
the sentence names, or, when it names none and speaks of "he", "she", "they", "both",
"the journalist", to the people of the previous sentence in the paragraph (list
distribution: "they" and "each" go to every person named there). Counting follows the
gold's conventions: a first-instance sentence or fine also states a ``convicted``
event; a sentence with several sanction components gives one ``sentenced`` event per
component; a sanction imposed on appeal gives ``appeal_changed``/``appeal_upheld`` and
``sentenced`` without a new conviction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from docket.extract.dates import DateMention, find_dates
from docket.extract.persons import cues
from docket.extract.sanctions import find_charge, find_sanctions
from docket.ingest.metadata import canonical_country, known_countries
from docket.models import Document, Entity, Event, Mention, Sanction

_SENTENCE_END = re.compile(
    r"(?<=[.!?])[”\"’)]?\s+(?=[“\"(]?[A-Z0-9])|\s*\n\s*"
)  # a line break (a bullet) ends one too
# A sentence continues the previous one when its subject or object points back to it.
# (A pronoun alone does not carry the date over: the gold leaves "He was charged with …" undated.)
_CONTINUES = re.compile(
    r"^\W*(both|each|the court|the (activist|journalist|blogger|defender|lawyer)s?)\b|"
    r"\b(sentenced|fined|detained|arrested|convicted|released|found) (each|both|them|him|her)\b|"
    r"\b(those|these|the same) (sentences?|charges?|protests?|cases?|detentions?)\b|"
    r"\bthe (court )?(ruling|decision|verdict)\b",
    re.I,
)
# A counted group ("at least two activists were arrested") is people the next sentence names.
_GROUP = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|several|dozens? of|\d+)\s+(?:[a-z-]+\s+){0,2}"
    r"(activists|people|journalists|protesters|persons|individuals|men|women|members|bloggers|officers|"
    r"defenders|residents|lawyers|students|believers)\b",
    re.I,
)
# ... unless it says it happened later
_LATER = re.compile(r"\b(subsequently|later|afterwards|since then)\b", re.I)
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|No|Art|U\.S|U\.N|Jr|Sr|[A-Z])\.$")


@dataclass(frozen=True)
class _Rules:
    triggers: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    appeal: tuple[re.Pattern[str], ...]
    upheld: tuple[re.Pattern[str], ...]
    changed: tuple[re.Pattern[str], ...]
    pronoun: re.Pattern[str]
    plural: re.Pattern[str]
    leading_pronoun: re.Pattern[str]
    no_sanction: re.Pattern[str]
    victim_only: frozenset[str]
    charge_grounds: tuple[re.Pattern[str], ...]
    topic: re.Pattern[
        str
    ]  # words that make the name after them only the topic of what was said or shown


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """Compiled cues from ``data/events.json``."""
    raw = json.loads(resources.files("docket.data").joinpath("events.json").read_text("utf-8"))

    def comp(xs: list[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(x, re.I) for x in xs)

    words = "|".join(re.escape(w) for w in raw["pronoun_subjects"])
    return _Rules(
        # one alternation per type: a single scan finds the leftmost cue (a sixth of extraction time
        # went to trying each pattern of each type in turn)
        triggers=tuple(
            (t, (re.compile("|".join(f"(?:{x})" for x in xs), re.I),))
            for t, xs in raw["triggers"].items()
        ),
        appeal=comp(raw["appeal"]),
        upheld=comp(raw["appeal_upheld"]),
        changed=comp(raw["appeal_changed"]),
        pronoun=re.compile(rf"\b({words})\b", re.I),
        plural=re.compile(
            r"\b(they|them|their|both|each|all|the individuals|the activists|the detainees|the men|"
            r"the women|the three|the two|these activists|the officers|the police officers)\b",
            re.I,
        ),
        leading_pronoun=re.compile(rf"^\W*(?:\w+ \w+, )?({words})\b", re.I),
        no_sanction=re.compile("|".join(raw["no_sanction_context"]), re.I),
        victim_only=frozenset(raw["victim_only"]),
        charge_grounds=comp(raw["charge_grounds"]),
        topic=re.compile(
            r"\b(?:"
            + "|".join(raw["topic_only"])
            + r")\s+(?:(?:the |President |Prime Minister |former )?"
            r"[A-Z][\w’'-]+\s+){0,2}$"
        ),
    )


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph (abbreviations and initials do not end a sentence)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if "\n" not in m.group() and _ABBREV.search(text[start : m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def find_events(
    doc: Document,
    mentions: list[Mention],
    entities: list[Entity] | None = None,
    syntax: bool = True,
) -> list[Event]:
    """Event statements in ``doc`` for the given person mentions (``entities`` supply places).

    ``syntax``: give each event to the people its trigger is about in the dependency parse of the
    sentence; off, to every person the sentence names.
    """
    places = [e for e in entities or [] if e.label == "place"]
    by_para: dict[int, list[Mention]] = {}
    for m in mentions:
        by_para.setdefault(m.paragraph, []).append(m)
    period = doc.metadata.period
    officials = _official_forms(mentions)
    out: list[Event] = []
    last_date: str | None = None
    section: int | None = -1
    # The sentences the parse will be asked about (a cue, and a name or a pronoun), parsed in one batch.
    parses = _parse_cue_sentences(doc, by_para) if syntax else {}
    for para in doc.paragraphs:
        # The date context ("those sentences", "the day before") runs on across the paragraphs of a
        # section (flattened pages split one story over several); pronouns look back within the
        # paragraph only, which measured better on the seeds.
        previous_people: list[Mention] = []
        if para.section != section:
            last_date, section = None, para.section
        pending: _Pending | None = None
        for a, b in sentences(para.text):
            s_abs, e_abs = para.start + a, para.start + b
            # Cues are matched on a copy with plain spaces (reports use no-break spaces); same offsets.
            sentence = para.text[a:b].replace("\xa0", " ").replace("\u202f", " ")
            people = [
                m
                for m in by_para.get(para.ordinal, [])
                if s_abs <= m.start < e_abs
                and not rules().topic.search(doc.text[max(s_abs, m.start - 40) : m.start])
            ]
            dates = find_dates(sentence, period, last_date)
            types = _types(sentence)
            group = bool(_GROUP.search(sentence)) and not people
            subjects = [] if group else _subjects(sentence, people, previous_people, s_abs)
            # A sentence that continues the previous one ("The court also…", "She was…") shares its date.
            inherited = (
                last_date if _CONTINUES.search(sentence) and not _LATER.search(sentence) else None
            )
            if (
                pending and pending.group and people and not inherited
            ):  # "two activists were arrested…", then names
                inherited = _date_for(pending.sentence, pending.dates, pending.types[0][1], None)
            if types and subjects:
                place = _place(
                    [
                        e
                        for e in places
                        if s_abs <= e.start < e_abs and e.text != doc.metadata.country
                    ],
                    doc.text,
                    s_abs,
                    e_abs,
                )
                parsed = (
                    _syntactic_filter(
                        sentence,
                        s_abs,
                        people,
                        subjects,
                        previous_people,
                        officials,
                        parses.get(sentence),
                    )
                    if syntax
                    else None
                )
                if (
                    parsed is not None and people
                ):  # the parse decides among the named and the antecedents
                    subjects = _unique(people + subjects)
                found = _events_for(
                    doc,
                    para.ordinal,
                    s_abs,
                    e_abs,
                    sentence,
                    subjects,
                    types,
                    dates,
                    inherited,
                    parsed,
                )
                out.extend(replace(e, place=place) for e in found)
            # "The police officers (A, B, C) …" names the people the previous sentence spoke of.
            if pending and people and re.match(r"^\W*The \w+( \w+)? \(", sentence):
                p_types = [
                    t for t in pending.types if t[0] not in rules().victim_only
                ]  # the group is not the victim
                out.extend(
                    _events_for(
                        doc,
                        para.ordinal,
                        pending.start,
                        pending.end,
                        pending.sentence,
                        _unique(people),
                        p_types,
                        pending.dates,
                    )
                )
            pending = (
                _Pending(s_abs, e_abs, sentence, types, dates, group)
                if types and not subjects
                else None
            )
            if people:
                previous_people = people
            if dates:
                last = dates[-1]
                reduce = len(last.value) == 10 and _BEFORE_DATE.search(
                    sentence[max(0, last.start - 60) : last.start]
                )
                last_date = last.value[:7] if reduce else last.value
    return out


@dataclass(frozen=True)
class _Pending:
    """A sentence with event cues that named nobody ("six police officers were indicted")."""

    start: int
    end: int
    sentence: str
    types: list[tuple[str, int]]
    dates: list[DateMention]
    group: bool  # it spoke of a counted group ("two activists") that the next sentence may name


def _place(candidates: list[Entity], text: str, s_abs: int, e_abs: int) -> str | None:
    """Where the act took place: a city or region named in the sentence ("a court in Konayev", "an Uralsk
    court"), the country only when nothing narrower is named."""

    def is_country(e: Entity) -> bool:
        return canonical_country(e.text) != e.text or e.text in known_countries()

    # "an Almaty court", "the Priozersk City Court", "a court in Konayev": the court's seat
    seat = _COURT_SEAT.search(text, s_abs, e_abs)
    if seat and seat.group(1) not in cues().not_names and seat.group(1) not in known_countries():
        return seat.group(1)
    narrow = [e for e in candidates if not is_country(e)]
    for e in narrow:
        before = text[max(s_abs, e.start - 12) : e.start].lower()
        after = text[e.end : e.end + 16].lower()
        if (
            re.search(r"\b(in|at|to)\s+$", before)
            or re.match(r"\s+(city |district |regional |region )?court", after)
            or re.match(r"-based\b", after)
        ):
            return e.text
    if narrow:
        return narrow[0].text
    return candidates[0].text if candidates else None


_COURT_SEAT = re.compile(
    r"\b(?:an?|the)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?:\s(?:City|District|Regional|Region|"
    r"Administrative|Appeals?|Military|Specialized|Inter-district))*\s[Cc]ourt\b"
)


def _unique(people: list[Mention]) -> list[Mention]:
    return list({m.text: m for m in people}.values())


def _types(sentence: str) -> list[tuple[str, int]]:
    """Event types with the position of their first cue in the sentence."""
    found = []
    for etype, patterns in rules().triggers:
        hits = [m.start() for p in patterns for m in [p.search(sentence)] if m]
        if hits:
            found.append((etype, min(hits)))
    r = rules()
    appeal = any(p.search(sentence) for p in r.appeal)
    if appeal:
        for etype, patterns in (("appeal_changed", r.changed), ("appeal_upheld", r.upheld)):
            hits = [m.start() for p in patterns for m in [p.search(sentence)] if m]
            if hits:
                found.append((etype, min(hits)))
                break
    grounds = _grounds(sentence, {t for t, _ in found}, appeal)
    if grounds and not any(t == "charged" for t, _ in found):
        found.append(("charged", grounds[0]))
    return found


_VERDICTS = frozenset(
    {"sentenced", "convicted", "fined", "acquitted", "appeal_upheld", "appeal_changed"}
)


def _grounds(sentence: str, kinds: set[str], appeal: bool) -> list[int]:
    """Positions of "on charges of" phrases that state a prosecution: only in a sentence with no verdict."""
    if appeal or kinds & _VERDICTS:
        return []
    return sorted(m.start() for p in rules().charge_grounds for m in p.finditer(sentence))


def _subjects(
    sentence: str, people: list[Mention], previous: list[Mention], offset: int
) -> list[Mention]:
    """Whom the sentence is about: the people it names, else the antecedents of its pronouns.

    A sentence that opens with a pronoun ("Both were charged…", "He is wanted…") is about
    the antecedents even when it names someone else further on.
    """
    if (
        previous
        and rules().leading_pronoun.match(sentence)
        and not any(m.start - offset < 3 for m in people)
    ):
        if rules().plural.search(sentence[:40]):
            return _unique(previous)
        return [previous[-1]]
    if people:
        return _unique(people)
    if previous and rules().pronoun.search(sentence):
        if rules().plural.search(sentence):
            return list({m.text: m for m in previous}.values())
        return [previous[-1]]
    return []


def _cue_positions(sentence: str) -> dict[str, list[int]]:
    """Every position where a cue of each event type matches (appeal outcomes under the appeal cue).

    A fresh dict each call (callers add to it); the scan itself runs once per sentence.
    """
    return {k: list(v) for k, v in _scan_cues(sentence).items()}


@lru_cache(maxsize=4096)
def _sanctions_of(sentence: str) -> tuple[Sanction, ...]:
    """:func:`find_sanctions` once per sentence (the pre-parse pass, the filter and the events read it)."""
    return tuple(find_sanctions(sentence))


@lru_cache(maxsize=4096)
def _scan_cues(sentence: str) -> dict[str, tuple[int, ...]]:
    r = rules()
    found: dict[str, list[int]] = {}
    for etype, patterns in r.triggers:
        hits = sorted(m.start() for p in patterns for m in p.finditer(sentence))
        if hits:
            found[etype] = hits
    appeal = sorted(m.start() for p in r.appeal for m in p.finditer(sentence))
    if appeal:
        for etype, patterns in (("appeal_changed", r.changed), ("appeal_upheld", r.upheld)):
            hits = sorted(m.start() for p in patterns for m in p.finditer(sentence))
            if hits:
                found[etype] = hits + appeal
    grounds = _grounds(sentence, set(found), bool(appeal))
    if grounds:
        found["charged"] = sorted(found.get("charged", []) + grounds)
    return {k: tuple(v) for k, v in found.items()}


# An event kind derived from another one's cue (a conviction stated by a sentence or fine).
_DERIVED = {"convicted": ("sentenced", "fined"), "sentenced": ("sentenced", "detained", "fined")}


def _official_forms(mentions: list[Mention]) -> frozenset[str]:
    """Names (and surnames) that the document introduces with a state role ("President X", "Judge Y")."""
    roles = tuple(r.lower() for r in cues().state_roles)
    out: set[str] = set()
    for m in mentions:
        role = (m.role or "").lower()
        if (
            role
            and any(re.search(rf"\b{re.escape(r)}\b", role) for r in roles)
            and "former" not in role
        ):
            out.update({m.text, m.text.split()[-1]})
    return frozenset(out)


def _parse_cue_sentences(doc: Document, by_para: dict[int, list[Mention]]) -> dict[str, object]:
    """Parses of the sentences of ``doc`` that hold a cue and a name or a pronoun, by sentence text."""
    from docket.extract.syntax import parse_sentences

    wanted: list[str] = []
    for para in doc.paragraphs:
        names = by_para.get(para.ordinal, [])
        for a, b in sentences(para.text):
            sentence = para.text[a:b].replace("\xa0", " ").replace("\u202f", " ")
            has_name = any(para.start + a <= m.start < para.start + b for m in names)
            if (has_name or rules().pronoun.search(sentence)) and (
                _scan_cues(sentence) or _sanctions_of(sentence)
            ):
                wanted.append(sentence)
    return parse_sentences(wanted)


def _syntactic_filter(
    sentence: str,
    s_abs: int,
    people: list[Mention],
    subjects: list[Mention],
    previous: list[Mention],
    officials: frozenset[str] = frozenset(),
    sdoc: object | None = None,
) -> _Syntax | None:
    """A predicate (person, kind) -> the sentence's trigger of that kind is about that person.

    Built from the dependency parse (:mod:`docket.extract.syntax`): a person named in the sentence
    keeps a kind when one of its cues is about them and is neither hedged nor negated; when no named
    person is linked but the cue's clause has a pronoun ("officers tortured him"), the first named
    person who is not an agent, modifier or relative, else the previous sentence's people, keep it.
    """
    from docket.extract.syntax import (
        Relation,
        cue_modality,
        parse_sentence,
        pronoun_argument,
        pronoun_in_clause,
        relation,
        unnamed_holder,
        unnamed_patient,
    )

    cues_at = _cue_positions(sentence)
    # A custodial sanction states a sentence even without the verb ("received 18 years"): its words
    # are a cue of the sentence (and the conviction) for the person it is about.
    stated = [x.start for x in _sanctions_of(sentence) if x.kind not in ("fine", "ban")]
    if stated:
        cues_at["sentenced"] = sorted(set(cues_at.get("sentenced", []) + stated))
    if not cues_at:
        return None
    if sdoc is None:
        sdoc = parse_sentence(sentence)
    spans = {m: (m.start - s_abs, m.end - s_abs) for m in people}
    allowed: dict[str, set[Mention]] = {}
    route: dict[tuple[str, str], float] = {}
    known: dict[tuple[int, Mention], Relation] = {}

    def relation_at(at: int, m: Mention) -> Relation:
        if (at, m) not in known:
            known[(at, m)] = relation(
                sdoc, at, spans[m], [x for k, x in spans.items() if k is not m]
            )
        return known[(at, m)]

    every = sorted(p for ps in cues_at.values() for p in ps)
    for kind in {k for k in cues_at} | set(_DERIVED):
        # a kind stated only by a sanction ("jailed over two dozen people … for 15 days") reads every cue
        positions = (
            cues_at.get(kind)
            or [p for k in _DERIVED.get(kind, ()) for p in cues_at.get(k, [])]
            or every
        )
        linked: set[Mention] = set()
        fallback: list[Mention] = []
        live = False  # a cue of this kind that is stated as a fact
        for at in positions:
            rels = {m: relation_at(at, m) for m in spans}
            facts = {m: r for m, r in rels.items() if not (r.hedged or r.negated)}
            if len(facts) < len(rels) and not facts:
                continue
            if not rels:
                hedged, negated = cue_modality(sdoc, at)
                live = live or not (hedged or negated)
                continue
            live = True
            hit = {m for m, r in facts.items() if r.linked}
            if kind in rules().victim_only and unnamed_patient(sdoc, at):
                hit = (
                    set()
                )  # "convicted … for beating his wife to death": the victim is the unnamed wife
            linked |= hit
            for m in hit:
                route[(kind, m.text)] = max(route.get((kind, m.text), 0.0), _ROUTE["argument"])
            # "He was tried together with X": a pronoun argument of the cue is the previous sentence's person
            # (only a pronoun before every name of the sentence: "X said that he …" points to X)
            pro = pronoun_argument(
                sdoc, at, before=min((a for a, _ in spans.values()), default=None)
            )
            if pro and previous:
                for m in _unique(previous) if pro == "plural" else [previous[-1]]:
                    linked.add(m)
                    route[(kind, m.text)] = max(
                        route.get((kind, m.text), 0.0), _ROUTE["antecedent"]
                    )
            if not hit:
                # Nobody is the cue's argument: a pronoun there points back ("officers tortured him":
                # the first free person; "they": all); without one, the parse may simply have failed,
                # so the free persons keep it.
                # An official named beside the act without being its argument ordered or presided over it.
                free = [
                    m for m, r in facts.items() if r.kind == "other" and m.text not in officials
                ]
                pronoun = pronoun_in_clause(sdoc, at)
                if pronoun is None and (unnamed_patient(sdoc, at) or unnamed_holder(sdoc, at)):
                    continue  # "arrested her husband", "officers convicted of …": someone unnamed is the argument
                fallback += free[:1] if pronoun == "singular" else free
        if not people:
            # "the authorities arrested her husband": the act is the unnamed relative's, not the antecedent's
            unnamed = all(unnamed_patient(sdoc, at) for at in positions)
            allowed[kind] = set(subjects) if live and not unnamed else set()
            for m in allowed[kind]:
                route.setdefault((kind, m.text), _ROUTE["antecedent"])
        else:
            allowed[kind] = linked or set(fallback)
            if not linked:
                for m in fallback:
                    route.setdefault((kind, m.text), _ROUTE["beside"])
    # by name: a pronoun-led sentence's subjects are the previous sentence's mentions of the same people
    names = {kind: {m.text for m in ms} for kind, ms in allowed.items()}
    return _Syntax(lambda person, kind: person.text in names.get(kind, set()), sdoc, cues_at, route)


# How sure an event is from how its person was tied to the cue (the confidence paragraph of docs/guide/case-files.md).
_ROUTE = {"argument": 0.9, "owner": 0.85, "antecedent": 0.75, "words": 0.6, "beside": 0.5}


@dataclass(frozen=True)
class _Syntax:
    """What the parse of one sentence says: who each kind is about, and which dates belong to it."""

    keep: Callable[[Mention, str], bool]
    sdoc: object
    cues_at: dict[str, list[int]]
    route: dict[tuple[str, str], float] = field(default_factory=dict)

    def confidence(self, person: Mention, kind: str) -> float:
        """How the parse tied ``person`` to the cue of ``kind`` (see :data:`_ROUTE`)."""
        return self.route.get((kind, person.text), _ROUTE["beside"])

    def date(self, kind: str, dates: list[DateMention]) -> tuple[bool, str | None]:
        """(decided, date): the date the parse attaches to the kind's cue; not decided when the cue is
        in the main clause with no date of its own (the word-order rules decide then)."""
        from docket.extract.syntax import attached, dates_of_other_clauses, in_modifier_clause

        positions = self.cues_at.get(kind) or [
            p for k in _DERIVED.get(kind, ()) for p in self.cues_at.get(k, [])
        ]
        if not positions or not dates:
            return False, None
        spans = [(d.start, d.end) for d in dates]
        for at in positions:
            hit = attached(self.sdoc, at, spans)
            if hit:
                return True, dates[hit[0]].value
        # A participle or relative clause with no date of its own does not take the main clause's
        # ("released on 26 December: A, arrested in …"), unless the sentence opens on a framing date.
        if min(d.start for d in dates) > 15 and (
            all(in_modifier_clause(self.sdoc, at) for at in positions)
            or all(dates_of_other_clauses(self.sdoc, at, spans) for at in positions)
        ):
            return True, None
        return False, None


def _events_for(
    doc: Document,
    paragraph: int,
    s_abs: int,
    e_abs: int,
    sentence: str,
    subjects: list[Mention],
    types: list[tuple[str, int]],
    dates: list[Any],
    inherited: str | None = None,
    syntax: _Syntax | None = None,
) -> list[Event]:
    r = rules()
    names = dict(types)
    appeal = any(p.search(sentence) for p in r.appeal)
    sanctions = [
        x
        for x in _sanctions_of(sentence)
        if not r.no_sanction.search(sentence[max(0, x.start - 30) : x.start])
    ]
    charge = find_charge(sentence)
    kinds = set(names)
    # A reported custodial or restrictive sanction is a sentence even without the verb
    # ("a 12-year prison sentence", "imprisoned in August 2024 for seven years").
    if any(x.kind not in ("fine", "ban") for x in sanctions) and "detained" not in kinds:
        kinds.add("sentenced")
    if appeal:
        kinds.discard("convicted")
        kinds.discard("charged")
    # A first-instance sentence or fine states a conviction (the gold's rule 4), except psychiatric placement.
    if (
        not appeal
        and ({"sentenced", "fined"} & kinds)
        and not all(s.kind == "psychiatric" for s in sanctions if sanctions)
    ):
        kinds.add("convicted")
    if "fined" in kinds and "sentenced" in kinds and all(s.kind == "fine" for s in sanctions):
        kinds.discard("sentenced")
    if "sentenced" in kinds and not sanctions and not re.search(r"\bsentenced\b", sentence, re.I):
        kinds.discard("sentenced")
    # "detained ... for 15 days" as a court's administrative sentence counts as sentenced/convicted
    if (
        "detained" in kinds
        and any(s.kind == "detention" for s in sanctions)
        and "sentenced" not in kinds
    ):
        kinds.update({"sentenced", "convicted"})
    out: list[Event] = []
    respectively = "respectively" in sentence and len(sanctions) == len(subjects) > 1
    respective = (
        _respective_months(sentence, doc.metadata.period) if "respectively" in sentence else []
    )
    for i, person in enumerate(subjects):
        # "protesting X's detention": X is named only as the owner of one act
        owned = _POSSESSED.match(sentence, person.end - s_abs)
        person_kinds = {_OWNED_ACT[owned.group(1).lower()]} & kinds if owned else kinds
        if owned and not person_kinds:
            person_kinds = {_OWNED_ACT[owned.group(1).lower()]}
        for kind in sorted(person_kinds, key=lambda k: names.get(k, 99)):
            # without the parse, word order tells the victim from the agent
            if (
                kind in r.victim_only
                and syntax is None
                and not _victim(sentence, person.start - s_abs, names.get(kind, 0))
            ):
                continue
            if syntax is not None and not owned and not syntax.keep(person, kind):
                continue
            how = (
                _ROUTE["owner"]
                if owned
                else syntax.confidence(person, kind)
                if syntax is not None
                else _ROUTE["words"]
            )
            confidence = round(
                how * (person.confidence if person.confidence is not None else 1.0), 2
            )
            # derived kinds (a conviction implied by a sentence) date like the cue they come from
            cue_at = names.get(kind, min(names.values()))
            # "A (executed in March 2010) and B (executed in July 2011)": a parenthesis right after a
            # name dates that person's act, and no one else's
            own, others = _parenthetical_dates(sentence, person, subjects, dates, s_abs)
            usable = [
                d
                for d in dates
                if d not in others
                and not _CAUSE_DATE.search(sentence[max(0, d.start - 70) : d.start])
            ]
            if own and any(
                own[0].start - 40 <= p <= own[0].end
                for p in _scan_cues(sentence).get(kind, ()) or _kind_cues(kind, names)
            ):
                decided, date = True, own[0].value
            else:
                decided, date = syntax.date(kind, usable) if syntax is not None else (False, None)
            if not decided:
                date = _date_for(sentence, usable, cue_at, inherited)
                if (
                    kind in r.victim_only
                ):  # "convicted on 27 February of torturing X to death … in 2022"
                    date = _date_after(sentence, usable, cue_at) or date
            # "A and B, sentenced in June and July 2009 respectively": each their own month
            if respective and date == respective[0][:4] and len(respective) == len(subjects):
                date = respective[subjects.index(person)]
            if kind == "sentenced":
                custodial = [s for s in sanctions if s.kind != "fine"]
                mine: list[Sanction | None] = (
                    [sanctions[i]]
                    if respectively
                    else [*_own_sanctions(person, subjects, custodial, s_abs)] or [None]
                )
                for s in mine:
                    out.append(
                        Event(
                            doc.id,
                            paragraph,
                            s_abs,
                            e_abs,
                            person,
                            kind,
                            date,
                            charge,
                            s,
                            doc.text[s_abs:e_abs],
                            confidence=confidence,
                        )
                    )
                continue
            sanction = None
            if kind == "fined":
                sanction = next((s for s in sanctions if s.kind == "fine"), Sanction(kind="fine"))
            out.append(
                Event(
                    doc.id,
                    paragraph,
                    s_abs,
                    e_abs,
                    person,
                    kind,
                    date,
                    charge,
                    sanction,
                    doc.text[s_abs:e_abs],
                    confidence=confidence,
                )
            )
    return out


def _respective_months(sentence: str, period: int | None) -> list[str]:
    """The months of "in June and July 2009 … respectively", one per person in order (else [])."""
    from docket.extract.dates import MONTHS

    m = re.search(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
        r"\s+and\s+(January|February|March|April|May|June|July|August|September|October|November|"
        r"December)(?:,?\s+(\d{4}))?\b[^.;]{0,60}\brespectively\b",
        sentence,
    )
    year = int(m.group(3)) if m and m.group(3) else period
    if not m or not year:
        return []
    return [f"{year:04d}-{MONTHS[m.group(k).lower()]:02d}" for k in (1, 2)]


def _parenthetical_dates(
    sentence: str, person: Mention, subjects: list[Mention], dates: list[Any], s_abs: int
) -> tuple[list[Any], set[Any]]:
    """(this person's dates, every person's dates) inside a parenthesis that opens right after a name.

    Names joined only by "and" or a comma before the parenthesis share it ("A and B (executed in
    March 2010)").
    """
    mine: list[Any] = []
    everyone: set[Any] = set()
    ordered = sorted(subjects, key=lambda m: m.start)
    group: list[Mention] = []
    for k, m in enumerate(ordered):
        at = m.end - s_abs
        group.append(m)
        if not 0 <= at < len(sentence):
            group = []
            continue
        paren = re.match(r"(?:['’]s?)?\s*\(([^()]{0,80})\)", sentence[at:])
        if not paren:
            nxt = ordered[k + 1].start - s_abs if k + 1 < len(ordered) else None
            if nxt is None or not re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", sentence[at:nxt]):
                group = []
            continue
        a, b = at + paren.start(1), at + paren.end(1)
        inside = [d for d in dates if a <= d.start < b]
        everyone.update(inside)
        if person in group:
            mine = inside
        group = []
    return mine, everyone


def _kind_cues(kind: str, names: dict[str, int]) -> list[int]:
    """Where the cue of ``kind`` stands (its first position, as found by :func:`_types`)."""
    return [names[kind]] if kind in names else list(names.values())


def _own_sanctions(
    person: Mention, subjects: list[Mention], sanctions: list[Sanction], s_abs: int
) -> list[Sanction]:
    """With several people and several sanctions ("sentenced A to six years … and B to five"),
    each person gets the sanctions stated between their name and the next person's."""
    if len(subjects) < 2 or len(sanctions) < 2:
        return sanctions
    starts = sorted(m.start - s_abs for m in subjects)
    mine_at = person.start - s_abs
    nxt = next((x for x in starts if x > mine_at), None)
    own = [s for s in sanctions if s.start > mine_at and (nxt is None or s.start < nxt)]
    return own or sanctions


def _victim(sentence: str, person_at: int, cue_at: int) -> bool:
    """The person suffers the act: named after the cue, or is the subject of a passive cue ("X was tortured")."""
    if person_at > cue_at:
        return True
    if re.match(
        r"died\b", sentence[cue_at : cue_at + 5], re.I
    ):  # "X, head of …, died in hospital": the subject dies
        return True
    if cue_at - person_at > 60:
        return False
    return bool(
        re.search(
            r"\b(was|were|been|being|had been)\s+(\w+\s+)?(tortur|beat|ill-treat|abused|killed|died)",
            sentence[max(0, cue_at - 30) : cue_at + 20],
            re.I,
        )
    ) or bool(re.search(r"\b(died|death)\b", sentence[cue_at : cue_at + 10], re.I))


_OWNED_ACT = {
    "detention": "detained",
    "arrest": "detained",
    "trial": "charged",
    "prosecution": "charged",
    "conviction": "convicted",
    "sentence": "sentenced",
    "release": "released",
    "extradition": "extradition",
    "deportation": "extradition",
    "death": "death",
    "torture": "ill_treatment",
}
_POSSESSED = re.compile(r"['’]s?\s+(?:\w+\s+)?(" + "|".join(_OWNED_ACT) + r")\b", re.I)
_PREP_BEFORE = re.compile(
    r"\b(in|on|since|during|by|at the end of)\s+(early\s+|late\s+|mid-)?$", re.I
)
_PREP_INSIDE = re.compile(
    r"(in|on|since|during|between|from|the (day|next|following|previous)|\w+ (days|weeks) later)\b",
    re.I,
)  # relative dates attach to the act they follow
# "in connection with their participation in a demonstration on 19 December": the date of the cause
_CAUSE_DATE = re.compile(
    r"\b(in connection with|in relation to|because of|for (?:their|his|her) (?:participation|role))\b"
    r"[^.;,]{0,60}$",
    re.I,
)
_BEFORE_DATE = re.compile(
    r"\b(before|ahead of|in advance of|prior to|planned for|scheduled for)\b[^.;]{0,40}$", re.I
)


def _prepositional(sentence: str, d: DateMention) -> bool:
    """A date attached to the act: after a preposition, relative ("the day before"), or a full
    date set off by a comma ("at his trial in Almaty, April 9, 2025")."""
    return bool(
        _PREP_BEFORE.search(sentence[max(0, d.start - 20) : d.start])
        or _PREP_INSIDE.match(sentence[d.start : d.end])
        or (
            len(d.value) == 10
            and re.search(r"\d{4}$", sentence[d.start : d.end])
            and sentence[max(0, d.start - 2) : d.start] == ", "
        )
    )


def _date_after(sentence: str, dates: list[DateMention], cue_at: int) -> str | None:
    return next((d.value for d in dates if d.start > cue_at and _prepositional(sentence, d)), None)


def _date_for(
    sentence: str, dates: list[DateMention], cue_at: int | None, inherited: str | None
) -> str | None:
    """The framing date: the first stated before the cue; else one after it that a preposition
    attaches to the act ("detained her in August", not "any March 8 events"); else the date
    carried over from the previous sentence when this one continues it."""
    before = [d for d in dates if cue_at is None or d.start <= cue_at]
    if before:
        d = before[0]
        # "in advance of protests planned for May 21": the act came before that day, in that month at most
        if len(d.value) == 10 and _BEFORE_DATE.search(sentence[max(0, d.start - 60) : d.start]):
            return d.value[:7]
        return d.value
    for d in dates:
        if _prepositional(sentence, d):
            return d.value
    return inherited

"""Who an event trigger is about, read from the dependency parse of its sentence.

Only sentences that hold a trigger and name someone are parsed (the parser is the costly part
of the model), with the same model package as the rest of extraction (``tok2vec``, ``tagger``,
``parser``; no NER). For a trigger token and a person mention, :func:`relation` says how they are
connected:

- ``about``: the person is an argument of the trigger's clause (passive subject, object,
  subject of an intransitive trigger, apposition or listed member of such an argument, possessor
  or ``of``-complement of a trigger noun, or the noun a relative clause or participle hangs on:
  "X, who was detained", "A and B, arrested in May");
- ``agent``: the person acts ("officers tortured him", "sentenced by Judge X", "X sentenced Y");
- ``modifier``: the person only qualifies another argument ("a member of X's campaign team");
- ``relative``: the person is named as the relative of the argument ("X's mother was detained");
- ``other``: no link (another clause of the sentence).

``hedged`` (a modal, a condition: "could face up to three years if convicted") and ``negated``
("was not charged") are read from the trigger's clause chain. Word lists live in
``data/syntax.json`` (per language, like the triggers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from docket.extract.nlp import MODEL

if TYPE_CHECKING:
    from spacy.language import Language

# Dependency labels (ClearNLP, as the English model uses them) that open a clause of their own.
_CLAUSE = frozenset(
    {
        "ROOT",
        "ccomp",
        "advcl",
        "relcl",
        "xcomp",
        "csubj",
        "csubjpass",
        "parataxis",
        "acl",
        "conj",
        "pcomp",
    }
)
# Edges that make a phrase qualify its head rather than stand beside it (a name list's parse often
# joins the names by compound/nmod/appos instead of conj: those do not qualify).
_QUALIFYING = frozenset({"poss", "pobj", "prep", "acl", "relcl", "amod", "npadvmod", "advmod"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})


@dataclass(frozen=True)
class Relation:
    """How one person mention relates to one trigger token."""

    kind: str  # about | agent | modifier | relative | other
    via: str  # the dependency path that decided it, for explanations ("nsubjpass", "appos>nsubjpass", …)
    hedged: bool = False
    negated: bool = False

    @property
    def linked(self) -> bool:
        """The event belongs to this person."""
        return self.kind == "about"


@dataclass(frozen=True)
class _Words:
    modals: frozenset[str]
    conditions: frozenset[str]
    hedge_heads: frozenset[str]
    kin: frozenset[str]
    self_acts: frozenset[str]


@lru_cache(maxsize=1)
def words() -> _Words:
    """The packaged word lists (``data/syntax.json``, English)."""
    raw = json.loads(resources.files("docket.data").joinpath("syntax.json").read_text("utf-8"))[
        "en"
    ]
    return _Words(
        *(
            frozenset(w.lower() for w in raw[k])
            for k in ("modals", "conditions", "hedge_heads", "kin", "self_acts")
        )
    )


@lru_cache(maxsize=1)
def load_parser() -> Language:
    """The model package's tagger and parser, without NER (sentences are parsed one at a time)."""
    import spacy

    return spacy.load(MODEL, exclude=["ner", "lemmatizer"])


def parse_sentence(text: str) -> Any:
    """The dependency parse of one sentence (a spaCy ``Doc``)."""
    return load_parser()(text)


def parse_sentences(texts: list[str]) -> dict[str, Any]:
    """Parses of many sentences in batches (much cheaper than one call each), keyed by text."""
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, load_parser().pipe(unique, batch_size=64)))


def token_at(sdoc: Any, char: int) -> Any:
    """The token covering character ``char`` of the parsed text (the nearest one after it)."""
    for tok in sdoc:
        if tok.idx <= char < tok.idx + len(tok.text) or tok.idx >= char:
            return tok
    return sdoc[-1]


def _span_head(sdoc: Any, start: int, end: int) -> Any | None:
    """The syntactic head of the tokens inside characters [start, end)."""
    toks = [t for t in sdoc if t.idx >= start and t.idx + len(t.text) <= end]
    if not toks:
        return None
    inside = {t.i for t in toks}
    heads = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    return heads[0] if heads else toks[0]


def _has_own_subject(tok: Any) -> bool:
    return any(c.dep_ in _SUBJECTS for c in tok.children)


def trigger_clause(v: Any) -> Any:
    """The clause whose arguments the trigger ``v`` speaks of.

    A trigger noun or participle inside a phrase belongs to the nearest clause head above it; a
    clause with no subject of its own ("arrested and charged", "forced to flee") shares the
    subject of the clause it hangs on.
    """

    def up(c: Any) -> Any:
        while (
            c.dep_ not in _CLAUSE or (c.dep_ == "conj" and not c.tag_.startswith("VB"))
        ) and c.head.i != c.i:
            c = c.head
        return c

    c = up(v)
    while (
        c.dep_ in {"conj", "xcomp", "advcl", "pcomp"}
        and not _has_own_subject(c)
        and c.head.i != c.i
    ):
        c = up(c.head)
    return c


def _modality(v: Any, clause: Any) -> tuple[bool, bool]:
    """(hedged, negated) for the trigger ``v`` in ``clause``: modals, conditions, negation on the chain."""
    w = words()
    hedged = negated = False
    chain, t = [], v
    while True:
        chain.append(t)
        if t.i == clause.i or t.head.i == t.i:
            break
        t = t.head
    for t in chain:
        for c in t.children:
            low = c.lower_
            if c.dep_ == "neg":
                negated = True
            elif (c.dep_ == "aux" and low in w.modals) or (
                c.dep_ == "mark" and low in w.conditions
            ):
                hedged = True
        if (
            t.i != v.i and t.lower_ in w.hedge_heads
        ):  # "could face ...", "risked ...", "threatened with ..."
            hedged = True
    return hedged, negated


def cue_modality(sdoc: Any, trigger_char: int) -> tuple[bool, bool]:
    """(hedged, negated) for the cue at ``trigger_char``."""
    v = token_at(sdoc, trigger_char)
    return _modality(v, trigger_clause(v))


def relation(
    sdoc: Any, trigger_char: int, span: tuple[int, int], others: list[tuple[int, int]]
) -> Relation:
    """How the person at characters ``span`` relates to the trigger at ``trigger_char``.

    ``others`` are the spans of the sentence's other person mentions (a person reached only
    through another person's phrase qualifies that person).
    """
    v = token_at(sdoc, trigger_char)
    m = _span_head(sdoc, *span)
    if m is None:
        return Relation("other", "no-token")
    clause = trigger_clause(v)
    hedged, negated = _modality(v, clause)
    other_tokens = {t.i for s, e in others for t in sdoc if s <= t.idx < e}
    w = words()
    # The agent of a passive trigger, or the subject of a transitive active one.
    if m.head.i == v.i or (m.head.dep_ == "agent" and m.head.head.i == v.i):
        if m.head.dep_ == "agent":
            return Relation("agent", "agent", hedged, negated)
        if (
            m.dep_ == "nsubj"
            and any(c.dep_ in {"dobj", "dative"} for c in v.children)
            and v.lower_ not in w.self_acts
        ):
            return Relation("agent", "nsubj+dobj", hedged, negated)
    path: list[str] = []
    t = m
    qualifying = False  # the path went through a preposition or possessive ("a member of X's team")
    while True:
        if t.i == clause.i or t.i == v.i:
            return Relation("about", ">".join(path) or "head", hedged, negated)
        if t.head.i == t.i:
            break
        dep, head = t.dep_, t.head
        if dep == "agent" or (dep == "pobj" and head.lower_ == "by" and head.dep_ == "agent"):
            return Relation("agent", ">".join([*path, dep]), hedged, negated)
        qualifying = qualifying or dep in _QUALIFYING
        if head.i in other_tokens and qualifying:
            return Relation("modifier", ">".join([*path, dep]), hedged, negated)
        if dep == "poss" and head.lower_ in w.kin:
            return Relation("relative", ">".join([*path, "poss"]), hedged, negated)
        if dep == "pobj" and head.lower_ == "of" and head.head.lower_ in w.kin:
            return Relation("relative", ">".join([*path, "of"]), hedged, negated)
        path.append(dep)
        if dep in _CLAUSE and (dep != "conj" or t.tag_.startswith("VB")):
            break  # the person's own clause is another one (a coordinated noun is not a clause)
        t = head
    # "X, who was detained" / "A and B, arrested in May": the clause hangs on the person
    if clause.dep_ in {"relcl", "acl"}:
        noun = clause.head  # "X, an opponent who was sentenced": climb the appositions to the name
        while (
            noun.dep_ in {"appos", "conj"}
            and noun.i not in _coordinated(m)
            and noun.head.i != noun.i
        ):
            noun = noun.head
        if m.i in _coordinated(noun) or noun.i in _coordinated(m):
            return Relation("about", clause.dep_, hedged, negated)
    return Relation("other", ">".join(path), hedged, negated)


def _coordinated(tok: Any) -> set[int]:
    """``tok`` and the nouns coordinated with it ("A, B and C")."""
    out, todo = {tok.i}, [tok]
    while todo:
        for c in todo.pop().children:
            if c.dep_ == "conj" and c.i not in out:
                out.add(c.i)
                todo.append(c)
    return out


def _subtree_ids(tok: Any) -> set[int]:
    return {t.i for t in tok.subtree}


_PLURAL = frozenset({"they", "them", "their", "themselves"})


def pronoun_in_clause(sdoc: Any, trigger_char: int) -> str | None:
    """The personal pronoun argument of the trigger's clause ("tortured him", "they were held"):
    ``"plural"``, ``"singular"``, or None when there is none."""
    v = token_at(sdoc, trigger_char)
    ids = _subtree_ids(trigger_clause(v))
    found = [
        t.lower_
        for t in sdoc
        if t.i in ids
        and t.tag_ in {"PRP", "PRP$"}
        and t.lower_
        not in {"it", "its", "itself", "we", "us", "our", "i", "me", "my", "you", "your"}
    ]
    if not found:
        return None
    return "plural" if any(w in _PLURAL for w in found) else "singular"


def own_clause(tok: Any) -> Any:
    """The nearest clause head at or above ``tok`` (no subject inheritance)."""
    c = tok
    while (
        c.dep_ not in _CLAUSE or (c.dep_ == "conj" and not c.tag_.startswith("VB"))
    ) and c.head.i != c.i:
        c = c.head
    return c


def in_modifier_clause(sdoc: Any, trigger_char: int) -> bool:
    """The trigger heads a participle or relative clause on a noun ("A, arrested in 2011, …",
    "A, who was detained …"): the main clause's time expressions are not its own."""
    return own_clause(token_at(sdoc, trigger_char)).dep_ in {"acl", "relcl"}


def dates_of_other_clauses(sdoc: Any, trigger_char: int, spans: list[tuple[int, int]]) -> bool:
    """Every time expression sits in another clause with a subject of its own ("arrested him after
    he posted a video in March"): it dates that clause's act."""
    v = token_at(sdoc, trigger_char)
    mine = {own_clause(v).i, trigger_clause(v).i}
    for a, b in spans:
        head = _span_head(sdoc, a, b)
        if head is None:
            return False
        c = own_clause(head)
        if c.i in mine or not any(x.dep_ in _SUBJECTS for x in c.children):
            return False
    return bool(spans)


def attached(sdoc: Any, trigger_char: int, spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of the ``spans`` (time expressions) that belong to the trigger's own clause, or to
    the clause whose subject it shares ("arrested on 8 June and charged"), nearest clause first."""
    v = token_at(sdoc, trigger_char)
    own, shared = own_clause(v), trigger_clause(v)
    if in_modifier_clause(
        sdoc, trigger_char
    ):  # "A, arrested in connection with …": its own time only
        shared = own
    first, second = [], []
    for k, (a, b) in enumerate(spans):
        head = _span_head(sdoc, a, b)
        if head is None:
            continue
        c = own_clause(head)
        if c.i == own.i:
            first.append(k)
        elif c.i == shared.i:
            second.append(k)
    return first or second


def pronoun_argument(sdoc: Any, trigger_char: int, before: int | None = None) -> str | None:
    """A personal pronoun that is a direct argument (subject or object) of the trigger's clause and
    stands before character ``before`` (when given): ``"plural"``, ``"singular"`` or None."""
    v = token_at(sdoc, trigger_char)
    heads = {v.i, trigger_clause(v).i}
    for t in sdoc:
        if (
            t.head.i in heads
            and t.dep_ in {"nsubj", "nsubjpass", "dobj"}
            and t.tag_ == "PRP"
            and t.lower_ in {"he", "she", "they", "him", "her", "them"}
            and (before is None or t.idx < before)
        ):
            if t.lower_ in _PLURAL and any(
                u.i < t.i and u.tag_ == "NNS" and u.dep_ in {"nsubj", "nsubjpass"} for u in sdoc
            ):
                return None  # "Media members reported … harassed them": the group named before it
            return "plural" if t.lower_ in _PLURAL else "singular"
    return None


def unnamed_patient(sdoc: Any, trigger_char: int) -> bool:
    """The trigger's undergoer is a common noun ("her husband was arrested", "arrested her husband"),
    so the act is about someone the sentence does not name."""
    v = token_at(sdoc, trigger_char)
    # "beating his wife to death": a trigger phrase under a verb speaks of that verb's undergoer
    for _ in range(2):
        if v.tag_.startswith("VB") or v.head.i == v.i or v.dep_ not in {"prep", "pobj", "advmod"}:
            break
        v = v.head
    if not v.tag_.startswith("VB"):
        return False
    for c in v.children:
        if c.dep_ == "nsubjpass" or (
            c.dep_ == "dobj" and not any(x.dep_ == "nsubjpass" for x in v.children)
        ):
            if (
                c.tag_ in {"NN", "NNS"}
                and _human(c.lower_)
                and not any(x.dep_ in {"appos", "compound"} and x.tag_ == "NNP" for x in c.children)
            ):
                return True
    return False


def _human(noun: str) -> bool:
    """A noun for a person or people (kin, roles, "people", "members"), not a thing ("a fine")."""
    from docket.extract.persons import cues

    return noun in words().kin or noun in cues().roles or noun in _PEOPLE


_PEOPLE = frozenset(
    {
        "people",
        "persons",
        "person",
        "men",
        "women",
        "man",
        "woman",
        "members",
        "member",
        "individuals",
        "residents",
        "officers",
        "officials",
        "employees",
        "director",
        "editor",
        "editors",
        "staff",
        "protesters",
        "demonstrators",
        "detainees",
        "prisoners",
        "students",
        "believers",
        "citizens",
        "candidates",
        "leaders",
        "leader",
        "others",
    }
)


def unnamed_holder(sdoc: Any, trigger_char: int) -> bool:
    """The trigger's clause is a relative clause or participle on a common noun for people ("two
    police officers convicted of torturing X"): the act is theirs."""
    c = own_clause(token_at(sdoc, trigger_char))
    holder = c.head
    named = any(
        x.tag_ == "NNP" and x.dep_ in {"appos", "compound", "conj", "nmod"} for x in holder.children
    )
    return (
        c.dep_ in {"relcl", "acl"}
        and holder.tag_ in {"NN", "NNS"}
        and _human(holder.lower_)
        and not named
    )

"""An export in the HURIDOCS Events Standard Formats (ESF): events, acts, victims, perpetrators,
information and sources, as OpenEvSys-style tools read them, and Uwazi templates.

ESF records an *event* (an incident) made of *acts*, each with a *victim* and possibly
*perpetrators* (involvements); *information* records tie an event to the *source* that reports it.
docket maps:

* an event: the facts of any persons that share a statement sentence (six activists detained at
  one rally are one event with six acts), each person's facts otherwise on their own;
* an act: a fact whose type is a violation in the HURIDOCS Types of Acts micro-thesaurus (arrest,
  detention or imprisonment, physical assault or torture, harassment, death, refoulement), coded as
  in ``data/esf.json``; the steps of a case (charged, convicted, fined, acquitted, appeals) are the
  event's court actions, other facts (released, transferred, hunger strike) its chain of events;
* a victim: the person, when the reports put them on the ``target`` side;
* a perpetrator: only a state-side person or a state unit ("police officers", "security service
  officers") that the act's own sentence names; docket does not guess who acted, and a court, a city,
  a bank or a UN body is never one;
* an information record: one statement, citing its document, paragraph, offsets and quote.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from docket.export.serialize import Citer, document_dict, statement_dict
from docket.models import DocumentSummary
from docket.query.cases import CaseFile, Fact


@dataclass(frozen=True)
class _Mapping:
    acts: dict[str, tuple[str, str]]
    court_actions: frozenset[str]
    units: re.Pattern[str]


@lru_cache(maxsize=1)
def mapping() -> _Mapping:
    """The HURIDOCS act codes and perpetrator words of ``data/esf.json``."""
    raw = json.loads(resources.files("docket.data").joinpath("esf.json").read_text("utf-8"))
    units = re.compile(r"\b(" + "|".join(raw["perpetrator_units"]) + r")\b")
    return _Mapping(
        {k: (v[0], v[1]) for k, v in raw["acts"].items()}, frozenset(raw["court_actions"]), units
    )


def act_type(fact: Fact, in_custody: bool) -> tuple[str, str] | None:
    """The HURIDOCS (code, term) of a fact that is an act, else None."""
    acts = mapping().acts
    sanction = (fact.sanction or {}).get("kind") if isinstance(fact.sanction, dict) else None
    quotes = " ".join(e.quote for _, e in fact.statements).lower()
    if fact.type == "sentenced":
        return acts.get(f"sentenced:{sanction}")
    if fact.type == "ill_treatment" and "tortur" in quotes:
        return acts["ill_treatment:torture"]
    if fact.type == "death" and (
        in_custody or re.search(r"custody|detention|prison|cell|colony", quotes)
    ):
        return acts["death:custody"]
    return acts.get(fact.type)


def _perpetrators(
    case: CaseFile, fact: Fact, state_names: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(name, kind, basis) of those the fact's own sentences name as acting: state-side persons by
    their printed names, and state units by the words of ``data/esf.json``."""
    found: dict[str, tuple[str, str, str]] = {}
    for d, e in fact.statements:
        sentence = e.quote
        for form, pid in state_names.items():
            if pid != case.person.cluster.id and re.search(
                r"(?<!\w)" + re.escape(form) + r"(?!\w)", sentence
            ):
                found.setdefault(
                    pid,
                    (
                        pid,
                        "person",
                        f"state official named in the sentence ({d.id}:p{e.paragraph})",
                    ),
                )
        for m in mapping().units.finditer(sentence):
            if not _acting(sentence, m.start(), m.end()):
                continue  # "released from police custody": named, not acting
            unit = m.group(1).lower()
            found.setdefault(
                unit, (unit, "unit", f"named as acting in the sentence ({d.id}:p{e.paragraph})")
            )
    return list(found.values())


_ACTIVE_EN = re.compile(
    r"(?:\s+\w+){0,2}?\s+(?:\w+ed|beat|took|held|threw|broke|hit|kicked|dragged|forced|seized|"
    r"tore|shot|burst|stormed|came)\b",
    re.I,
)
_ACTIVE_RU = re.compile(r"(?:\s+[\w-]+){0,2}?\s+[а-яё]+(?:ли|лись)\b", re.I)
_BY = re.compile(r"\b(?:by|by the|by local|by the local)\s*$", re.I)


def _acting(sentence: str, start: int, end: int) -> bool:
    """Whether a unit named at [start, end) is the one acting: the subject of an active verb right
    after it ("police officers beat him", "полицейские задержали"), or the agent of a passive ("was
    detained by police")."""
    after = sentence[end : end + 60]
    return bool(
        _ACTIVE_EN.match(after)
        or _ACTIVE_RU.match(after)
        or _BY.search(sentence[max(0, start - 14) : start])
    )


def _incidents(cases: list[CaseFile]) -> list[list[tuple[CaseFile, Fact]]]:
    """Facts grouped into incidents: facts sharing a statement sentence are one incident."""
    from docket.resolve.cluster import components

    items = [(c, f) for c in cases for f in c.facts]
    first: dict[tuple[str, int, int], int] = {}
    pairs = []
    for i, (_, f) in enumerate(items):
        for d, e in f.statements:
            pairs.append((i, first.setdefault((d.id, e.start, e.end), i)))
    root = components(len(items), pairs)
    groups: dict[int, list[tuple[CaseFile, Fact]]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root[i], []).append(item)
    return list(groups.values())


def esf_records(
    documents: list[DocumentSummary], cases: list[CaseFile], citer: Citer | None = None
) -> dict[str, list[dict[str, Any]]]:
    """ESF records: events, acts, persons, involvements, court actions, chain of events,
    information and sources, each referring to the others by record number."""
    out: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "events",
            "acts",
            "persons",
            "involvements",
            "court_actions",
            "chain_of_events",
            "information",
        )
    }
    out["sources"] = [document_dict(d) for d in documents]
    state_names = {
        form: c.person.cluster.id
        for c in cases
        if c.person.side == "state"
        for form in c.person.cluster.forms
        if " " in form
    }
    listed: set[str] = set()

    def person_record(c: CaseFile) -> str:
        pid = f"P-{c.person.cluster.id}"
        if pid not in listed:
            listed.add(pid)
            out["persons"].append(
                {
                    "person_record_number": pid,
                    "name": c.person.cluster.canonical,
                    "other_names": [
                        f for f in c.person.cluster.forms if f != c.person.cluster.canonical
                    ],
                    "occupation": c.person.role,
                    "side": c.person.side,
                    "status": c.status,
                }
            )
        return pid

    incidents = sorted(
        _incidents(cases),
        key=lambda g: (min((f.date or "9999") for _, f in g), g[0][0].person.cluster.id),
    )
    for n, group in enumerate(incidents, 1):
        eid = f"E-{n:05d}"
        dates = sorted({f.date for _, f in group if f.date})
        places = sorted({f.place for _, f in group if f.place})
        people = list(dict.fromkeys(c.person.cluster.canonical for c, _ in group))
        types = list(dict.fromkeys(f.type for _, f in group))
        out["events"].append(
            {
                "event_record_number": eid,
                "event_title": f"{', '.join(types)} — {', '.join(people[:4])}"
                f"{' and others' if len(people) > 4 else ''}",
                "initial_date": dates[0] if dates else None,
                "final_date": dates[-1] if dates else None,
                "geographical_term": places[0] if places else None,
                "number_of_victims": len(
                    {c.person.cluster.id for c, _ in group if c.person.side == "target"}
                ),
            }
        )
        statements: dict[tuple[str, int, int], tuple[Any, Any]] = {}
        for i, (c, f) in enumerate(group, 1):
            for d, e in f.statements:
                statements.setdefault((d.id, e.start, e.end), (d, e))
            custody = any(x.type == "detained" for x in c.facts)
            code = act_type(f, custody)
            pid = person_record(c)
            if code is not None:
                aid = f"{eid}-A{i}"
                out["acts"].append(
                    {
                        "act_record_number": aid,
                        "event": eid,
                        "victim": pid if c.person.side == "target" else None,
                        "type_of_act": code[0],
                        "type_of_act_term": code[1],
                        "docket_type": f.type,
                        "initial_date": f.date,
                        "sanction": f.sanction,
                        "place": f.place,
                        "fact": f.id,
                    }
                )
                for j, (who, kind, basis) in enumerate(_perpetrators(c, f, state_names), 1):
                    out["involvements"].append(
                        {
                            "involvement_record_number": f"{aid}-I{j}",
                            "act": aid,
                            "perpetrator": f"P-{who}" if kind == "person" else None,
                            "perpetrator_unit": who if kind == "unit" else None,
                            "degree_of_involvement": "Directly carried out the act",
                            "basis": basis,
                        }
                    )
            elif f.type in mapping().court_actions:
                out["court_actions"].append(
                    {
                        "court_action_record_number": f"{eid}-C{i}",
                        "event": eid,
                        "person": pid,
                        "type": f.type,
                        "date": f.date,
                        "charge": f.charge,
                        "sanction": f.sanction,
                        "fact": f.id,
                    }
                )
            else:
                out["chain_of_events"].append(
                    {
                        "record_number": f"{eid}-X{i}",
                        "event": eid,
                        "person": pid,
                        "type": f.type,
                        "date": f.date,
                        "fact": f.id,
                    }
                )
        for j, (d, e) in enumerate(statements.values(), 1):
            out["information"].append(
                {
                    "information_record_number": f"{eid}-S{j}",
                    "event": eid,
                    "source": d.id,
                    "date_of_source_material": d.period,
                    **statement_dict(d, e, citer),
                }
            )
    return out


def uwazi_tables(
    records: dict[str, list[dict[str, Any]]],
) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Uwazi CSV imports, one per template (Person, Event, Source): the first column is the title,
    several values in one cell are joined by ``|``, and relationship columns hold the titles of the
    entities they point to (Uwazi links them on import)."""
    person_title = {p["person_record_number"]: p["name"] for p in records["persons"]}
    victim = {p["person_record_number"] for p in records["persons"] if p["side"] == "target"}
    source_title = {s["id"]: (s.get("title") or s["file_name"]) for s in records["sources"]}
    acts_of: dict[str, list[dict[str, Any]]] = {}
    for a in records["acts"]:
        acts_of.setdefault(a["event"], []).append(a)
    steps_of: dict[str, list[dict[str, Any]]] = {}
    for c in records["court_actions"] + records["chain_of_events"]:
        steps_of.setdefault(c["event"], []).append(c)
    sources_of: dict[str, list[str]] = {}
    for i in records["information"]:
        sources_of.setdefault(i["event"], [])
        if source_title[i["source"]] not in sources_of[i["event"]]:
            sources_of[i["event"]].append(source_title[i["source"]])
    perps_of: dict[str, list[str]] = {}
    act_event = {a["act_record_number"]: a["event"] for a in records["acts"]}
    for inv in records["involvements"]:
        who = (
            person_title.get(inv["perpetrator"]) if inv["perpetrator"] else inv["perpetrator_unit"]
        )
        perps_of.setdefault(act_event[inv["act"]], []).append(who or "")

    def join(values: list[Any]) -> str:
        return "|".join(dict.fromkeys(str(v).replace("|", "/") for v in values if v))

    people = (
        ["title", "other names", "occupation", "side", "status"],
        [
            [p["name"], join(p["other_names"]), p["occupation"] or "", p["side"], p["status"]]
            for p in records["persons"]
        ],
    )
    events = (
        [
            "title",
            "date",
            "place",
            "types of acts",
            "huridocs codes",
            "case steps",
            "victims",
            "perpetrators",
            "sources",
        ],
        [
            [
                f"{e['event_title']} ({e['event_record_number']})",
                e["initial_date"] or "",
                e["geographical_term"] or "",
                join([a["type_of_act_term"] for a in acts_of.get(e["event_record_number"], [])]),
                join([a["type_of_act"] for a in acts_of.get(e["event_record_number"], [])]),
                join([s["type"] for s in steps_of.get(e["event_record_number"], [])]),
                join(
                    [
                        person_title[a["victim"]]
                        for a in acts_of.get(e["event_record_number"], [])
                        if a["victim"]
                    ]
                    + [
                        person_title[s["person"]]
                        for s in steps_of.get(e["event_record_number"], [])
                        if s["person"] in victim
                    ]
                ),
                join(perps_of.get(e["event_record_number"], [])),
                join(sources_of.get(e["event_record_number"], [])),
            ]
            for e in records["events"]
        ],
    )
    sources = (
        ["title", "publisher", "country", "period", "url", "published", "language", "document id"],
        [
            [
                source_title[s["id"]],
                s.get("publisher") or "",
                s.get("country") or "",
                str(s.get("period") or ""),
                s.get("url") or "",
                s.get("published") or "",
                s.get("language") or "",
                s["id"],
            ]
            for s in records["sources"]
        ],
    )
    return {"Person": people, "Event": events, "Source": sources}

"""An event export in the spirit of the HURIDOCS Events Standard Formats (ESF).

ESF records a violation as an *event* made of *acts*; each act has a *victim*, and possibly
*perpetrators* (involvement); each piece of *information* links an event to the *source* that
reports it. docket maps one fact to one event holding one act whose victim is the person; every
statement of the fact is an information record citing its passage. Perpetrators are only the
organisations named in the act's own source sentences (courts, police, security services):
docket does not guess who acted when the text does not say.
"""

from __future__ import annotations

from docket.export.serialize import Citer, document_dict, statement_dict
from docket.models import DocumentSummary, Entity
from docket.query.cases import CaseFile
from docket.store.base import Store


def esf_records(documents: list[DocumentSummary], cases: list[CaseFile], store: Store | None,
                citer: Citer | None = None) -> dict:
    """Events, acts, persons, involvements, information and sources as ESF-shaped records."""
    entities: dict[str, list[Entity]] = {}

    def orgs_in(doc_id: str, start: int, end: int) -> list[str]:
        if doc_id not in entities:
            entities[doc_id] = [x for x in (store.document_entities(doc_id) if store else []) if x.label == "org"]
        return [x.text for x in entities[doc_id] if start <= x.start and x.end <= end]

    out: dict[str, list] = {"events": [], "acts": [], "persons": [], "involvements": [], "information": [],
                            "sources": [document_dict(d) for d in documents]}
    for c in cases:
        pid = f"P-{c.person.cluster.id}"
        out["persons"].append({"person_record_number": pid, "name": c.person.cluster.canonical,
                               "other_names": [f for f in c.person.cluster.forms if f != c.person.cluster.canonical],
                               "occupation": c.person.role, "side": c.person.side, "status": c.status})
        for i, f in enumerate(c.facts, 1):
            eid = f"E-{c.person.cluster.id}-{i}"
            aid = f"A-{c.person.cluster.id}-{i}"
            out["events"].append({"event_record_number": eid, "event_title": f"{f.type} — {c.person.cluster.canonical}",
                                  "initial_date": f.date, "geographical_term": f.place, "acts": [aid]})
            out["acts"].append({"act_record_number": aid, "event": eid, "victim": pid, "type_of_act": f.type,
                                "initial_date": f.date, "sanction": f.sanction, "charge": f.charge, "place": f.place})
            named = sorted({o for d, e in f.statements for o in orgs_in(d.id, e.start, e.end)})
            for j, org in enumerate(named, 1):
                out["involvements"].append({"involvement_record_number": f"{aid}-i{j}", "act": aid,
                                            "perpetrator": org, "type_of_perpetrator": "organisation",
                                            "basis": "named in the act's source sentence"})
            for j, (d, e) in enumerate(f.statements, 1):
                out["information"].append({"information_record_number": f"{eid}-s{j}", "event": eid,
                                           "source": d.id, "date_of_source_material": d.period,
                                           **statement_dict(d, e, citer)})
    return out

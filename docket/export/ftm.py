"""FollowTheMoney (FtM) export: the case database as entities that Aleph, OpenSanctions' yente and
nomenklatura read.

Mapping (entities built and checked by the ``followthemoney`` library itself, so a value that
does not fit its property type is cleaned or dropped by FtM, not by us):

* each report is a ``Document`` (title, publisher, publication or covered date, source URL,
  retrieval date, country);
* each person is a ``Person``: the canonical spelling as ``name``, every other spelling as
  ``alias``, the role phrase as ``description``, side and status in ``notes``;
* each (report, spelling) pair is a ``Mention`` of the name in that document, ``resolved`` to
  the person: FtM's way to say "this report names this person so";
* each fact of a prosecution (charged, convicted, sentenced, fined, acquitted) is a
  ``CourtCase`` with a ``CourtCaseParty`` linking the person as defendant; every other fact
  is an ``Event`` with the person ``involved``. Both carry ``proof`` (the reports stating the
  fact), the quotes in ``summary``, and the date, place, charge and sanction as docket read
  them. FtM's ``Sanction`` is a sanctions-list designation, not a court's sentence, so it is not
  used.

Per-value provenance goes beside the entities, as FtM statements (``*.statements.csv``): one row
per property value and per report that stated it (``origin`` is the report's entity id).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from docket.models import DocumentSummary
from docket.query.cases import CaseFile, Fact, sanction_text

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy
    from followthemoney.statement import Statement

    from docket.export import ExportData

DATASET = "docket"
PROSECUTION = {
    "charged",
    "convicted",
    "sentenced",
    "fined",
    "acquitted",
}  # facts about a court case


def _id(kind: str, *parts: str) -> str:
    """A stable entity id: ``docket-KIND-`` and a hash of what identifies it (ids stay short and
    free of characters FtM tools reject, whatever the spelling)."""
    return f"docket-{kind}-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


class _Builder:
    """Entities and their provenance statements, collected while walking the export."""

    def __init__(self) -> None:
        from followthemoney import model

        self.model = model
        self.entities: dict[str, EntityProxy] = {}
        self.origins: list[
            tuple[str, str, str, str]
        ] = []  # entity id, property, value, document entity id

    def make(self, schema: str, entity_id: str) -> EntityProxy:
        entity = self.entities.get(entity_id)
        if entity is None:
            entity = self.entities[entity_id] = self.model.make_entity(schema)
            entity.id = entity_id
        return entity

    def add(
        self, entity: EntityProxy, prop: str, value: object, *, said_by: str | None = None
    ) -> None:
        """Add ``value`` (cleaned by FtM; dropped when it cannot be a value of ``prop``), noting the
        report that stated it."""
        if value is None or value == "":
            return
        before = set(entity.get(prop))
        entity.add(prop, str(value), cleaned=False, quiet=True)
        if said_by is not None:
            for v in set(entity.get(prop)) - before or set(entity.get(prop)) & {str(value)}:
                self.origins.append((str(entity.id), prop, v, said_by))


def _document(b: _Builder, d: DocumentSummary) -> str:
    doc = b.make("Document", _id("doc", d.id))
    b.add(doc, "fileName", d.file_name or d.id)
    b.add(doc, "title", d.title or d.file_name)
    b.add(doc, "publisher", d.publisher)
    b.add(doc, "country", d.country)
    b.add(doc, "publishedAt", d.published)
    b.add(doc, "sourceUrl", d.url)
    b.add(doc, "retrievedAt", d.accessed)
    b.add(doc, "language", d.language)  # FtM takes ISO 639 codes and normalises them
    # the year a report covers is not its publication date: said in words
    b.add(
        doc,
        "notes",
        f"docket document {d.id}" + (f"; covers events of {d.period}" if d.period else ""),
    )
    return str(doc.id)


def _fact(b: _Builder, c: CaseFile, person_id: str, fact: Fact, docs: dict[str, str]) -> None:
    name = f"{fact.type.replace('_', ' ')}: {c.person.cluster.canonical}" + (
        f" ({fact.date})" if fact.date else ""
    )
    sanction = sanction_text(fact.sanction) if fact.sanction else None
    if fact.type in PROSECUTION:
        case = b.make("CourtCase", _id("case", c.person.cluster.id, fact.id))
        party = b.make("CourtCaseParty", _id("party", c.person.cluster.id, fact.id))
        b.add(case, "name", name)
        b.add(party, "case", case.id)
        b.add(party, "party", person_id)
        b.add(party, "role", "defendant")
        entities: tuple[EntityProxy, ...] = (case, party)
        dated = [(case, "fileDate"), (party, "date")]
    else:
        event = b.make("Event", _id("event", c.person.cluster.id, fact.id))
        b.add(event, "name", name)
        b.add(event, "involved", person_id)
        entities = (event,)
        dated = [(event, "date")]
    main = entities[0]
    b.add(
        main,
        "notes",
        f"docket fact {fact.id}, type {fact.type}"
        + (f"; sanction: {sanction}" if sanction else "")
        + (f"; charge: {fact.charge}" if fact.charge else "")
        + (f"; confidence {fact.confidence:.2f}" if fact.confidence is not None else ""),
    )
    for d, e in fact.statements:
        said_by = docs.get(d.id)
        for entity in entities:
            b.add(entity, "proof", said_by, said_by=said_by)
            b.add(entity, "summary", e.quote, said_by=said_by)
        for entity, prop in dated:
            b.add(entity, prop, e.date, said_by=said_by)
        if e.place:
            b.add(
                main,
                "location" if "location" in main.schema.properties else "address",
                e.place,
                said_by=said_by,
            )
        if d.country:
            b.add(main, "country", d.country, said_by=said_by)


def ftm_entities(data: ExportData) -> tuple[list[EntityProxy], list[Statement]]:
    """The export's entities (documents first, then persons with their mentions and facts) and the
    provenance statements of the values a report stated."""
    from followthemoney.statement import Statement

    b = _Builder()
    docs = {d.id: _document(b, d) for d in data.documents}
    for c in data.cases:
        p = c.person
        person = b.make("Person", _id("person", p.cluster.id))
        b.add(person, "name", p.cluster.canonical)
        for form in p.cluster.forms:
            if form != p.cluster.canonical:
                b.add(person, "alias", form)
        b.add(person, "description", p.role)
        b.add(person, "notes", f"docket person {p.cluster.id}; side: {p.side}; status: {c.status}")
        for d in p.documents:
            b.add(person, "proof", docs.get(d.id), said_by=docs.get(d.id))
        for doc_id, forms in _spellings_by_document(c).items():
            if doc_id not in docs:
                continue
            for form in forms:
                # which report printed which spelling: the name's provenance
                prop = "name" if form == p.cluster.canonical else "alias"
                b.origins.append((str(person.id), prop, form, docs[doc_id]))
                mention = b.make("Mention", _id("mention", doc_id, form))
                b.add(mention, "name", form)
                b.add(mention, "document", docs[doc_id])
                b.add(mention, "resolved", person.id)
                b.add(mention, "detectedSchema", "Person")
        for fact in c.facts:
            _fact(b, c, str(person.id), fact, docs)
    statements = [
        Statement(
            entity_id=eid,
            prop=prop,
            schema=b.entities[eid].schema.name,
            value=value,
            dataset=DATASET,
            origin=origin,
        )
        for eid, prop, value, origin in b.origins
        if origin
    ]
    return list(b.entities.values()), statements


def _spellings_by_document(c: CaseFile) -> dict[str, list[str]]:
    """The spellings under which each report names the person."""
    out: dict[str, list[str]] = {}
    for _, m in c.person.cluster.mentions:
        forms = out.setdefault(m.document_id, [])
        if m.text not in forms:
            forms.append(m.text)
    return out


def write_ftm(data: ExportData, out: Path) -> list[Path]:
    """Entities as JSON lines in ``out``, and their provenance statements in ``out``'s stem plus
    ``.statements.csv`` (FtM's statement CSV)."""
    import json

    from followthemoney.statement import write_statements

    entities, statements = ftm_entities(data)
    with out.open("w", encoding="utf-8") as fh:
        for entity in entities:
            fh.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    side = out.with_name(out.name.removesuffix(".jsonl").removesuffix(".json") + ".statements.csv")
    with side.open("wb") as fh:
        write_statements(fh, "csv", statements)
    return [out, side]

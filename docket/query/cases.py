"""Case files: statements merged into facts, corroboration, conflicts, timeline and status.

Each extracted event is a *statement* by one document. Statements about the same person
with the same event type, the same sanction kind and compatible dates (one refines the
other: 2024 ⊃ 2024-08 ⊃ 2024-08-02) become one *fact*; every statement stays attached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docket.errors import CaseQueryError
from docket.ingest.metadata import same_country
from docket.models import DocumentSummary, Event, statement_key
from docket.query.people import PersonRecord
from docket.resolve.fold import plain as norm

Statement = tuple[DocumentSummary, Event]


@dataclass
class Fact:
    """One thing that happened to a person, as stated by one or more documents."""

    type: str
    statements: list[Statement] = field(default_factory=list)
    verified: bool = False  # a curator verified one of its statements

    @property
    def id(self) -> str:
        """A stable id (``fact-`` and 10 hex digits): from the type, the sanction and the smallest
        key of its statements, so corrections, verifications and re-ingest of the same text keep it (a
        rejection of that very statement moves the fact to its next one)."""
        import hashlib
        import json

        first = min(statement_key(e) for _, e in self.statements)
        # (the sanction too: one sentence can state two sanctions, two facts with the same first key)
        sanction = json.dumps(self.sanction, sort_keys=True)
        return "fact-" + hashlib.sha1(f"{self.type}|{sanction}|{first}".encode()).hexdigest()[:10]

    @property
    def date(self) -> str | None:
        """The most precise date any statement gives."""
        dates = [e.date for _, e in self.statements if e.date]
        return max(dates, key=len) if dates else None

    @property
    def sort_key(self) -> str:
        """Date, or the earliest period of the documents stating it when no date is given."""
        if self.date:
            return self.date
        periods = [str(d.period) for d, _ in self.statements if d.period]
        return min(periods) if periods else "9999"

    @property
    def confidence(self) -> float | None:
        """The surest of its statements (None when stored before extraction measured confidence)."""
        values = [e.confidence for _, e in self.statements if e.confidence is not None]
        return max(values) if values else None

    @property
    def publishers(self) -> list[str]:
        """Distinct publishers stating the fact."""
        return sorted({d.publisher or "unknown" for d, _ in self.statements})

    @property
    def documents(self) -> list[str]:
        """Distinct documents stating the fact."""
        return sorted({d.id for d, _ in self.statements})

    @property
    def sanction(self) -> dict[str, Any] | None:
        """The sanction as stated first (conflicting statements are reported separately)."""
        return next((e.sanction.as_dict() for _, e in self.statements if e.sanction), None)

    @property
    def charge(self) -> str | None:
        """The longest charge any statement gives."""
        charges = [e.charge for _, e in self.statements if e.charge]
        return max(charges, key=len) if charges else None

    @property
    def place(self) -> str | None:
        """The first place any statement gives."""
        return next((e.place for _, e in self.statements if e.place), None)


@dataclass(frozen=True)
class Conflict:
    """Two statements that disagree about a detail, with both citations."""

    kind: str  # "date" | "sanction" | "charge" | "place" | "spelling"
    detail: str
    a: Statement | None
    b: Statement | None


@dataclass
class CaseFile:
    """Everything the reports say about one person, in order, with sources."""

    person: PersonRecord
    facts: list[Fact]
    conflicts: list[Conflict]
    status: str
    status_facts: list[Fact]

    @property
    def status_kind(self) -> str:
        """The status as one category for filters and counts: imprisoned, released, detained, died, ..."""
        return status_kind(self.status)


_KINDS = (
    "imprisoned",
    "released",
    "detained",
    "died",
    "sentenced in absentia",
    "facing extradition",
)


def status_kind(status: str) -> str:
    """The category a status sentence starts with (``"unknown"`` when nothing is known)."""
    for k in (*_KINDS, *_STATUS_WORDS.values()):
        if status.startswith(k):
            return k
    return status.split(" ", 1)[0] if status else "unknown"


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _kind(e: Event) -> str | None:
    return e.sanction.kind if e.sanction else None


def build_facts(statements: list[Statement]) -> list[Fact]:
    """Merge statements into facts (most precise dates first, so vaguer ones join them)."""
    facts: list[Fact] = []
    ordered = sorted(statements, key=lambda s: (-(len(s[1].date or "")), s[0].id, s[1].start))
    for doc, e in ordered:
        match = next(
            (
                f
                for f in facts
                if f.type == e.type
                and _kind(f.statements[0][1]) == _kind(e)
                and all(_compatible(x.date, e.date) for _, x in f.statements)
                and not _other_component(f, doc, e)
            ),
            None,
        )
        if match is None:
            match = Fact(e.type)
            facts.append(match)
        match.statements.append((doc, e))
    facts.sort(key=lambda f: (f.sort_key, f.type))
    return facts


def _other_component(fact: Fact, doc: DocumentSummary, e: Event) -> bool:
    """Whether the same document already states this fact with another sanction: then ``e`` is
    another component or another stage (a first sentence and a reduced one), not the same fact.
    Across documents, different sizes stay in one fact and are reported as a conflict."""
    mine = e.sanction.as_dict() if e.sanction else None
    return any(
        d.id == doc.id and (x.sanction.as_dict() if x.sanction else None) != mine
        for d, x in fact.statements
    )


def find_conflicts(person: PersonRecord, facts: list[Fact]) -> list[Conflict]:
    """Disagreements between sources: dates, sanction lengths or amounts, charges, places, spellings."""
    out: list[Conflict] = []
    for f in facts:
        stmts = [s for s in f.statements]
        for i in range(len(stmts)):
            for j in range(i + 1, len(stmts)):
                (da, a), (db, b) = stmts[i], stmts[j]
                if da.id == db.id:
                    continue
                if (
                    a.sanction
                    and b.sanction
                    and _differ(a.sanction.as_dict(), b.sanction.as_dict())
                ):
                    out.append(
                        Conflict(
                            "sanction",
                            f"{f.type}: {sanction_text(a.sanction.as_dict())} vs {sanction_text(b.sanction.as_dict())}",
                            stmts[i],
                            stmts[j],
                        )
                    )
                if a.charge and b.charge and _different_charges(a.charge, b.charge):
                    out.append(
                        Conflict(
                            "charge", f"{f.type}: “{a.charge}” vs “{b.charge}”", stmts[i], stmts[j]
                        )
                    )
                if a.place and b.place and a.place != b.place:
                    out.append(
                        Conflict("place", f"{f.type}: {a.place} vs {b.place}", stmts[i], stmts[j])
                    )
    # the same sanction dated differently by different sources ("a ban at the first verdict" vs "at the appeal")
    for i in range(len(facts)):
        for j in range(i + 1, len(facts)):
            fa, fb = facts[i], facts[j]
            # only a sanction identifies the same act across sources; two convictions may be two cases
            if (
                fa.type != fb.type
                or fa.type not in ("sentenced", "fined")
                or not (fa.date and fb.date and fa.sanction)
            ):
                continue
            if fa.sanction != fb.sanction or set(fa.documents) & set(fb.documents):
                continue
            out.append(
                Conflict(
                    "date",
                    f"{fa.type} ({sanction_text(fa.sanction)}): {fa.date} vs {fb.date}",
                    fa.statements[0],
                    fb.statements[0],
                )
            )
    # Spellings disagree within one script; a name in another script is a transliteration, and a
    # Russian case form ("Сергея Удальцова") is the same spelling in another case.
    from docket.resolve.morph import is_cyrillic

    by_script: dict[bool, set[str]] = {}
    for _, m in person.cluster.mentions:
        name = m.normal or m.text
        if " " in name:
            by_script.setdefault(is_cyrillic(name), set()).add(name)
    differing = [sorted(v) for v in by_script.values() if len(v) > 1]
    if differing:
        out.append(
            Conflict(
                "spelling",
                "the name is spelled " + "; ".join(" / ".join(v) for v in differing),
                None,
                None,
            )
        )
    return out


_UNITS = ("years", "months", "days", "hours")


def duration_text(s: dict[str, Any] | None) -> str:
    """A sanction's length in words: "7 years", "27 months", "3 years and 6 months", "4.5 years",
    "1 day" ("" when it states none)."""
    if not s:
        return ""
    parts = []
    for unit in _UNITS:
        n = s.get(unit)
        if n is None:
            continue
        parts.append(f"{n:g} {unit[:-1] if n == 1 else unit}")
    return " and ".join(parts)


def sanction_text(s: dict[str, Any] | None) -> str:
    """A sanction in words: "imprisonment, 7 years", "fine of 73,840 KZT", "3-year ban",
    "restricted freedom, 27 months", "administrative detention, 15 days"."""
    if not s:
        return ""
    kind = str(s["kind"]).replace("_", " ")
    length = duration_text(s)
    if s["kind"] == "fine":
        amount = s.get("amount")
        return (
            f"fine of {amount:,.0f} {s.get('currency') or ''}".strip()
            if amount is not None
            else "fine"
        )
    if s["kind"] == "ban":
        units = [u for u in _UNITS if s.get(u) is not None]
        if len(units) == 1 and float(s[units[0]]).is_integer():
            return f"{s[units[0]]:g}-{units[0][:-1]} ban"
        return f"ban of {length}" if length else "ban"
    return f"{kind}, {length}" if length else kind


def _differ(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Sanctions disagree when a field both state has different values (a missing amount is not a conflict)."""
    return any(a[k] != b[k] for k in a.keys() & b.keys())


def _different_charges(a: str, b: str) -> bool:
    """Charges disagree when neither contains the other and they share under a third of their words
    ("posting and disseminating false information" and "spreading false information" agree)."""
    na, nb = norm(a), norm(b)
    if na in nb or nb in na:
        return False
    wa, wb = set(na.split()), set(nb.split())
    return len(wa & wb) / len(wa | wb) < 0.3


_STATUS_WORDS = {
    "asylum_denied": "asylum refused",
    "sentenced": "sentenced",
    "appeal_upheld": "appeal rejected (verdict upheld)",
    "appeal_changed": "verdict changed on appeal",
    "convicted": "convicted",
    "charged": "charged",
    "fined": "fined",
    "harassed": "harassed",
    "ill_treatment": "ill-treated",
    "death": "died",
    "acquitted": "acquitted",
    "other": "other development",
}


def derive_status(facts: list[Fact]) -> tuple[str, list[Fact]]:
    """The last known situation, and the facts it rests on."""
    custody = {"detained", "transferred", "extradition", "hunger_strike"}
    last_release = next((f for f in reversed(facts) if f.type in ("released", "acquitted")), None)
    prison = next(
        (
            f
            for f in reversed(facts)
            if f.type == "sentenced" and f.sanction and f.sanction.get("kind") == "imprisonment"
        ),
        None,
    )
    latest = facts[-1] if facts else None
    reported = _last_reported(facts)
    death = next((f for f in reversed(facts) if f.type == "death"), None)
    if death:
        return f"died {death.date or ''}{reported}".replace("  ", " "), [death]
    if prison and any("in absentia" in e.quote for _, e in prison.statements):
        term = duration_text(prison.sanction) or "an unstated term"
        return f"sentenced in absentia to {term} {prison.date or ''}{reported}".replace(
            "  ", " "
        ), [prison]
    if prison and (last_release is None or last_release.sort_key < prison.sort_key):
        end = _expected_end(prison)
        later = [f for f in facts if f.sort_key > prison.sort_key and f.type in custody]
        term = duration_text(prison.sanction) or "of unstated length"
        return (
            f"imprisoned since {prison.date or 'an unknown date'}, sentence {term}{end}{reported}",
            [prison, *later],
        )
    if (
        last_release
        and latest
        and (latest is last_release or latest.sort_key <= last_release.sort_key)
    ):
        how = " on parole" if any("parole" in e.quote for _, e in last_release.statements) else ""
        return f"released{how} {last_release.date or ''}{reported}".replace("  ", " "), [
            last_release
        ]
    if latest and latest.type == "extradition":
        return f"facing extradition (last step {latest.date or 'undated'}){reported}", [latest]
    if latest and latest.type in custody:
        return f"detained since {latest.date or 'an unknown date'}{reported}", [latest]
    if latest:
        words = _STATUS_WORDS.get(latest.type, latest.type)
        if (
            latest.type in ("fined", "sentenced") and latest.sanction
        ):  # "fined (fine of 73,840 KZT)"
            words = f"{words} ({sanction_text(latest.sanction)})"
        return f"{words} {latest.date or ''}{reported}".replace("  ", " "), [latest]
    return "unknown", []


def _expected_end(prison: Fact) -> str:
    """ " (expected end 2031-08)" from the sentence's date and whole years or months ("" otherwise)."""
    s, when = prison.sanction or {}, prison.date
    years, months = s.get("years") or 0, s.get("months") or 0
    if (
        not when
        or s.get("days")
        or s.get("hours")
        or not float(years).is_integer()
        or not (years or months)
    ):
        return ""
    if len(when) == 4:  # a year only: the end is a year, when the term is whole years
        if months:
            return ""
        end = f"{int(when) + int(years):04d}"
    else:
        total = int(when[:4]) * 12 + int(when[5:7]) - 1 + int(years) * 12 + int(months)
        end = f"{total // 12:04d}-{total % 12 + 1:02d}"
    past = ", now past: no later report" if end < date.today().isoformat()[:7] else ""
    return f" (expected end {end}{past})"


def _last_reported(facts: list[Fact]) -> str:
    docs = [d for f in facts for d, _ in f.statements]
    if not docs:
        return ""
    last = max(docs, key=lambda d: d.period or 0)
    return f" — last reported {last.period} by {last.publisher or 'unknown'}"


def case_file(person: PersonRecord) -> CaseFile:
    """The case file of one person."""
    facts = build_facts(list(person.events))
    for f in facts:
        f.verified = any(statement_key(e) in person.verified for _, e in f.statements)
    # An official acting for the state (head of state, minister, judge, police) is named beside the
    # acts they order or preside over; those statements never give them a custody or death status.
    status_facts = (
        [f for f in facts if f.type not in _OFFICIAL_EXCLUDED] if person.side == "state" else facts
    )
    # A status rests only on facts stated with enough confidence (or verified by a curator).
    status_facts = [
        f
        for f in status_facts
        if f.verified or f.confidence is None or f.confidence >= STATUS_MIN_CONFIDENCE
    ]
    status, rests_on = derive_status(status_facts)
    if person.side == "state" and status == "unknown":
        status = "official (no status: acts they ordered or presided over are not their own)"
    return CaseFile(person, facts, find_conflicts(person, facts), status, rests_on)


# Facts below this confidence are shown, marked, but never decide a status (how confidence relates
# to correctness on the development gold: bench/RESULTS.md, "Extraction redesign").
STATUS_MIN_CONFIDENCE = 0.5

_OFFICIAL_EXCLUDED = frozenset(
    {
        "detained",
        "transferred",
        "extradition",
        "hunger_strike",
        "sentenced",
        "convicted",
        "death",
        "charged",
        "fined",
        "released",
        "acquitted",
        "appeal_upheld",
        "appeal_changed",
    }
)


def case_files(records: list[PersonRecord]) -> list[CaseFile]:
    """Case files for many persons."""
    return [case_file(p) for p in records]


@dataclass(frozen=True)
class YearDiff:
    """What changed between the reports on two years, and which reports each side is."""

    new: list[CaseFile]  # named in the later year's reports only
    continuing: list[
        tuple[CaseFile, list[Fact]]
    ]  # named in both; with the facts the later reports add
    dropped: list[CaseFile]  # named in the earlier year's reports only
    reports_from: list[DocumentSummary] = field(
        default_factory=list
    )  # the reports covering the earlier year
    reports_to: list[DocumentSummary] = field(default_factory=list)
    warnings: list[str] = field(
        default_factory=list
    )  # a side too thin to read "new" or "no longer" literally


def _thin_side(year: int, reports: list[DocumentSummary], where: str) -> list[str]:
    publishers = sorted({d.publisher or "an unknown publisher" for d in reports})
    if not reports:
        return [
            f"no report covers {year}{where}: every person of the other year looks new or no longer mentioned"
        ]
    if len(reports) == 1:
        return [
            f"only one report covers {year}{where} ({publishers[0]}): 'no longer mentioned' and 'new' "
            f"mean only 'not in that one report'"
        ]
    if len(publishers) == 1:
        return [
            f"every report on {year}{where} is by {publishers[0]}: a person another publisher follows can "
            f"look new or no longer mentioned"
        ]
    return []


def year_diff(
    records: list[PersonRecord],
    *,
    start: int,
    end: int,
    country: str | None = None,
    documents: list[DocumentSummary] | None = None,
) -> YearDiff:
    """Compare the persons named in reports covering ``start`` with those covering ``end``.

    ``documents`` (default: those naming any of ``records``) tell which reports each side holds;
    a side of one report, or of one publisher, gets a warning. A reversed or empty range is refused.
    """
    if start >= end:
        raise CaseQueryError(
            f"the years to compare are {start} and {end}", hint="--from is the earlier year"
        )

    def covers(d: DocumentSummary, year: int) -> bool:
        return d.period == year and (country is None or same_country(d.country, country))

    def periods(p: PersonRecord) -> set[int]:
        return {
            d.period
            for d in p.documents
            if d.period and (country is None or same_country(d.country, country))
        }

    docs = (
        documents
        if documents is not None
        else list({d.id: d for p in records for d in p.documents}.values())
    )
    side_from = sorted(
        (d for d in docs if covers(d, start)), key=lambda d: (d.publisher or "", d.title or "")
    )
    side_to = sorted(
        (d for d in docs if covers(d, end)), key=lambda d: (d.publisher or "", d.title or "")
    )
    where = f" on {country}" if country else ""
    new, continuing, dropped = [], [], []
    for p in records:
        seen = periods(p)
        if end in seen and start not in seen:
            new.append(case_file(p))
        elif start in seen and end in seen:
            case = case_file(p)
            added = [f for f in case.facts if {d.period for d, _ in f.statements} == {end}]
            continuing.append((case, added))
        elif start in seen:
            dropped.append(case_file(p))
    return YearDiff(
        new,
        continuing,
        dropped,
        side_from,
        side_to,
        _thin_side(start, side_from, where) + _thin_side(end, side_to, where),
    )


@dataclass(frozen=True)
class CaseFilter:
    """Which case files to list; ``None`` means no filter. Text filters are case-insensitive.

    ``event``, ``date_from`` and ``date_to`` ask for a fact of that type (any type when ``event``
    is None) dated within the range; a partial date ("2024-05") is in the range when any of its
    days is. ``min_publishers`` / ``max_publishers`` count the independent publishers of the
    person's facts (``max_publishers=1``: single-source cases).
    """

    country: str | None = None
    year: int | None = None  # named in a report covering this year
    publisher: str | None = None  # substring of a publisher naming the person
    status: str | None = None  # substring of the status sentence ("imprisoned", "released")
    topic: str | None = None  # named in a paragraph tagged with this topic id
    name: str | None = None  # substring of any spelling
    event: str | None = None  # a fact of this type (detained, sentenced, ...)
    date_from: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str | None = None
    side: str | None = None  # target | state | other
    role: str | None = None  # words of the role phrase ("journalist")
    min_publishers: int | None = None
    max_publishers: int | None = None
    last_reported: int | None = None  # the latest report naming the person covers this year

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and not _ISO_DATE.match(value):
                raise CaseQueryError(f"{value!r} is not a date", hint="YYYY, YYYY-MM or YYYY-MM-DD")
        if (
            self.date_from
            and self.date_to
            and _day_range(self.date_from)[0] > _day_range(self.date_to)[1]
        ):
            raise CaseQueryError(f"the date range {self.date_from} to {self.date_to} is reversed")
        if self.side is not None and self.side not in SIDES:
            raise CaseQueryError(f"unknown side {self.side!r}", hint="one of " + ", ".join(SIDES))
        if self.event is not None and self.event not in EVENT_TYPES:
            raise CaseQueryError(
                f"unknown event type {self.event!r}", hint="one of " + ", ".join(EVENT_TYPES)
            )
        if (
            self.min_publishers is not None
            and self.max_publishers is not None
            and self.min_publishers > self.max_publishers
        ):
            raise CaseQueryError("--min-publishers is above --max-publishers")


SIDES = ("target", "state", "other")
EVENT_TYPES = (
    "detained",
    "charged",
    "convicted",
    "sentenced",
    "fined",
    "acquitted",
    "released",
    "appeal_upheld",
    "appeal_changed",
    "transferred",
    "extradition",
    "ill_treatment",
    "death",
    "harassed",
    "hunger_strike",
    "asylum_denied",
    "other",
)
_ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _day_range(d: str) -> tuple[str, str]:
    """The first and last day a partial date covers (as ISO strings, comparable as text)."""
    if len(d) == 4:
        return f"{d}-01-01", f"{d}-12-31"
    if len(d) == 7:
        return f"{d}-01", f"{d}-31"
    return d, d


def _dated_within(f: Fact, start: str | None, end: str | None) -> bool:
    if not f.date:
        return False
    a, b = _day_range(f.date)
    return (start is None or b >= _day_range(start)[0]) and (end is None or a <= _day_range(end)[1])


def case_publishers(c: CaseFile) -> list[str]:
    """The independent publishers whose statements make up the case's facts."""
    return sorted({p for f in c.facts for p in f.publishers})


def select_cases(
    records: list[PersonRecord],
    where: CaseFilter,
    topics: Callable[[str], dict[int, tuple[str, ...]]] | None = None,
) -> list[CaseFile]:
    """Case files of the persons matching ``where``; ``topics(document_id)`` gives paragraph topics."""
    from docket.resolve.fold import name_key

    key = name_key(where.name) if where.name else None
    out = []
    for p in records:
        docs = p.documents
        if where.country and not any(same_country(d.country, where.country) for d in docs):
            continue
        if where.year is not None and not any(d.period == where.year for d in docs):
            continue
        if where.publisher and not any(
            where.publisher.casefold() in (d.publisher or "").casefold() for d in docs
        ):
            continue
        if key and not any(key in name_key(f) for f in p.cluster.forms):
            continue
        if where.side and p.side != where.side:
            continue
        if where.role and where.role.casefold() not in (p.role or "").casefold():
            continue
        if (
            where.last_reported is not None
            and max((d.period or 0 for d in docs), default=0) != where.last_reported
        ):
            continue
        if where.topic:
            if topics is None or not any(
                where.topic in topics(doc).get(m.paragraph, ()) for doc, m in p.cluster.mentions
            ):
                continue
        case = case_file(p)
        if where.status and where.status.casefold() not in case.status.casefold():
            continue
        if where.event or where.date_from or where.date_to:
            facts = [f for f in case.facts if where.event is None or f.type == where.event]
            if where.date_from or where.date_to:
                facts = [f for f in facts if _dated_within(f, where.date_from, where.date_to)]
            if not facts:
                continue
        n = len(case_publishers(case))
        if (where.min_publishers is not None and n < where.min_publishers) or (
            where.max_publishers is not None and n > where.max_publishers
        ):
            continue
        out.append(case)
    return out


SORTS = ("name", "status", "side", "facts", "publishers", "documents", "last_report", "last_event")


def sort_cases(
    cases: list[CaseFile], by: str = "documents", descending: bool | None = None
) -> list[CaseFile]:
    """``cases`` sorted by a column of the list; counts and dates sort largest or latest first
    unless ``descending`` is False, names and statuses A to Z unless it is True."""
    if by not in SORTS:
        raise CaseQueryError(f"cannot sort by {by!r}", hint="one of " + ", ".join(SORTS))
    keys = {
        "name": lambda c: c.person.cluster.canonical.casefold(),
        "status": lambda c: c.status.casefold(),
        "side": lambda c: c.person.side,
        "facts": lambda c: len(c.facts),
        "publishers": lambda c: len(case_publishers(c)),
        "documents": lambda c: (len(c.person.documents), len(c.facts)),
        "last_report": lambda c: max((d.period or 0 for d in c.person.documents), default=0),
        "last_event": lambda c: max((f.sort_key for f in c.facts), default=""),
    }
    textual = by in ("name", "status", "side")
    reverse = (not textual) if descending is None else descending
    return sorted(cases, key=keys[by], reverse=reverse)

"""Russian events: the English event types from Russian wording (``data/events_ru.json``).

Per sentence (razdel's, from the Russian parse), every cue that fires gives an event to each
person the sentence names, except a name preceded by an official's title ("судья", "начальник
ОВД"): officials act, they are not the subjects of these events. Dates ("1 апреля 2012 года", "в
апреле", "13.08.2012", "в 2013 году") resolve against the report's period; sanctions ("арест на 15
суток", "штраф 10 тысяч рублей", "к двум годам условно") and charges ("ч. 2 ст. 116 УК", "ст. 20.2
КоАП") are read from the same sentence. Counting follows the English rules: a sentence or a fine
also states a conviction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from docket.models import Document, Event, Mention, Sanction

_COUNTED = re.compile(
    r"\s+(?:более\s+|около\s+|не менее\s+)?\d+\s+(?:человек|активист|участник|журналист)", re.I
)
_CHARGE = re.compile(
    r"(?:ч\.\s*\d+\s*)?ст\.\s*\d+(?:\.\d+)*(?:\s*ч\.\s*\d+)?\s*(?:УК|КоАП|УПК)(?:\s*РФ|\s*РК)?",
    re.I,
)


@dataclass(frozen=True)
class _Rules:
    triggers: dict[str, tuple[re.Pattern[str], ...]]
    state_words: frozenset[str]
    months: tuple[str, ...]
    units: dict[str, str]
    numbers: dict[str, float]


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The cue data, compiled once."""
    raw = json.loads(resources.files("docket.data").joinpath("events_ru.json").read_text("utf-8"))
    return _Rules(
        {k: tuple(re.compile(p, re.I) for p in v) for k, v in raw["triggers"].items()},
        frozenset(raw["state_words"]),
        tuple(raw["months"]),
        raw["units"],
        raw["numbers"],
    )


def _month(word: str) -> int | None:
    w = word.lower()
    months = rules().months
    for i, stem in enumerate(months):
        if i == 4:  # "мая", "мае", "май": the stem "ма" alone would match any word
            if w in {"мая", "мае", "май"}:
                return 5
            continue
        if w.startswith(stem):
            return i + 1
    return None


_DATE = re.compile(
    r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b|"
    r"\b(?P<day>\d{1,2})\s+(?P<month>[а-яё]+)(?:\s+(?P<year>\d{4})\s*(?:года|г\.)?)?|"
    r"\bв\s+(?P<month2>[а-яё]+)(?:\s+(?P<year2>\d{4})\s*года)?|"
    r"\bв\s+(?P<year3>\d{4})\s*(?:году|г\.)",
    re.I,
)


def find_dates_ru(sentence: str, period: int | None) -> list[tuple[int, str]]:
    """(position, ISO date) of each date in a Russian sentence; a date without a year takes the
    report's period."""
    out: list[tuple[int, str]] = []
    for m in _DATE.finditer(sentence):
        if m.group("y"):
            out.append(
                (
                    m.start(),
                    f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}",
                )
            )
        elif m.group("month"):
            month = _month(m.group("month"))
            year = int(m.group("year")) if m.group("year") else period
            if month and year and 1 <= int(m.group("day")) <= 31:
                out.append((m.start(), f"{year:04d}-{month:02d}-{int(m.group('day')):02d}"))
        elif m.group("month2"):
            month = _month(m.group("month2"))
            year = int(m.group("year2")) if m.group("year2") else period
            if month and year:
                out.append((m.start(), f"{year:04d}-{month:02d}"))
        elif m.group("year3"):
            out.append((m.start(), m.group("year3")))
    return out


def _number(word: str) -> float | None:
    if re.fullmatch(r"\d+(?:[.,]\d+)?", word):
        return float(word.replace(",", "."))
    w = word.lower()
    return next(
        (
            v
            for stem, v in sorted(rules().numbers.items(), key=lambda kv: -len(kv[0]))
            if w.startswith(stem)
        ),
        None,
    )


_TERM = re.compile(r"(?P<n>\d+|[а-яё]+)\s+(?P<u>сут\w*|дн\w*|час\w*|месяц\w*|лет|год\w*)", re.I)
_FINE = re.compile(
    r"штраф\w*\s+(?:в размере\s+)?(?:на\s+)?(?P<n>\d[\d\s]*)\s*(?P<k>тысяч\w*|тыс\.)?\s*(?:рубл|руб)",
    re.I,
)
_FINE2 = re.compile(
    r"оштрафован\w*\s+на\s+(?P<n>\d[\d\s]*)\s*(?P<k>тысяч\w*|тыс\.)?\s*(?:рубл|руб)", re.I
)


def find_sanctions_ru(sentence: str) -> list[Sanction]:
    """Sanction components of a Russian sentence: administrative arrest in days, fines in roubles,
    prison or suspended terms."""
    out: list[Sanction] = []
    for rx in (_FINE, _FINE2):
        for m in rx.finditer(sentence):
            amount = float(m.group("n").replace(" ", "")) * (1000 if m.group("k") else 1)
            out.append(Sanction("fine", amount=amount, currency="RUB", start=m.start()))
    for m in _TERM.finditer(sentence):
        n = _number(m.group("n"))
        if n is None:
            continue
        unit = next(
            (v for k, v in rules().units.items() if m.group("u").lower().startswith(k)), None
        )
        after = sentence[m.end() : m.end() + 40].lower()
        before = sentence[max(0, m.start() - 40) : m.start()].lower()
        if (
            unit is None
            or "назад" in after[:10]
            or not re.search(r"приговор|арест|к\s*$|на\s*$|срок", before + " ")
        ):
            continue
        if unit == "days" or "арест" in before + after[:20]:
            kind = "detention"
        elif "условн" in after[:20] or "условн" in before:
            kind = "suspended"
        else:
            kind = "imprisonment"
        field = {"days": "days", "hours": "hours", "months": "months", "years": "years"}[unit]
        value: Any = int(n) if field in {"days", "hours", "months"} else n
        out.append(Sanction(kind, **{field: value}, start=m.start()))
    return out


def find_charge_ru(sentence: str) -> str | None:
    """The article a sentence charges under, as printed ("ч. 2 ст. 116 УК")."""
    m = _CHARGE.search(sentence)
    return m.group(0).strip() if m else None


def find_events_ru(
    doc: Document,
    mentions: list[Mention],
    sentences: list[tuple[int, int, int]],
    cases: dict[int, str | None] | None = None,
) -> list[Event]:
    """Events of a Russian document: ``sentences`` are (paragraph, start, end) offsets into ``doc.text``;
    ``cases`` (mention start -> pymorphy3 case, as the tagger read it) keep names that are not the
    subject or object of the act out: "в адрес Путина", "вместе с Ивановым", "Иванову сообщили"."""
    cases = cases or {}
    r = rules()
    out: list[Event] = []
    text = doc.text
    for paragraph, s, e in sentences:
        sentence = text[s:e]
        kinds = {}
        for kind, rxs in r.triggers.items():
            # "были задержаны 39 человек": a count of detainees, not the people the sentence names
            hits = [
                m.start()
                for rx in rxs
                for m in rx.finditer(sentence)
                if not (kind == "detained" and _COUNTED.match(sentence, m.end()))
            ]
            if hits:
                kinds[kind] = min(hits)
        if not kinds:
            continue
        people = [m for m in mentions if s <= m.start and m.end <= e and not _official(text, m, s)]
        if not people:
            continue
        sanctions = find_sanctions_ru(sentence)
        if "sentenced" in kinds and not sanctions:
            kinds.pop("sentenced")
        if any(x.kind == "fine" for x in sanctions):
            kinds.setdefault("fined", min(x.start for x in sanctions if x.kind == "fine"))
        if "sentenced" in kinds or "fined" in kinds:
            kinds.setdefault("convicted", kinds.get("sentenced", kinds.get("fined", 0)))
        if (
            "sentenced" in kinds
            and "detained" in kinds
            and any(x.kind == "detention" for x in sanctions)
        ):
            kinds.pop("detained")  # "арестован на 15 суток" is the sentence, not a police detention
        dates = find_dates_ru(sentence, doc.metadata.period)
        charge = find_charge_ru(sentence)
        seen: set[tuple[str, str]] = set()
        for person in people:
            who = (
                person.parts().surname or person.name
            )  # "Сергей Удальцов ... Удальцов": one person, once
            for kind, at in sorted(kinds.items(), key=lambda kv: kv[1]):
                if (who, kind) in seen or not _may_be_subject(
                    text, person, cases.get(person.start), kind
                ):
                    continue
                seen.add((who, kind))
                date = _nearest(dates, at)
                if kind == "sentenced":
                    for x in [x for x in sanctions if x.kind != "fine"]:
                        out.append(
                            Event(
                                doc.id,
                                paragraph,
                                s,
                                e,
                                person,
                                kind,
                                date,
                                charge,
                                x,
                                sentence,
                                confidence=round(0.7 * (person.confidence or 1.0), 2),
                            )
                        )
                    continue
                sanction = (
                    next((x for x in sanctions if x.kind == "fine"), None)
                    if kind == "fined"
                    else None
                )
                out.append(
                    Event(
                        doc.id,
                        paragraph,
                        s,
                        e,
                        person,
                        kind,
                        date,
                        charge if kind != "released" else None,
                        sanction,
                        sentence,
                        confidence=round(0.7 * (person.confidence or 1.0), 2),
                    )
                )
    return out


_OBLIQUE = {"gent", "datv", "ablt", "loct"}
# Before a name in the genitive, words that make it the one the act is about ("дело в отношении
# Иванова", "дела на Петрова", "задержание Сидорова").
_ABOUT = re.compile(
    r"(в отношении|на|задержани[ея]|арест[а]?|обвинени[ея]|избиени[ея]|освобождени[ея])\s*$", re.I
)


def _may_be_subject(text: str, m: Mention, case: str | None, kind: str) -> bool:
    """Whether the name's case lets it be who the act happened to: the nominative and accusative
    always; the dative for what is given to someone (a charge, a sentence, a fine: "предъявлено
    обвинение Иванову"); another oblique case only after a word that says the act is about it
    ("дела на Петрова и ... Сидорова", "в отношении Иванова")."""
    if case not in _OBLIQUE:
        return True
    if case == "datv" and kind in {"charged", "convicted", "sentenced", "fined"}:
        return True
    before = text[max(0, m.start - 80) : m.start]
    before = re.split(r"[.;:!?()]", before)[-1]
    return bool(
        _ABOUT.search(before.rstrip(" ,"))
        or re.search(r"(в отношении|\bна)\s+(?:[\w“”«»\"-]+[\s,]+){0,8}$", before, re.I)
    )


def _official(text: str, m: Mention, sentence_start: int) -> bool:
    """Whether the name follows an official's title ("начальник ОВД Никитин")."""
    before = text[max(sentence_start, m.start - 40) : m.start].lower().split()
    return any(w.strip(',.«»"') in rules().state_words for w in before[-3:])


def _nearest(dates: list[tuple[int, str]], at: int) -> str | None:
    """The date closest before the cue, else the first after it (a sentence-initial date governs)."""
    before = [d for d in dates if d[0] <= at]
    if before:
        return before[-1][1]
    return dates[0][1] if dates else None

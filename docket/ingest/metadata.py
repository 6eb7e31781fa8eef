"""Document metadata: inferred from the text, then overridden by sidecars, manifests and flags.

Inference order for each field (first hit wins):

* publisher: a *strong* signature of a publisher's own report format near the
  top (``data/publishers.json``); else the most-mentioned publisher; else None.
* period (the year the events cover): the publisher's period signatures
  ("Events of 2025", "World Report 2017" -> 2016); else a year in the title
  line; else, for texts that call the covered year "the year" (State
  Department style), the latest year mentioned in a past context; else the
  most-mentioned year.
* country: a country named in the title line; else the most-mentioned country.
* title: the report's own title line when it names the country; else the
  publisher's title template; else the reader's title hint; else the first line.

Overrides: ``NAME.meta.json`` beside the file, then a ``manifest.csv`` or
``MANIFEST.tsv`` in the folder (columns ``file, publisher, country,
period|year_covered, title, url, published, accessed``), then explicit values (CLI
flags). The source fields (``url``, ``published``, ``accessed``) are never inferred: they
are what a citation's reference names, and only the person who fetched the report knows them.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from docket.errors import BadMetadata
from docket.models import Metadata, ReadResult

_YEAR = re.compile(r"(?<![\d/.-])(19[5-9]\d|20\d\d)(?![\d/])")
_FUTURE_BEFORE = re.compile(
    r"\b(until|by|before|till|through)\s+(early |late |mid-?)?([A-Z][a-z]+\s+)?$", re.I
)
_FUTURE_WORDS = re.compile(
    r"\b(will|would|shall|plans? to|planned|scheduled|expected|due to|postponed|deadline|next year)\b",
    re.I,
)
_RANGE_END = re.compile(r"[-–/]\s*$")
_PUBLISHER_FAMILIES = {
    "amnesty": "Amnesty International",
    "human rights watch": "Human Rights Watch",
    "hrw": "Human Rights Watch",
    "state": "US Department of State",
    "civicus": "IPHR/KIBHR (CIVICUS Monitor)",
    "iphr": "IPHR/KIBHR (CIVICUS Monitor)",
    "freedom house": "Freedom House",
}


@dataclass(frozen=True)
class _Publisher:
    name: str
    strong: tuple[re.Pattern[str], ...]
    weak: tuple[re.Pattern[str], ...]
    period: tuple[tuple[re.Pattern[str], int], ...]
    title: str | None


@lru_cache(maxsize=1)
def _publishers() -> tuple[_Publisher, ...]:
    raw = json.loads(resources.files("docket.data").joinpath("publishers.json").read_text("utf-8"))
    out = []
    for p in raw["publishers"]:
        out.append(
            _Publisher(
                name=p["name"],
                strong=tuple(re.compile(x, re.M) for x in p["strong"]),
                weak=tuple(re.compile(x, re.I) for x in p["weak"]),
                period=tuple((re.compile(r["pattern"]), int(r["offset"])) for r in p["period"]),
                title=p["title"],
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _countries() -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex matching any country name or alias, and alias -> canonical name."""
    import pycountry

    raw = json.loads(resources.files("docket.data").joinpath("countries.json").read_text("utf-8"))
    to_canon: dict[str, str] = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        for n in {c.name, name, getattr(c, "official_name", c.name)}:
            to_canon[n.casefold()] = name
    for canon, aliases in raw["canonical"].items():
        for n in [canon, *aliases]:
            to_canon[n.casefold()] = canon
    for alias, canon in list(to_canon.items()):
        if canon.casefold() in to_canon and to_canon[canon.casefold()] != canon:
            to_canon[alias] = to_canon[canon.casefold()]
    names = sorted(
        {n for n in to_canon if len(n) > 3 or n in {"uk", "usa", "drc"}}, key=len, reverse=True
    )
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.I)
    return pattern, to_canon


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """docket's canonical country names."""
    return frozenset(_countries()[1].values())


def canonical_country(name: str | None) -> str | None:
    """Normalise a country name or alias ("KAZAKSTAN", "Russian Federation") to docket's canonical name."""
    if not name:
        return None
    _, to_canon = _countries()
    key = " ".join(name.split()).casefold()
    return to_canon.get(
        key, " ".join(name.split()).title() if name.isupper() else " ".join(name.split())
    )


def same_country(stored: str | None, asked: str) -> bool:
    """Whether a stored country is the one a user asked for, through aliases ("Kyrgyz Republic"
    is Kyrgyzstan, "Russian Federation" is Russia) and case."""
    if not stored:
        return False
    return (canonical_country(stored) or "").casefold() == (
        canonical_country(asked) or ""
    ).casefold()


def lookup_country(name: str) -> str | None:
    """The canonical country a heading names, or ``None`` when it names none: handles book forms
    such as "CONGO (DEMOCRATIC REPUBLIC OF THE)", "SERBIA (INCLUDING KOSOVO)", "KOREA (REPUBLIC OF)"
    and "ISRAEL AND THE OCCUPIED PALESTINIAN TERRITORIES"."""
    _, to_canon = _countries()
    text = " ".join(name.replace("’", "'").split()).casefold()
    tries = [text]
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
    if m:
        outer, inner = m.groups()
        if inner.startswith(("including", "and ")):
            tries.append(outer)
        else:
            tries += [f"{inner} {outer}", f"{inner.removesuffix(' the')} the {outer}", outer]
    m = re.fullmatch(r"(.+?) and the occupied .+", text)
    if m:
        tries.append(m[1])
    if "/" in text:  # "MOROCCO/ WESTERN SAHARA": the state the chapter is filed under comes first
        tries += [part.strip() for part in text.split("/")]
    return next((to_canon[t] for t in tries if t in to_canon), None)


def canonical_publisher(name: str | None) -> str | None:
    """Map a publisher string to docket's publisher name when it is one of the known families."""
    if not name:
        return None
    low = name.casefold()
    for key, canon in _PUBLISHER_FAMILIES.items():
        if key in low and not (key == "state" and "states" in low and "department" not in low):
            return canon
    return name.strip()


def infer_metadata(result: ReadResult) -> Metadata:
    """Infer publisher, country, period and title from a reader's result."""
    text = result.text
    blocks = [text[b.start : b.end] for b in result.blocks]
    body = "\n".join(blocks)[:_SCAN]
    head = body[:4000]
    title_line = _title_line(result)
    hint = _clean_hint(result.title_hint)
    publisher = _infer_publisher(f"{title_line or ''}\n{head}\n{text[:4000]}", body, hint)
    country = _infer_country(title_line, hint, body)
    period = _infer_period(publisher, head, hint, title_line, body)
    title = _infer_title(publisher, title_line, hint, country, period, blocks)
    from docket.ingest.language import detect_language

    language, _ = detect_language(text)
    return Metadata(
        publisher=publisher.name if publisher else None,
        country=country,
        period=period,
        title=title,
        sources=(
            *((f, "inferred") for f in ("publisher", "country", "period", "title")),
            *((("language", "detected"),) if language else ()),
        ),
        language=language,
    )


def language_code(value: str, where: str) -> str:
    """The ISO 639-1 code of a language given as a code ("ru", "rus") or a name ("Russian")."""
    import pycountry

    text = value.strip()
    low = text.lower()
    # codes first: a lookup by any field takes "en" for the language named "En"
    found = (
        pycountry.languages.get(alpha_2=low)
        if len(low) == 2
        else pycountry.languages.get(alpha_3=low) or pycountry.languages.get(bibliographic=low)
        if len(low) == 3
        else None
    )
    if found is None:
        try:
            found = pycountry.languages.lookup(text)
        except LookupError:
            found = None
    code = getattr(found, "alpha_2", None) if found else None
    if not code:
        raise BadMetadata(
            f"language must be a language code or name (ru, en, Kazakh), got {value!r}", path=where
        )
    return str(code)


_SCAN = 500_000  # characters of the body read for counts (countries, years): a long report says it earlier


def _title_line(result: ReadResult) -> str | None:
    """The report's own title: the first block, if it is short and names a country."""
    for b in result.blocks[:3]:
        if b.end - b.start > 1000:  # a paragraph, not a title (and a slow regex scan on a huge one)
            continue
        s = " ".join(result.text[b.start : b.end].split())
        if (
            len(s) <= 160
            and not s.endswith((".", "!", "?"))
            and _countries()[0].search(s)
            and len(s.split()) > 1
        ):
            return s
    if result.format == "flattened-web" and result.blocks:
        first_line = result.text[: result.blocks[0].start]
        cut = first_line.split(" | ")[0]
        if len(cut) <= 160 and _countries()[0].search(cut):
            return cut.strip()
    return None


def _clean_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    return re.split(r"\s+[|–—]\s+", hint)[0].strip() or None


def _infer_publisher(head: str, body: str, hint: str | None) -> _Publisher | None:
    probe = f"{hint or ''}\n{head}"
    for p in _publishers():
        if any(rx.search(probe) for rx in p.strong):
            return p
    counts = Counter({p.name: sum(len(rx.findall(body)) for rx in p.weak) for p in _publishers()})
    name, n = counts.most_common(1)[0]
    return next(p for p in _publishers() if p.name == name) if n >= 2 else None


def _infer_country(title_line: str | None, hint: str | None, body: str) -> str | None:
    pattern, to_canon = _countries()
    for s in (title_line, hint):
        if s and (m := pattern.search(s)):
            return to_canon[m.group(1).casefold()]
    # Reports name their subject first: the first country in the opening lines wins.
    if m := pattern.search(body[:1500]):
        return to_canon[m.group(1).casefold()]
    counts = Counter(to_canon[m.group(1).casefold()] for m in pattern.finditer(body))
    return counts.most_common(1)[0][0] if counts else None


def _infer_period(
    p: _Publisher | None, head: str, hint: str | None, title_line: str | None, body: str
) -> int | None:
    probe = f"{hint or ''}\n{title_line or ''}\n{head}"
    for pub in [p] if p else []:
        for rx, offset in pub.period:
            if m := rx.search(probe):
                return int(m.group(1)) + offset
    for s in (title_line, hint):
        if s and (m := re.search(r"\b(19[5-9]\d|20\d\d)\s*$", s)):
            return int(m.group(1))
    past: Counter[int] = Counter()
    for m in _YEAR.finditer(body):
        before = body[max(0, m.start() - 25) : m.start()]
        if _RANGE_END.search(before) or _FUTURE_BEFORE.search(before):
            continue
        sentence = body[
            max(0, body.rfind(".", 0, m.start()) + 1) : body.find(".", m.end()) % (len(body) + 1)
        ]
        if _FUTURE_WORDS.search(sentence):
            continue
        past[int(m.group(1))] += 1
    if not past:
        return None
    # Reports date other years explicitly and leave the covered year implicit ("in May",
    # "during the year"), so the latest year stated in a past context is the covered year.
    return max(past)


def _infer_title(
    p: _Publisher | None,
    title_line: str | None,
    hint: str | None,
    country: str | None,
    period: int | None,
    blocks: list[str],
) -> str | None:
    templated = None
    if p and p.title and country and period:
        templated = p.title.format(period=period, next=period + 1, country=country)
    # A report whose own format fixes its title (World Report, Country Reports) gets the canonical form.
    if templated and p and p.name in ("Human Rights Watch", "US Department of State"):
        return templated
    if title_line:
        return title_line
    if hint:
        return hint
    if templated:
        return templated
    return " ".join(blocks[0].split())[:160] if blocks else None


# --- overrides --------------------------------------------------------------------------------

_FIELDS = ("publisher", "country", "period", "title", "url", "published", "accessed", "language")
# Other names the same columns or keys go by in manifests and sidecars.
_SYNONYMS = {
    "year_covered": "period",
    "source_url": "url",
    "link": "url",
    "publication_date": "published",
    "date_published": "published",
    "access_date": "accessed",
    "date_accessed": "accessed",
    "retrieved": "accessed",
    "lang": "language",
}

_NOT_ATTRIBUTES = frozenset({"file", "source", *_FIELDS, *_SYNONYMS})
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _aliased(values: dict[str, object]) -> dict[str, object]:
    """``values`` with synonym keys renamed (a field given under its own name wins)."""
    out = dict(values)
    for alias, name in _SYNONYMS.items():
        if out.get(alias) not in (None, "") and out.get(name) in (None, ""):
            out[name] = out[alias]
    return out


def _coerce(field: str, value: object, where: str) -> object:
    if value in (None, ""):
        return None
    if field in ("published", "accessed"):
        text = str(value).strip()
        if not _DATE.match(text):
            raise BadMetadata(
                f"{field} must be a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}", path=where
            )
        return text
    if field == "language":
        return language_code(str(value), where)
    if field == "url":
        text = str(value).strip()
        if not re.match(r"^https?://[^\s/]+\S*$", text):
            raise BadMetadata(f"url must be an http(s) address, got {value!r}", path=where)
        return text
    if field == "period":
        try:
            return int(str(value).strip()[:4])
        except ValueError as exc:
            raise BadMetadata(
                f"period/year_covered must be a year, got {value!r}", path=where
            ) from exc
    if field == "country":
        return canonical_country(str(value))
    return str(value).strip()


def sidecar_values(path: Path) -> dict[str, object]:
    """Values from ``NAME.meta.json`` beside ``path`` (or ``NAME.ext.meta.json``), if present."""
    for cand in (path.with_suffix(".meta.json"), path.with_name(path.name + ".meta.json")):
        if cand.is_file():
            try:
                raw = json.loads(cand.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise BadMetadata(f"sidecar is not valid JSON: {exc}", path=str(cand)) from exc
            if not isinstance(raw, dict):
                raise BadMetadata("sidecar must hold a JSON object", path=str(cand))
            raw = _aliased(raw)
            return {
                f: _coerce(f, raw.get(f), str(cand))
                for f in _FIELDS
                if raw.get(f) not in (None, "")
            }
    return {}


@lru_cache(maxsize=64)
def _manifest(folder: str, mtime_key: tuple[float, ...]) -> dict[str, dict[str, object]]:
    del mtime_key  # part of the cache key only: a changed manifest is re-read
    out: dict[str, dict[str, object]] = {}
    for name, delim in (
        ("MANIFEST.tsv", "\t"),
        ("manifest.tsv", "\t"),
        ("manifest.csv", ","),
        ("MANIFEST.csv", ","),
    ):
        f = Path(folder) / name
        if not f.is_file():
            continue
        try:
            with f.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh, delimiter=delim):
                    key = (row.get("file") or "").strip()
                    if not key:
                        continue
                    row = _aliased({k.strip().lower(): v for k, v in row.items() if k})
                    values: dict[str, object] = {
                        fld: _coerce(fld, row.get(fld), str(f))
                        for fld in _FIELDS
                        if row.get(fld) not in (None, "")
                    }
                    # any other column (a chapter's pages, its fact box) is kept as a document attribute
                    extra = tuple(
                        (k, v.strip())
                        for k, v in row.items()
                        if k not in _NOT_ATTRIBUTES and isinstance(v, str) and v.strip()
                    )
                    if extra:
                        values["attributes"] = extra
                    out[Path(key).name] = values
        except (OSError, csv.Error, UnicodeDecodeError) as exc:
            raise BadMetadata(f"manifest cannot be read: {exc}", path=str(f)) from exc
        break
    return out


def manifest_values(path: Path) -> dict[str, object]:
    """Values for ``path`` from a manifest in its folder, if any."""
    folder = path.parent
    stamps = tuple(
        (folder / n).stat().st_mtime
        for n in ("MANIFEST.tsv", "manifest.tsv", "manifest.csv", "MANIFEST.csv")
        if (folder / n).is_file()
    )
    if not stamps:
        return {}
    return _manifest(str(folder.resolve()), stamps).get(path.name, {})


def resolve_metadata(
    inferred: Metadata, path: Path, explicit: dict[str, object] | None = None
) -> Metadata:
    """Apply manifest, sidecar and explicit overrides (in rising priority) to inferred metadata."""
    meta = inferred
    sources = dict(inferred.sources)
    for origin, values in (
        ("manifest", manifest_values(path)),
        ("sidecar", sidecar_values(path)),
        (
            "flag",
            {
                k: _coerce(k, v, "command line")
                for k, v in (explicit or {}).items()
                if v not in (None, "")
            },
        ),
    ):
        if values:
            meta = replace(meta, **values)  # type: ignore[arg-type]  # values coerced per field by _coerce
            sources.update({k: origin for k in values})
    if meta.publisher:
        meta = replace(meta, publisher=canonical_publisher(meta.publisher))
    return replace(meta, sources=tuple(sorted(sources.items())))

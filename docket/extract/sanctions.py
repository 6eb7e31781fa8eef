"""Sanctions and charges stated in a sentence.

A sanction has a kind (imprisonment, detention, restricted_freedom, suspended, fine,
ban, community_work, psychiatric, other) and a length (years, months, days, hours) or
an amount with currency ("73,840 Kazakhstani tenge ($150)" -> 73840 KZT).
"""

from __future__ import annotations

import re
from dataclasses import replace

from docket.extract.dates import NUMBER_WORDS
from docket.models import Sanction

_NUM = r"(\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a|an)"
_HALF = r"(?:[\s-]+and[\s-]+(?:a[\s-]+)?half)?"
_LENGTH = re.compile(
    _NUM
    + _HALF
    + r"(?:\s+(?:further|additional|more))?[- ](years?|months?|days?|hours?)(?:['’])?(?:\s+and\s+"
    + _NUM
    + r"[- ](months?|days?))?",
    re.I,
)
_CURRENCIES = [
    (r"(?:Kazakhstani\s+)?tenge|KZT", "KZT"),
    (r"(?:US\s+)?dollars?|USD|\$", "USD"),
    (r"euros?|EUR|€", "EUR"),
    (r"(?:Russian\s+)?roubles?|rubles?|RUB", "RUB"),
    (r"soms?|KGS", "KGS"),
    (r"(?:Uzbek\s+)?sums?|soums?|UZS", "UZS"),
    (r"pounds?|GBP|£", "GBP"),
]
_AMOUNT = re.compile(
    r"(\$|€|£)?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|thousand)?\s*("
    + "|".join(c for c, _ in _CURRENCIES)
    + r")?",
    re.I,
)
_KINDS = [
    ("psychiatric", r"psychiatric"),
    ("suspended", r"suspended|probation"),
    (
        "restricted_freedom",
        r"restricted freedom|restriction of (his |her )?freedom|restrictions on (his |her )?freedom|"
        r"non-custodial|freedom of movement",
    ),
    ("community_work", r"community (work|service)|corrective labou?r|compulsory (work|labou?r)"),
    ("ban", r"\bban(ned)?\b|prohibit|barred from"),
    (
        "detention",
        r"detention|administrative arrest|\bjailed for \w+ days|days['’]? (in )?jail|arrested for \w+ days",
    ),
    ("imprisonment", r"prison|imprisonment|penal colony|labou?r camp|jail|behind bars|incarcerat"),
    ("fine", r"\bfine[ds]?\b"),
]


def _number(s: str) -> float | None:
    s = s.lower()
    if s in NUMBER_WORDS:
        return float(NUMBER_WORDS[s])
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _kind_near(text: str, start: int, end: int) -> str | None:
    """The kind named closest after the length ("seven years' imprisonment … banned group" is
    imprisonment), else closest before it."""
    after = text[end : min(len(text), end + 70)].lower()
    before = text[max(0, start - 60) : start].lower()
    best: tuple[int, str] | None = None
    for kind, rx in _KINDS:
        m = re.search(rx, after)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    if best:
        return best[1]
    for kind, rx in _KINDS:
        hits = [m.end() for m in re.finditer(rx, before)]
        if hits and (best is None or len(before) - hits[-1] < best[0]):
            best = (len(before) - hits[-1], kind)
    return best[1] if best else None


def find_sanctions(text: str) -> list[Sanction]:
    """Sanction components stated in ``text`` (a sentence), in order."""
    out: list[Sanction] = []
    for m in _LENGTH.finditer(text):
        n = _number(m.group(1))
        if n is None:
            continue
        if m.group(0).lower().find("half") >= 0:
            n += 0.5
        unit = m.group(2).lower().rstrip("s")
        before = text[max(0, m.start() - 40) : m.start()].lower()
        # time served or spent, ages and durations are not sanctions
        if re.search(
            r"\b(aged?|for the past|over the past|after|within|since|in the last|more than|spending|spent|"
            r"served|serving|for several|for)\s*$",
            before,
        ) and not re.search(
            r"\b(sentenced|jailed|imprisoned|"
            r"arrested|detained)\b[^.]{0,40}$",
            before,
        ):
            continue
        if re.match(r"[- ]+(?:years?|months?)?[- ]*old\b", text[m.end() :]):
            continue  # "27-year-old X": an age
        imposed = re.search(r"\b(sentenced|jailed|imprisoned)\s+(\w+\s+){0,2}(to|for)\s*$", before)
        if re.match(
            r"\s+(of\s+(a|an|his|her|their)\b|later|earlier|ago|into|(in |of )?pre-?trial)",
            text[m.end() :],
            re.I,
        ) or (not imposed and re.match(r"\s+(before|after)\b", text[m.end() :], re.I)):
            continue  # time elapsed, or custody before any verdict ("jailed for 15 days after …" is a sentence)
        kind = _kind_near(text, m.start(), m.end())
        if kind is None:
            # no kind word nearby: the verb right before says it ("arrested for 15 days", "received 18 years")
            if re.search(r"\b(arrested|detained|jailed|imprisoned|held)\s+for\s*$", before):
                kind = "detention" if unit in ("day", "hour") else "imprisonment"
            elif re.search(r"\b(received|given|handed|got)\s*$", before) or re.match(
                r"['’]?\s*(?:prison\s+|jail\s+)?(?:sentence|term)\b", text[m.end() :]
            ):
                kind = "imprisonment"  # "a five-year sentence"
        if kind is None or kind == "fine":
            continue
        if kind == "imprisonment" and unit in ("day", "hour"):
            kind = "detention"  # jail counted in days is (administrative) detention
        values: dict[str, float | int] = {unit + "s": n if unit == "year" else int(n)}
        if m.group(3) and m.group(4):
            extra = _number(m.group(3))
            if extra is not None:
                values[m.group(4).lower().rstrip("s") + "s"] = int(extra)
        out.append(Sanction(kind=kind, start=m.start(), **values))  # type: ignore[arg-type]
    for m in re.finditer(
        r"\bban(?:ned)?\b[^.;]*?\b(?:for|of)\s+" + _NUM + r"[- ](years?|months?)", text, re.I
    ):
        n = _number(m.group(1))
        if n and not any(s.kind == "ban" for s in out):
            unit = m.group(2).lower().rstrip("s")
            ban = Sanction(kind="ban", start=m.start())
            out.append(replace(ban, years=n) if unit == "year" else replace(ban, months=int(n)))
    if re.search(r"\bfined\b|\bfine of\b|\bimposed a fine\b", text, re.I):
        amount, currency = _fine_amount(text)
        cue = re.search(r"\bfine", text, re.I)
        start = cue.start() if cue else 0  # every alternative of the test above contains "fine"
        out.append(Sanction(kind="fine", amount=amount, currency=currency, start=start))
    # A death sentence is a sanction of its own kind (the vocabulary's "other"); a life term is
    # imprisonment without a length.
    for m in re.finditer(
        r"\b(?:sentenced (?:\w+ ){0,3}to death|death (?:sentence|penalty)s? (?:was |were )?(?:passed|imposed|handed)|"
        r"death sentences?)\b",
        text,
        re.I,
    ):
        if not re.search(
            r"\b(abolish|moratorium|commut|retentionist)",
            text[max(0, m.start() - 40) : m.end() + 40],
            re.I,
        ):
            out.append(Sanction(kind="other", start=m.start()))
            break
    for m in re.finditer(
        r"\b(?:life (?:sentence|imprisonment|term)|sentenced (?:\w+ ){0,3}to life)\b", text, re.I
    ):
        out.append(Sanction(kind="imprisonment", start=m.start()))
        break
    # "received lengthy prison terms": a custodial sentence with no length stated
    bare = re.search(
        r"\b(?:lengthy |long |harsh |heavy )?(?:prison|jail) (?:terms?|sentences?)\b", text, re.I
    )
    if (
        bare
        and not any(x.kind in ("imprisonment", "suspended", "detention") for x in out)
        and not re.search(
            r"\b(abolish|could|would|faces?|up to|maximum|punishable)\b",
            text[max(0, bare.start() - 40) : bare.start()],
            re.I,
        )
    ):
        out.append(Sanction(kind="imprisonment", start=bare.start()))
    if re.search(r"psychiatric (detention|treatment|hospital|clinic)", text, re.I) and not any(
        s.kind == "psychiatric" for s in out
    ):
        out.append(Sanction(kind="psychiatric", start=text.lower().find("psychiatric")))
    out.sort(key=lambda s: s.start)
    return out


def _fine_amount(text: str) -> tuple[float | None, str | None]:
    for m in _AMOUNT.finditer(text):
        symbol, number, scale, word = m.groups()
        cur = None
        for rx, code in _CURRENCIES:
            if (word and re.fullmatch(rx, word, re.I)) or (
                symbol and re.fullmatch(rx, re.escape(symbol))
            ):
                cur = code
                break
        if cur is None:
            continue
        value = float(number.replace(",", ""))
        if scale:
            value *= 1_000_000 if scale.lower() == "million" else 1000
        return value, cur
    return None, None


_CHARGE_INTRO = re.compile(
    r"(?:(?:criminal |administrative )?charges? (?:of|for)|charged with|accused (?:\w+ )?of|guilty of|"
    r"convicted (?:\w+ )?(?:of|for)|on suspicion of|criminally liable for|"
    r"(?:fined|sentenced|jailed|imprisoned|arrested|detained|tried|punished|prosecuted|convicted|"
    r"prison|imprisonment|detention|freedom)(?: [^.;“\"]{0,160}?)? for|"
    r"wanted in \w+ (?:on [^.;“\"]{0,30}?charges of|for)|investigation on charges of|on charges of)\s+",
    re.I,
)
_QUOTED = re.compile(r"[“\"]([^”\"]{3,160})[”\"]")
_ARTICLE = re.compile(
    r"\b(?:Article|art\.)\s*(\d+(?:[.-]\d+)*(?:\s*(?:part|paragraph)\s*\d+)?)", re.I
)
# An unquoted charge after "for" must look like an offence: a gerund or an offence noun.
_OFFENCE_HEAD = re.compile(
    r"^(\w+ing|\w+(ion|ment|ism|ery|ud|cy|ity|ence|ance|age|ry|ft|der|ault|ery))\b", re.I
)
_NOT_OFFENCE = frozenset(
    ["release", "questioning", "years", "months", "days", "their", "his", "her", "the", "a", "an"]
)
_PLAIN_END = re.compile(
    r"(?=,| and sentenced| and (?:fined|jailed|received|was|were|is|has|had)\b| after| in (?:a|an|the|absentia)\b|\.|;| because|"
    r" due to| under| while| to \w+ years| to \w+ days|$)"
)


# A charge given as the article itself ("charged with part 2 of article 116 of the Criminal Code
# (“beating motivated by hooliganism”)", "under article 318 CC"), with its gloss when quoted.
_ARTICLE_CHARGE = re.compile(
    r"\s*((?:part \d+ of )?article \d+(?:\.\d+)*(?: of the (?:Criminal|Administrative|Criminal Procedure)"
    r"(?: Offences)? Code(?: of [A-Z][a-z]+)?| (?:CC|AOC|CAO)(?: RF)?)?)(?:,?\s*\(?[“\"]([^”\"]{3,120})[”\"]\)?)?",
    re.I,
)


def find_charge(text: str) -> str | None:
    """The charge in the report's words ("spreading false information"), with article numbers when given."""
    for m in _CHARGE_INTRO.finditer(text):
        rest = text[m.end() :]
        art = _ARTICLE_CHARGE.match(rest)
        if art and art.group(1).lower().startswith(("part", "article")):
            return art.group(1) + (f", {art.group(2).strip()}" if art.group(2) else "")
        quotes: list[str] = []
        pos = 0
        # a run of quoted charges: “A,” “B,” and “C”
        while True:
            gap = re.match(r"[\s,]*(?:and\s+|or\s+)?", rest[pos:])
            q = _QUOTED.match(rest, pos + (gap.end() if gap and quotes else 0))
            if not q:
                break
            quotes.append(q.group(1).strip(" ,.;"))
            pos = q.end()
        if quotes:
            return _with_article("; ".join(quotes), text)
        plain = re.match(r"([a-z][a-z0-9 ,’'“”-]{2,140}?)" + _PLAIN_END.pattern, rest)
        if not plain:
            continue
        phrase = plain.group(1).strip(" ,")
        first = phrase.split()[0].lower()
        loose_intro = m.group(0).rstrip().lower().endswith(" for")
        if first in _NOT_OFFENCE or (loose_intro and not _OFFENCE_HEAD.match(phrase)):
            continue
        return _with_article(phrase, text)
    under = re.search(r"\bunder\s+(?=(?:part \d+ of )?article\s+\d)", text, re.I)
    if under:  # "convicted ... under article 318 CC (“…”)"
        art = _ARTICLE_CHARGE.match(text, under.end())
        if art:
            return art.group(1) + (f", {art.group(2).strip()}" if art.group(2) else "")
    return None


def _with_article(charge: str, text: str) -> str:
    art = _ARTICLE.search(text)
    return f"{charge} (Article {art.group(1)})" if art else charge

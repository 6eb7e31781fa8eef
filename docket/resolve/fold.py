"""Transliteration folding: one key for the spellings of one name.

Script folding (Cyrillic, Kazakh letters, accents) is anyascii's; the romanisation
families (zh/j/dzh, kh/h, -yev/-ev, -bay/-bai, doubled consonants, …) are rules in
``data/translit.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from anyascii import anyascii

_ALIAS = re.compile(r"\(([^)]*)\)")


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    raw = json.loads(resources.files("docket.data").joinpath("translit.json").read_text("utf-8"))
    return tuple((re.compile(a), b) for a, b in raw["rules"])


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """The romanisation-independent key of one name token ("Mukhammedkarim" -> "muhamedkarim")."""
    t = re.sub(r"[^a-z]", "", anyascii(token).lower())
    for rx, repl in _rules():
        t = rx.sub(repl, t)
    return t


@dataclass(frozen=True)
class NameParts:
    """A person name split for comparison: folded given names (initials as one letter), folded
    surname (a Slavic feminine surname as its masculine stem, with the gender beside it), folded
    aliases, the folded patronymic and the gender the name shows ("m", "f" or None)."""

    given: tuple[str, ...]
    surname: str
    aliases: tuple[str, ...]
    patronymic: str = ""
    gender: str | None = None
    lean: str | None = None  # for a bare surname of either gender, the likelier one
    cyrillic: bool = False  # printed in Cyrillic (its surname declines)

    @property
    def full(self) -> bool:
        """Whether the name has a given name as well as a surname."""
        return bool(self.given) and bool(self.surname)


# Latin forms of a patronymic (Russian -ovich/-evna, Turkic -uly/-kyzy/-ogly), after folding.
_PATRONYMIC = re.compile(r"(vich|vic|vna|ichna|uli|kizi|ogli|oglu)$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")
# Feminine surname endings and the masculine stem they share with the husband's or father's name.
_FEMININE = (
    (re.compile(r"(ov|ev|in)a$"), r"\1"),
    (re.compile(r"(sk|ck)aia$"), r"\1i"),
    (re.compile(r"(sk|ck)a$"), r"\1i"),
)
_MASCULINE = re.compile(r"(ov|ev|in|ski)$")
_ADJECTIVAL = re.compile(r"(sk|ck)oi$")  # "Donskoy", "Донской": an -sky surname's other spelling


def surname_stem(folded: str) -> tuple[str, str | None]:
    """The key of a folded surname and the gender its ending shows: "popova" -> ("popov", "f"),
    "popov" -> ("popov", "m"); a Kazakh "-uly" ("son of") surname meets its Russified "-ev/-ov"
    ("kunanbaiuli" -> "kunanbaev")."""
    if len(folded) >= 6:
        for rx, repl in _FEMININE:
            if rx.search(folded):
                return rx.sub(repl, folded), "f"
    if _ADJECTIVAL.search(folded):
        return folded[:-2] + "i", None
    if len(folded) >= 7 and folded.endswith("uli"):
        stem = folded[:-3]
        return (stem.rstrip("i") + "ev" if stem[-1:] in "aeioui" else stem + "ov"), "m"
    return folded, ("m" if len(folded) >= 5 and _MASCULINE.search(folded) else None)


_SON_OF = {"uulu", "kyzy", "uly", "ogly", "oglu", "kizi"}


def _words(form: str) -> list[str]:
    """Name words with initials split off ("O.Tikhomirov" -> "O.", "Tikhomirov"; "D.A." -> "D.", "A.")."""
    out: list[str] = []
    for raw in form.split():
        for p in re.findall(r"[^\W\d_]\.|[^\s.]+", raw):
            if not p.strip("'’.,"):
                continue
            if out and p.lower() in _SON_OF:  # "Zhunus uulu": one surname of two words
                out[-1] += " " + p
            else:
                out.append(p)
    # A hyphen joins the halves of one surname ("Sharov-Delone"); given names split at it
    # ("Jean-Pierre" is compared as "Jean Pierre"), the last word stays whole.
    return [piece for w in out[:-1] for piece in w.split("-") if piece] + out[-1:] if out else out


@lru_cache(maxsize=262144)
def name_parts(form: str, nominative: bool = False) -> NameParts:
    """Split and fold a surface form ("Akylbek Muratbay (Muratov)", "NIGMATULIN Nurlan
    Zayrullaevich", "Гостевым Дмитрием Анатольевичем", "Нигматулин, Нурлан"); ``nominative``: the
    form is known to be in the nominative (a mention's ``normal``), which settles a Cyrillic name's
    readings ("Алена Попова" is her name, not a man's genitive)."""
    aliases = tuple(fold_token(a) for a in _ALIAS.findall(form) for a in a.split())
    bare = _ALIAS.sub(" ", form)
    from docket.resolve.morph import is_cyrillic

    if is_cyrillic(bare):
        return _cyrillic_parts(bare, aliases, "nomn" if nominative else None)
    surname_first = False
    if "," in bare:  # "Surname, Given Patronymic", as lists sort names
        head, _, tail = bare.partition(",")
        bare, surname_first = head + " " + tail, bool(head.strip() and tail.strip())
    words = [w for w in _words(bare) if fold_token(w)]
    if not words:
        return NameParts((), "", aliases)
    initial = [bool(_INITIALS.match(w)) for w in words]
    folded = [fold_token(w) for w in words]
    caps = [len(w) > 1 and w.isupper() and not i for w, i in zip(words, initial)]
    merged = next(
        (i for i, w in enumerate(words) if " " in w), None
    )  # "Zhunus uulu" is the surname
    if surname_first:
        s = 0
    elif merged is not None:
        s = merged
    elif any(caps) and not all(caps):  # "NIGMATULIN Nurlan": the capitals mark the surname
        s = caps.index(True)
    elif (len(words) >= 2 and not initial[0] and all(initial[1:])) or (
        len(words) == 3
        and not any(initial)
        and _PATRONYMIC.search(folded[2])
        and not _PATRONYMIC.search(folded[1])
    ):  # "Tikhomirov O."
        s = 0
    else:
        s = len(words) - 1
    patronymic = ""
    given: list[str] = []
    for i, (_w, f) in enumerate(zip(words, folded)):
        if i == s:
            continue
        if initial[i]:
            given.append(f[:1])
        elif not patronymic and given and _PATRONYMIC.search(f):
            patronymic = f
        else:
            given.append(f)
    if initial[s]:  # initials only ("D.A."): no surname to compare
        return NameParts(tuple(f[:1] for f in folded), "", aliases)
    surname, gender = surname_stem(folded[s])
    if len(words) == 1 and gender == "m" and not folded[s].endswith("ski"):
        gender = None  # a bare "Popov" may be printed for her as well as for him
    return NameParts(tuple(given), surname, aliases, patronymic, gender)


def _cyrillic_parts(form: str, aliases: tuple[str, ...], case: str | None = None) -> NameParts:
    from docket.resolve.morph import name_words

    words = name_words(form, case)
    given = tuple(
        fold_token(w.lemma) for w in words if w.role in {"given", "initial"} and fold_token(w.lemma)
    )
    patronymic = next((fold_token(w.lemma) for w in words if w.role == "patronymic"), "")
    surnames = [w for w in words if w.role == "surname"]
    if not surnames:
        return NameParts(
            given,
            "",
            aliases,
            patronymic,
            next((w.gender for w in words if w.gender), None),
            cyrillic=True,
        )
    s = surnames[0]
    stem, _ = surname_stem(fold_token(s.lemma))  # the gender comes from the grammar, not the ending
    genders = {w.gender for w in words if w.gender}
    gender = next(iter(genders)) if len(genders) == 1 else None
    lean = None
    if s.gender is None and not given:
        from docket.resolve.morph import likely_gender

        gender, lean = None, likely_gender(s.text)
    return NameParts(given, stem, aliases, patronymic, gender, lean, cyrillic=True)


def declension_stem(folded: str) -> str:
    """A folded Cyrillic surname without its final vowels: the part its case forms share
    ("stecura", "stecure", "stecuru" -> "stecur")."""
    return folded.rstrip("aeiou")


@lru_cache(maxsize=131072)
def misspelling_key(surname: str) -> str | None:
    """A key two spellings of one surname share when letters were swapped in typing
    ("Gurbati" / "Gurtabi"): the first two letters and the sorted letters. None for surnames under
    six letters, where such swaps make other real names. (Printed letters, not the folded key: a
    swap can break a digraph the folding reads.)"""
    s = re.sub(r"[^a-z]", "", anyascii(surname).lower())
    if len(s) < 6:
        return None
    return s[:2] + ":" + "".join(sorted(s))


def plain(s: str | None) -> str:
    """A name (or a charge, any short field) in the form texts are compared in: NFKC, straight
    apostrophes, no control characters, no parenthesised alias, no possessive, collapsed
    whitespace, no surrounding punctuation, case-folded (the gold's rule, ``docket eval``)."""
    s = unicodedata.normalize("NFKC", s or "").replace("’", "'").replace("‘", "'")
    s = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in s)
    s = re.sub(r"\s*\([^)]*\)?", " ", s)
    s = re.sub(r"'s$", "", s.strip())
    s = re.sub(r"\s+", " ", s).strip(" .,;:\"'()")
    return s.casefold()


def name_key(form: str) -> str:
    """Case- and accent-folded name without an alias in parentheses."""
    form = re.sub(r"\s*\([^)]*\)", " ", form)
    form = unicodedata.normalize("NFKD", form)
    form = "".join(c for c in form if not unicodedata.combining(c))
    return " ".join(form.replace("’", "'").split()).casefold()


@lru_cache(maxsize=131072)
def slug(text: str) -> str:
    """An id-friendly form of a name, romanised ("Сергей Удальцов" -> "sergei-udaltsov")."""
    return (
        re.sub(r"[^a-z0-9]+", "-", anyascii(name_key(text)).lower().replace("'", "")).strip("-")
        or "person"
    )

"""Russian name morphology: which word of a Cyrillic name is the given name, the patronymic and
the surname, and each word's nominative, so that "Сергея Удальцова", "Удальцов" and "Sergei
Udaltsov" meet on one key.

Russian prints names in six cases ("Вере Лаврешиной" is dative); the dictionary and its
probabilities are pymorphy3's (its Russian dictionary ships in a wheel). A name is read as a
whole: every word of it shares one case and, outside indeclinable words, one gender, so the
reading that the most words support wins ("Алене Поповой" is the dative of Алёна Попова, not the
locative of a man named Ален). Surnames keep the masculine lemma pymorphy3 gives them
("Поповой" -> "попов") with the gender beside it, so the gender never hides in the spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_NAME_TAGS = {"Name", "Surn", "Patr"}
# Patronymics the dictionary may not know: Russian -вич/-вна/-ична, Turkic -улы/-ұлы/-кызы/-қызы/-оглы.
_PATRONYMIC = re.compile(
    r"(вич|вна|ична|инична|[уұү]лы|[кқ]ызы|оглы)(а|у|ем|е|ы|ой|ою)?$", re.IGNORECASE
)
_INITIAL = re.compile(r"^[А-ЯЁA-Z]\.$")
# Latin letters typed for the Cyrillic ones they look like ("Макcиму" with a Latin c).
_HOMOGLYPHS = str.maketrans("aceopxyAaBCEHKMOPTX", "асеорхуАаВСЕНКМОРТХ")


def _cyrillic_word(word: str) -> str:
    """``word`` with Latin look-alike letters read as Cyrillic, when the rest of it is Cyrillic."""
    if any("\u0400" <= c <= "\u04ff" for c in word) and any(c.isascii() for c in word):
        return word.translate(_HOMOGLYPHS)
    return word


@dataclass(frozen=True)
class NameWord:
    """One word of a Cyrillic name: its role, its nominative lemma (ё written е) and gender."""

    text: str
    role: str  # "given", "surname", "patronymic" or "initial"
    lemma: str  # for a surname, the masculine lemma both genders share
    gender: str | None = None  # "m", "f" or None when the word does not say
    nominative: str = ""  # the word in the nominative, in its own gender


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def _parses(word: str) -> tuple[Any, ...]:
    return tuple(_analyzer().parse(word))


def _gender(tag: Any) -> str | None:
    if "masc" in tag.grammemes:
        return "m"
    if "femn" in tag.grammemes:
        return "f"
    return None  # indeclinable or common-gender words ("Чайко", "ms-f")


def _candidates(word: str) -> tuple[Any, ...]:
    """The readings of ``word`` as a name where the dictionary has one, else all its readings."""
    parses = _parses(word)
    named = tuple(p for p in parses if _NAME_TAGS & p.tag.grammemes)
    return named or parses


def _fits(p: Any, case: str, gender: str) -> bool:
    g = _gender(p.tag)
    fixed = "Fixd" in p.tag.grammemes
    if "plur" in p.tag.grammemes:
        return False  # one person's name is singular ("Роман" is not a plural of "Романа")
    return (fixed or case in p.tag.grammemes) and (g is None or g == gender)


def _lemma(p: Any) -> str:
    return str(p.normal_form).replace("ё", "е")


@lru_cache(maxsize=65536)
def name_words(
    form: str, case: str | None = None, gender: str | None = None
) -> tuple[NameWord, ...]:
    """The words of a Cyrillic name with their roles, nominatives and gender.

    Initials stay initials ("Гостев Д.А." has the surname Гостев and the initials Д, А); word order
    is read, not assumed ("Колесников Дмитрий" is surname first). ``case`` and ``gender``
    (pymorphy3 grammemes, e.g. "gent" and "m"), where a tagger read them in the sentence, decide
    between readings the name alone leaves open ("Евгения": her nominative or his genitive).
    """
    words: list[str] = []
    before_comma = 0  # words before a comma: "Фамилия, Имя Отчество" as lists sort names
    for raw in form.replace("\u00a0", " ").split():
        # "С.Удальцов" and "Д.А." split into initials and the word after them
        for piece in re.findall(r"[^\W\d_]\.|[^\W\d_][^\W\d_'’-]*(?:-[^\W\d_]+)*", raw):
            if words and piece.lower() in _SON_OF:  # "Жунус уулу": one surname of two words
                words[-1] += " " + piece
            else:
                words.append(_cyrillic_word(piece))
        if raw.endswith(",") and not before_comma:
            before_comma = len(words)
    if not words:
        return ()
    readings = [() if _INITIAL.match(w) else _candidates(w) for w in words]
    if case is None:  # a name out of any sentence (a list, a query) is most often in the nominative
        case = "nomn"
        prior = 0.25
    else:
        prior = float(len(readings))
    # One case and gender for the whole name: the reading most words support (ties: nominative,
    # then masculine, the order of _CASES).
    best, best_score = ("nomn", "m"), -1.0
    voters = [r for r in readings if any(p.is_known for p in r)] or readings
    for case_ in _CASES:
        for gender_ in ("m", "f"):
            # Words the dictionary does not know get only guessed readings: they do not vote.
            score = sum(
                max(
                    (
                        p.score + (1.0 if _NAME_TAGS & p.tag.grammemes else 0.0)
                        for p in r
                        if _fits(p, case_, gender_)
                    ),
                    default=0.0,
                )
                for r in voters
            )
            if case_ == case and gender in (None, gender_) and score > 0:
                score += prior  # the sentence's reading, where the name allows it
            if score > best_score + 1e-9:
                best, best_score = (case_, gender_), score
    case, gender = best
    for w in words:  # a patronymic says the gender outright: -вич, -улы / -вна, -кызы
        if re.search(r"(вич|[уұү]лы|уулу|оглы)$", w, re.I):
            gender = "m"
        elif re.search(r"(вна|чна|[кқ]ызы)$", w, re.I):
            gender = "f"
    chosen: list[Any] = []
    for r in readings:
        fitting = [p for p in r if _fits(p, case, gender)]
        chosen.append(max(fitting or list(r), key=lambda p: p.score) if r else None)

    roles: list[str] = []
    for w, p in zip(words, chosen):
        if p is None:
            roles.append("initial")
        elif "Patr" in p.tag.grammemes or (_PATRONYMIC.search(w) and len(words) > 1):
            roles.append("patronymic")
        elif not p.is_known:
            roles.append("surname")  # settled below, by the other words and the order
        elif "Name" in p.tag.grammemes and "Surn" not in p.tag.grammemes:
            roles.append("given")
        else:
            roles.append("surname")
    _settle_roles(words, readings, roles)
    _positional_roles(words, roles, before_comma)
    has_given = "given" in roles
    out: list[NameWord] = []
    for i, (w, role) in enumerate(zip(words, roles)):
        if role == "initial":
            out.append(NameWord(w, role, w[0].lower(), None, w))
            continue
        if role == "surname":
            surn = [x for x in readings[i] if "Surn" in x.tag.grammemes and _fits(x, case, gender)]
            if surn:
                reading = max(surn, key=lambda x: x.score)
                g = _gender(reading.tag)
                # A bare surname in a case both genders share ("Попова": his genitive, her
                # nominative) does not say whose it is.
                if not has_given and len(words) == 1 and _both_genders(readings[i]):
                    g = None
                nom = reading.inflect({"nomn", "sing"} | ({"femn"} if g == "f" else set()))
                if nom is None and g == "f":
                    nom = reading.inflect({"nomn", "femn"})
                nominative_ = nom.word if nom else reading.normal_form if g != "f" else reading.word
                out.append(NameWord(w, role, _lemma(reading), g, nominative_.replace("ё", "е")))
            else:
                lemma, nom_form, g = _surname_by_ending(
                    w, readings[i], case, gender if has_given else None
                )
                out.append(NameWord(w, role, lemma, g, nom_form))
            continue
        names = [
            x
            for x in readings[i]
            if ("Name" if role == "given" else "Patr") in x.tag.grammemes
            and x.is_known
            and _fits(x, case, gender)
        ]
        if names:
            reading = max(names, key=lambda x: x.score)
            nom = reading.inflect({"nomn", "sing"})
            out.append(
                NameWord(
                    w,
                    role,
                    _lemma(reading),
                    _gender(reading.tag),
                    (nom.word if nom else reading.normal_form).replace("ё", "е"),
                )
            )
        else:  # a name the dictionary does not have ("Грачья") stays as printed
            out.append(
                NameWord(w, role, w.lower().replace("ё", "е"), None, w.lower().replace("ё", "е"))
            )
    return tuple(out)


_OV = r"(ов|ев|ёв|ин|ын)"


def _surname_by_ending(
    word: str, readings: tuple[Any, ...], case: str, gender: str | None
) -> tuple[str, str, str | None]:
    """The masculine lemma, gendered nominative and gender of a surname the dictionary does not
    list as one ("Новичкова" would otherwise read as a plural of "новичок"), by the declension of
    Russian -ов/-ев/-ин surnames; -ых/-их, -ко, -о and foreign surnames do not decline and stay as
    printed; -ский/-ской surnames decline as adjectives; other dictionary words (a surname that
    is also a noun, "Щуке") take the noun's lemma."""
    w = word.lower().replace("ё", "е")
    m = re.match(r"^(.*" + _OV + r")(а|у|ым|е|ой|ою)?$", w)
    if m:
        stem, ending = m.group(1), m.group(3) or ""
        if (
            ending in {"ой", "ою"}
            or (ending in {"а", "у"} and gender == "f")
            or (ending == "а" and case == "nomn" and gender is not None)
        ):
            return stem, stem + "а", "f"  # in the nominative only her surname ends in -а
        if ending == "а" and gender is None:
            return stem, w, None  # "Лаврешина": hers, or his genitive
        return stem, stem, "m" if ending or gender == "m" else gender
    if re.search(r"(ых|их|ко|о|и|у|е|э|ю)$", w) and not any(p.is_known for p in readings):
        return w, w, None
    if re.search(r"(ых|их)$", w):
        return w, w, None  # "Круговых", "Гладских" do not decline
    adj = [p for p in readings if p.tag.POS == "ADJF" and case in p.tag.grammemes]
    if adj and re.search(
        r"(ий|ый|ой)$", adj[0].normal_form
    ):  # "Окопным", "Донской" decline as adjectives
        g = _gender(adj[0].tag)
        base = adj[0].normal_form.replace("ё", "е")
        fem = adj[0].inflect({"nomn", "sing", "femn"}) if g == "f" else None
        return base, (fem.word if fem else base), g
    nouns = [p for p in readings if p.is_known and p.tag.POS == "NOUN" and case in p.tag.grammemes]
    if nouns:
        lemma = nouns[0].normal_form.replace("ё", "е")
        return lemma, lemma, None
    return w, w, None


def nominative(form: str, case: str | None = None, gender: str | None = None) -> str:
    """``form`` in the nominative, in its printed order and capitals ("Вере Лаврешиной" -> "Вера
    Лаврешина", "Гостевым Д.А." -> "Гостев Д.А."); see :func:`name_words` for ``case`` and ``gender``."""
    words = name_words(form, case, gender)
    out: list[str] = []
    for i, w in enumerate(words):
        if w.role == "initial":
            if (
                i
                and words[i - 1].role == "initial"
                and not re.search(re.escape(words[i - 1].text) + r"\s", form)
            ):
                out[-1] += w.text  # "Д.А." stays as printed
            else:
                out.append(w.text)
            continue
        out.append(_recase(w.nominative or w.lemma, w.text))
    return " ".join(out)


def _recase(word: str, printed: str) -> str:
    if printed.isupper() and len(printed) > 1:
        return word.upper()
    return "-".join(piece[:1].upper() + piece[1:] for piece in word.split("-"))


def likely_gender(word: str) -> str | None:
    """The gender of ``word``'s most probable surname reading ("Попова": his genitive before her
    nominative), for a bare surname that could be either."""
    surn = [p for p in _parses(_cyrillic_word(word)) if "Surn" in p.tag.grammemes]
    return _gender(max(surn, key=lambda p: p.score).tag) if surn else None


def _both_genders(readings: tuple[Any, ...]) -> bool:
    surn = [p for p in readings if "Surn" in p.tag.grammemes]
    return {_gender(p.tag) for p in surn} >= {"m", "f"}


# Endings surnames of the region have and given names do not (for words the dictionary lacks).
_SURNAME_LIKE = re.compile(
    r"(ов|ев|ёв|ин|ын|ова|ева|ина|ына|ский|ская|цкий|цкая|енко|ук|юк|ян|швили|дзе|уулу|ұлы|улы)$",
    re.IGNORECASE,
)
_SON_OF = {"уулу", "кызы", "улы", "ұлы", "қызы", "оглы", "оглу"}


def _positional_roles(words: list[str], roles: list[str], before_comma: int) -> None:
    """Where the printed order says which word is the surname, it wins over the dictionary
    (which knows few Kazakh and Kyrgyz names): the words before a comma ("Текебаев, Омурбек"),
    the one word in capitals ("ТЕКЕБАЕВ Омурбек"), the first of three words ending in a
    patronymic ("Текебаев Омурбек Чиркешович", the official order)."""
    named = [i for i, r in enumerate(roles) if r != "initial"]
    caps = [i for i in named if words[i].isupper() and len(words[i]) > 1]
    if before_comma:
        surname = 0
    elif len(caps) == 1 and len(named) > 1:
        surname = caps[0]
    elif len(words) == 3 and not caps and roles[2] == "patronymic" and roles[1] != "patronymic":
        surname = 0
    else:
        return
    for i in named:
        if i == surname:
            roles[i] = "surname"
        elif roles[i] == "surname":
            roles[i] = "given"


def _settle_roles(words: list[str], readings: list[tuple[Any, ...]], roles: list[str]) -> None:
    """One surname per name: where none or several words read as surnames, decide by the
    dictionary's surname readings and by position (Russian puts a surname first before a given
    name or initials: "Колесников Дмитрий", "Тихомиров О.")."""
    surnames = [i for i, r in enumerate(roles) if r == "surname"]
    if len(surnames) > 1:

        def surn_score(i: int) -> float:
            known = max(
                (p.score for p in readings[i] if "Surn" in p.tag.grammemes and p.is_known),
                default=0.0,
            )
            return known + (
                1.0 if " " in words[i] else 0.5 if _SURNAME_LIKE.search(words[i]) else 0.0
            )

        keep = max(surnames, key=lambda i: (surn_score(i), i))
        for i in surnames:
            if i != keep:
                roles[i] = "given"
    elif (
        not surnames
        and roles[-1] == "patronymic"
        and re.search(r"([уұү]лы|[кқ]ызы)$", words[-1], re.I)
    ):
        roles[-1] = "surname"  # "Абай Құнанбайұлы": a Kazakh "son of" name serves as the surname
    elif not surnames:
        given = [i for i, r in enumerate(roles) if r == "given"]
        if len(given) >= 2:
            # Two given-name readings ("Абай Кунанбаев" aside): the one with a surname reading, else the last.
            def surn(i: int) -> float:
                return max((p.score for p in readings[i] if "Surn" in p.tag.grammemes), default=0.0)

            pick = max(given, key=lambda i: (surn(i), i))
            roles[pick] = "surname"
        elif len(given) == 1 and roles.count("initial") >= 2:
            roles[given[0]] = "surname"  # "Чайко М.А.": two initials follow a surname
        # One given-name word with one initial ("Сергей К.") is a name whose surname was withheld.


def is_cyrillic(text: str) -> bool:
    """Whether ``text`` is written mostly in Cyrillic letters."""
    cyr = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    lat = sum(1 for c in text if c.isascii() and c.isalpha())
    return cyr > lat

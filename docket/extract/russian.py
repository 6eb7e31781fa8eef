"""The Russian pipeline: components registered as ``PIPELINES["ru"]``.

Segmentation is razdel's, and person, organisation and place names come from the slovnet news
NER and morphology models that ship inside the natasha wheel (nothing downloads at run time).
A person's name is kept as printed, with its nominative beside it ("Сергея Удальцова" ->
"Сергей Удальцов", :mod:`docket.resolve.morph`) read with the case and gender the morphology
tagger gives it in its sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from docket.extract.components import Analysis, Component, _cite, _normalise
from docket.models import Document, Entity, Mention
from docket.resolve.fold import declension_stem

_CASE = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
_GENDER = {"Masc": "m", "Fem": "f"}
_LABEL = {"ORG": "org", "LOC": "place"}
_COMMON_WORD = 0.6  # the confidence of a name that is also a common word, kept beside its full name


@dataclass(frozen=True)
class Span:
    """A named span of one paragraph, as offsets into the document."""

    label: str  # "PER", "ORG", "LOC"
    start: int
    end: int
    case: str | None = None  # pymorphy3 grammeme of the span's head word, as tagged in its sentence
    gender: str | None = None


@dataclass(frozen=True)
class ParsedParagraph:
    """What the Russian parse keeps of one paragraph: its named spans and sentence bounds."""

    paragraph: int
    spans: tuple[Span, ...]
    sentences: tuple[tuple[int, int], ...]


@lru_cache(maxsize=1)
def _models() -> tuple[Any, Any, Any]:
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    embedding = NewsEmbedding()
    return Segmenter(), NewsNERTagger(embedding), NewsMorphTagger(embedding)


def parse_paragraphs(doc: Document) -> list[ParsedParagraph]:
    """Sentences and named spans of each paragraph of ``doc`` (offsets into ``doc.text``)."""
    from natasha import Doc

    segmenter, ner, morph = _models()
    out: list[ParsedParagraph] = []
    for para in doc.paragraphs:
        text = doc.text[para.start : para.end]
        if not text.strip():
            out.append(ParsedParagraph(para.ordinal, (), ()))
            continue
        d = Doc(text)
        d.segment(segmenter)
        d.tag_ner(ner)
        d.tag_morph(morph)
        spans = []
        for s in d.spans:
            head = s.tokens[-1] if s.tokens else None
            feats = head.feats if head is not None and head.feats else {}
            spans.append(
                Span(
                    s.type,
                    para.start + s.start,
                    para.start + s.stop,
                    _CASE.get(feats.get("Case", "")),
                    _GENDER.get(feats.get("Gender", "")),
                )
            )
        out.append(
            ParsedParagraph(
                para.ordinal,
                tuple(spans),
                tuple((para.start + x.start, para.start + x.stop) for x in d.sents),
            )
        )
    return out


def _parse(a: Analysis) -> Analysis:
    return replace(a, parsed=parse_paragraphs(a.view))


def _is_name(form: str) -> tuple[bool, float]:
    """Whether a span the NER calls a person reads as a name, and how sure: a word the dictionary
    knows as a given name, surname or patronymic, or one it does not know at all; not a common
    word ("Рис." of a figure caption), not a given name with its surname cut to an initial
    ("Сергей К.", anonymised)."""
    from docket.resolve.morph import _parses, name_words

    words = name_words(form)
    if not words:
        return False, 0.0
    roles = [w.role for w in words]
    if "surname" not in roles and "initial" in roles:
        return False, 0.0
    tagged = [w for w in words if w.role != "initial"]
    named = sum(
        1
        for w in tagged
        if any({"Name", "Surn", "Patr"} & p.tag.grammemes for p in _parses(w.text))
    )
    unknown = sum(1 for w in tagged if not any(p.is_known for p in _parses(w.text)))
    if not named and not unknown:
        # A common word ("Рис.", "Щуке", "Новичков" read as a plural of "новичок"): a person only
        # where the report also names someone in full with it as a surname (decided per document).
        return len(tagged) == 1, _COMMON_WORD
    return True, 0.9 if named == len(tagged) else 0.75


def _persons(a: Analysis) -> Analysis:
    from docket.resolve.morph import name_words, nominative

    text = a.view.text
    mentions: list[Mention] = []
    org_spans = [(s.start, s.end) for p in a.parsed for s in p.spans if s.label == "ORG"]
    for p in a.parsed:
        for s in p.spans:
            if s.label != "PER":
                continue
            start, end = s.start, s.end
            while end > start and text[end - 1] in '.,;:»”")(':
                if (
                    text[end - 1] == "."
                    and end - start >= 2
                    and text[end - 3 : end - 2] in {".", " ", ""}
                ):
                    break  # a final initial ("Гостев Д.А.") keeps its dot
                end -= 1
            form = a.document.text[start:end]
            if any(o0 <= start and end <= o1 for o0, o1 in org_spans):
                continue
            ok, confidence = _is_name(form)
            if not ok:
                continue
            normal = nominative(form, s.case, s.gender)
            mentions.append(
                Mention(
                    a.document.id,
                    p.paragraph,
                    start,
                    end,
                    form,
                    "ner",
                    role="",
                    foreign=False,
                    confidence=confidence,
                    normal=normal,
                )
            )
    mentions = _drop_lone_given_names(mentions, name_words)
    return replace(a, mentions=_drop_common_words(mentions))


def _drop_lone_given_names(mentions: list[Mention], name_words: Any) -> list[Mention]:
    """A given name alone is a person only where the report names exactly one person with that
    given name in full ("Веру" after "Вера Лаврешина"); otherwise it is an unnamed "Сергей"."""
    full_given: dict[str, set[str]] = {}
    for m in mentions:
        words = name_words(m.name, "nomn" if m.normal else None)
        roles = {w.role for w in words}
        if "surname" in roles and "given" in roles:
            given = next(w.lemma for w in words if w.role == "given")
            surname = next(w.lemma for w in words if w.role == "surname")
            full_given.setdefault(given, set()).add(surname)
    out = []
    for m in mentions:
        words = name_words(m.name, "nomn" if m.normal else None)
        if words and all(w.role in {"given", "patronymic"} for w in words):
            if len(full_given.get(words[0].lemma, ())) != 1:
                continue
        out.append(m)
    return out


def _drop_common_words(mentions: list[Mention]) -> list[Mention]:
    """Single common words the NER took for names stay only where a full name has them as its
    surname ("Щуку" beside "Игорь Щука"); "Рис." of a figure caption goes."""
    surnames = {m.parts().surname for m in mentions if len(m.name.split()) >= 2}
    stems = {declension_stem(s) for s in surnames if len(s) >= 5}
    out = []
    for m in mentions:
        if m.confidence == _COMMON_WORD:
            key = m.parts().surname
            if key not in surnames and declension_stem(key) not in stems:
                continue
        out.append(m)
    return out


def _entities(a: Analysis) -> Analysis:
    found = [
        Entity(
            a.document.id,
            p.paragraph,
            s.start,
            s.end,
            a.document.text[s.start : s.end],
            _LABEL[s.label],
        )
        for p in a.parsed
        for s in p.spans
        if s.label in _LABEL
    ]
    return replace(a, entities=found)


def _events(a: Analysis) -> Analysis:
    from docket.extract.events_ru import find_events_ru

    sentences = [(p.paragraph, s, e) for p in a.parsed for s, e in p.sentences]
    cases = {s.start: s.case for p in a.parsed for s in p.spans if s.label == "PER"}
    return replace(a, events=find_events_ru(a.view, a.mentions, sentences, cases))


PIPELINE: list[tuple[str, Component]] = [
    ("normalise", _normalise),
    ("parse", _parse),
    ("persons", _persons),
    ("entities", _entities),
    ("events", _events),
    ("cite", _cite),
]

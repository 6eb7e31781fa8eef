"""Rights topics on the real seeds: headings decide where they exist, text where they don't."""

from __future__ import annotations

from docket.extract.topics import paragraph_topics, taxonomy
from docket.pipeline import load_document
from tests.conftest import FLATTENED_HRW, seed_files


def test_taxonomy_covers_the_required_topics() -> None:
    ids = {t.id for t in taxonomy()}
    assert {
        "expression",
        "assembly",
        "association",
        "defenders",
        "torture",
        "detention",
        "impunity",
        "women",
        "lgbti",
        "refugees",
        "labour",
        "religion",
        "transnational",
        "environment",
        "children",
    } <= ids


def test_section_headings_decide() -> None:
    doc = load_document(FLATTENED_HRW)
    topics = paragraph_topics(doc)
    for p in doc.paragraphs:
        if p.section is None:
            continue
        heading = doc.sections[p.section].heading
        expected = {
            "Freedom of Assembly": "assembly",
            "Torture": "torture",
            "Freedom of Religion": "religion",
            "Labor Rights": "labour",
            "Sexual Orientation and Gender Identity": "lgbti",
        }.get(heading)
        if expected:
            assert expected in topics.get(p.ordinal, ()), (heading, p.text[:60])


def test_text_decides_without_headings(tmp_path) -> None:
    f = tmp_path / "r.txt"
    f.write_text(
        "The authorities refused to register the LGBT rights group. Police beat a detainee in custody, "
        "and a court rejected the asylum claim of a refugee from Uzbekistan.\n",
        encoding="utf-8",
    )
    [topics] = paragraph_topics(load_document(f)).values()
    assert {"lgbti", "torture", "refugees"} <= set(topics)


def test_most_seed_paragraphs_get_a_topic() -> None:
    tagged = total = 0
    for f in seed_files():
        doc = load_document(f)
        tagged += len(paragraph_topics(doc))
        total += len(doc.paragraphs)
    assert tagged >= 0.85 * total


def test_required_literal_of_the_cue_patterns() -> None:
    from docket.extract.topics import required_literal

    assert required_literal(r"\bjournalists?\b") == "journalist"
    assert required_literal(r"\bnon-?governmental organi[sz]ations?\b") == "non"
    assert required_literal(r"\bschool ?children\b") == "school"
    assert required_literal(r"\bLGBT") == "lgbt"
    assert required_literal(r"\bbeat (him|her)\b") == "beat "
    assert required_literal(r"\bfoo|bar") == ""  # a top-level alternative: no single literal


def test_the_literal_prefilter_never_changes_the_topics() -> None:
    """Every cue, in any case and with the non-ASCII letters a case-insensitive regex folds to ASCII
    (dotted and dotless i, long s, Kelvin sign), is found with the prefilter exactly as without it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from docket.models import Document, Metadata, Paragraph

    words = [
        "journalists",
        "Journalist",
        "JOURNALİST",
        "prısoner",
        "ſentenced to",
        "Kelvin Kyiv",
        "torture",
        "peaceful assembly",
        "NGOs",
        "non governmental organization",
        "school children",
        "child labour",
        "LGBTI",
        "Jehovah’s Witnesses",
        "beat him",
        "elections",
        "the",
        "and",
        "café",
        "—",
        "\n",
    ]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(words), min_size=1, max_size=12).map(" ".join))
    def check(text: str) -> None:
        doc = Document(
            id="d",
            source_path="d.txt",
            file_name="d.txt",
            format="text",
            sha256="",
            size=len(text),
            text=text,
            metadata=Metadata(None, None, None, None),
            sections=(),
            paragraphs=(Paragraph(0, None, 0, len(text), text),),
        )
        plain = [t.id for t in taxonomy() if any(rx.search(text) for rx in t.text)]
        assert paragraph_topics(doc).get(0, ()) == tuple(plain)

    check()

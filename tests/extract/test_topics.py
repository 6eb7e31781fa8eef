"""Rights topics on the real seeds: headings decide where they exist, text where they don't."""

from __future__ import annotations

from docket.extract.topics import paragraph_topics, taxonomy
from docket.pipeline import load_document
from tests.conftest import FLATTENED_HRW, seed_files


def test_taxonomy_covers_the_required_topics() -> None:
    ids = {t.id for t in taxonomy()}
    assert {"expression", "assembly", "association", "defenders", "torture", "detention", "impunity", "women",
            "lgbti", "refugees", "labour", "religion", "transnational", "environment", "children"} <= ids


def test_section_headings_decide() -> None:
    doc = load_document(FLATTENED_HRW)
    topics = paragraph_topics(doc)
    for p in doc.paragraphs:
        if p.section is None:
            continue
        heading = doc.sections[p.section].heading
        expected = {"Freedom of Assembly": "assembly", "Torture": "torture", "Freedom of Religion": "religion",
                    "Labor Rights": "labour", "Sexual Orientation and Gender Identity": "lgbti"}.get(heading)
        if expected:
            assert expected in topics.get(p.ordinal, ()), (heading, p.text[:60])


def test_text_decides_without_headings(tmp_path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("The authorities refused to register the LGBT rights group. Police beat a detainee in custody, "
                 "and a court rejected the asylum claim of a refugee from Uzbekistan.\n", encoding="utf-8")
    [topics] = paragraph_topics(load_document(f)).values()
    assert {"lgbti", "torture", "refugees"} <= set(topics)


def test_most_seed_paragraphs_get_a_topic() -> None:
    tagged = total = 0
    for f in seed_files():
        doc = load_document(f)
        tagged += len(paragraph_topics(doc))
        total += len(doc.paragraphs)
    assert tagged >= 0.85 * total

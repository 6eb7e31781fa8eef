"""Extraction components (issue 16): the normalised view, the runner, and the switches, on real reports."""

from __future__ import annotations

import re

import pytest

from docket.errors import ComponentError
from docket.extract import components
from docket.extract.components import SWITCHES, run_components
from docket.extract.events import sentences
from docket.extract.normalize import normalize_text, normalized_view
from docket.pipeline import load_document
from tests.conftest import CORPUS

BULLETED = CORPUS / "amnesty-annual" / "amnesty_belarus_2012.txt"  # PDF bullets printed as U+0003
LONE_B = (
    CORPUS / "amnesty-annual" / "amnesty_turkmenistan_2006.txt"
)  # bullets printed as a lone "b"


@pytest.fixture(scope="module")
def bulleted():
    return load_document(BULLETED)


def test_the_view_keeps_every_offset(bulleted) -> None:
    view = normalized_view(bulleted)
    assert len(view.text) == len(bulleted.text) and view.text != bulleted.text
    assert not re.search(r"[\x00-\x08\x0e-\x1f]", view.text)
    for p, q in zip(bulleted.paragraphs, view.paragraphs):
        assert (p.start, p.end) == (q.start, q.end) and view.text[q.start : q.end] == q.text


def test_a_bullet_ends_a_sentence_in_the_view(bulleted) -> None:
    glued = [p for p in bulleted.paragraphs if re.search(r"\.\s*\x03\s*[A-Z]", p.text)]
    assert glued, "the report has bullets between sentences"
    for p in glued:
        view_text = normalize_text(p.text)
        for a, b in sentences(view_text):
            assert "\x03" not in p.text[a:b].strip()  # no sentence runs across a bullet


def test_a_lone_b_bullet_is_a_break() -> None:
    text = load_document(LONE_B).text
    assert re.search(r"[.!?] b [A-Z]", text)
    assert not re.search(r"[.!?] b [A-Z]", normalize_text(text))


def test_quotes_and_names_slice_the_stored_text(bulleted) -> None:
    state = run_components(bulleted)
    assert state.events and state.mentions
    for e in state.events:
        assert bulleted.text[e.start : e.end] == e.quote and "\x03" not in e.quote.strip()
    for m in state.mentions:
        assert bulleted.text[m.start : m.end] == m.text


def test_a_failing_component_is_named(monkeypatch, bulleted) -> None:
    def broken(a):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        components.PIPELINES,
        "en",
        [(n, broken if n == "entities" else c) for n, c in components.PIPELINES["en"]],
    )
    with pytest.raises(ComponentError, match="'entities'"):
        run_components(bulleted)


def test_a_component_must_return_an_analysis(monkeypatch, bulleted) -> None:
    monkeypatch.setitem(components.PIPELINES, "en", [("persons", lambda a: None)])
    with pytest.raises(ComponentError, match="returned NoneType"):
        run_components(bulleted)


@pytest.mark.parametrize("switch", SWITCHES)
def test_each_switch_changes_the_output(switch: str, bulleted) -> None:
    on, off = run_components(bulleted), run_components(bulleted, disable=[switch])
    assert (on.mentions, on.events) != (off.mentions, off.events)

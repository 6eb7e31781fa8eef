"""Organisations linked across spellings and acronyms."""

from __future__ import annotations

from docket.models import Entity
from docket.resolve.orgs import link_organisations, org_key


def _org(text: str, doc: str = "d1") -> Entity:
    return Entity(doc, 0, 0, len(text), text, "org")


def test_spellings_and_acronyms_link() -> None:
    clusters = link_organisations(
        [
            _org("Radio Azattyk", "a"),
            _org("Azattyq", "b"),
            _org("Radio Azzattyk", "c"),
            _org("Democratic Choice of Kazakhstan (DVK)", "a"),
            _org("DVK", "b"),
            _org("Supreme Court", "a"),
        ]
    )
    by_form = {f: c for c in clusters for f in c.forms}
    assert by_form["Azattyq"] is by_form["Radio Azattyk"] is by_form["Radio Azzattyk"]
    assert by_form["DVK"] is by_form["Democratic Choice of Kazakhstan (DVK)"]
    assert by_form["Supreme Court"] is not by_form["DVK"]
    assert len(by_form["Azattyq"].documents) == 3


def test_places_are_not_organisations() -> None:
    assert link_organisations([Entity("d", 0, 0, 6, "Almaty", "place")]) == []
    assert org_key("The News Agency") == ""

"""Analytics plots as SVG, drawn by pygal on the server (no JavaScript, no CDN)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pygal
from pygal.style import DefaultStyle

from docket.query.stats import Stats

_CONFIG = {
    "js": [],
    "style": DefaultStyle,
    "width": 900,
    "height": 420,
    "legend_at_bottom": True,
    "truncate_legend": 30,
    "print_values": False,
    "disable_xml_declaration": True,
}


Link = Callable[..., str]  # the URL of the cases behind one value: link(topic=..., year=...)


def _linked(value: float | None, link: Link | None, **where: object) -> Any:
    """A plotted value that opens ``link(**where)`` when clicked (in the page that frames the
    chart: ``_top``); a gap stays a gap."""
    if value is None or link is None:
        return value
    return {"value": value, "xlink": {"href": link(**where), "target": "_top"}}


def _years(st: Stats) -> list[int]:
    return sorted({y for (_, y, _) in st.topic_year_publisher if y is not None})


def topic_year_table(
    st: Stats, reports: Counter[int] | None = None, top: int = 8
) -> tuple[list[int], list[tuple[str, list[float | None]]]]:
    """The numbers behind :func:`topics_by_year`: every year from the first to the last covered
    (a year without reports is None, a gap, not a zero), and per topic (the ``top`` most frequent)
    the paragraphs per year, or per report covering that year when ``reports`` is given (a
    publisher's first year then no longer looks like a surge)."""
    years = _years(st)
    if not years:
        return [], []
    span = list(range(years[0], years[-1] + 1))
    covered = set(years)
    totals: Counter[str] = Counter()
    for (t, _, _), n in st.topic_year_publisher.items():
        totals[t] += n
    rows = []
    for topic, _ in totals.most_common(top):
        values: list[float | None] = []
        for y in span:
            if y not in covered:
                values.append(None)
                continue
            n = sum(
                m for (t, yy, _), m in st.topic_year_publisher.items() if t == topic and yy == y
            )
            values.append(round(n / reports[y], 2) if reports and reports.get(y) else n)
        rows.append((topic, values))
    return span, rows


def topics_by_year(st: Stats, reports: Counter[int] | None = None, link: Link | None = None) -> str:
    """Paragraphs per topic per covered year (the eight most frequent topics), on a true time
    axis; per report when ``reports`` (reports per covered year) is given."""
    span, rows = topic_year_table(st, reports)
    per = " per report" if reports else ""
    chart = pygal.Line(
        title=f"Paragraphs{per} by topic and year covered",
        x_title="year covered (gaps: no report)",
        allow_interruptions=True,
        **_CONFIG,
    )
    chart.x_labels = [str(y) for y in span]
    for topic, values in rows:
        chart.add(topic, [_linked(v, link, topic=topic, year=y) for v, y in zip(values, span)])
    return chart.render()


def topic_publisher_table(st: Stats) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """The numbers behind :func:`topics_by_publisher`: publishers, and per topic the paragraphs
    each publisher tagged with it."""
    topics = sorted({t for (t, _, _) in st.topic_year_publisher})
    pubs = sorted({p or "unknown" for (_, _, p) in st.topic_year_publisher})
    counts: Counter[tuple[str, str]] = Counter()
    for (t, _, p), n in st.topic_year_publisher.items():
        counts[(t, p or "unknown")] += n
    return pubs, [(t, [counts[(t, p)] for p in pubs]) for t in topics]


def topics_by_publisher(st: Stats, link: Link | None = None) -> str:
    """Paragraphs per topic, stacked by publisher."""
    pubs, rows = topic_publisher_table(st)
    chart = pygal.StackedBar(
        title="Paragraphs by topic and publisher", x_label_rotation=35, **_CONFIG
    )
    chart.x_labels = [t for t, _ in rows]
    for i, pub in enumerate(pubs):
        chart.add(
            pub,
            [
                _linked(values[i], link, topic=topic, publisher=None if pub == "unknown" else pub)
                for topic, values in rows
            ],
        )
    return chart.render()


def event_year_table(st: Stats) -> tuple[list[int], list[tuple[str, list[int]]]]:
    """The numbers behind :func:`events_by_type`: covered years, and per event type (most
    frequent first) the statements in reports covering each year."""
    types = [t for t, _ in st.events_by_type.most_common()]
    years = sorted({y for (_, y) in st.events_by_type_year if y is not None})
    return years, [(t, [st.events_by_type_year.get((t, y), 0) for y in years]) for t in types]


def events_by_type(st: Stats, link: Link | None = None) -> str:
    """Event statements per type, stacked by covered year."""
    years, rows = event_year_table(st)
    chart = pygal.StackedBar(
        title="Event statements by type and year covered", x_label_rotation=35, **_CONFIG
    )
    chart.x_labels = [t.replace("_", " ") for t, _ in rows]
    for i, y in enumerate(years):
        chart.add(str(y), [_linked(values[i], link, event=t, year=y) for t, values in rows])
    return chart.render()


def persons_by_status(counts: Counter[str], link: Link | None = None) -> str:
    """Persons by status category."""
    chart = pygal.HorizontalBar(title="Persons by status (last known situation)", **_CONFIG)
    for status, n in counts.most_common(12):
        chart.add(status, [_linked(n, link, status=status)])
    return chart.render()


CHARTS: dict[str, Callable[..., str]] = {
    "topics-by-year": topics_by_year,
    "topics-by-publisher": topics_by_publisher,
    "events-by-type": events_by_type,
}

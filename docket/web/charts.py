"""Analytics plots as SVG, drawn by pygal on the server (no JavaScript, no CDN)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

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


def topics_by_year(st: Stats, reports: Counter[int] | None = None) -> str:
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
        chart.add(topic, values)
    return chart.render()


def topics_by_publisher(st: Stats) -> str:
    """Paragraphs per topic, stacked by publisher."""
    topics = sorted({t for (t, _, _) in st.topic_year_publisher})
    pubs = sorted({p or "unknown" for (_, _, p) in st.topic_year_publisher})
    chart = pygal.StackedBar(
        title="Paragraphs by topic and publisher", x_label_rotation=35, **_CONFIG
    )
    chart.x_labels = topics
    for pub in pubs:
        chart.add(
            pub,
            [
                sum(
                    n
                    for (t, _, p), n in st.topic_year_publisher.items()
                    if t == topic and (p or "unknown") == pub
                )
                for topic in topics
            ],
        )
    return chart.render()


def events_by_type(st: Stats) -> str:
    """Event statements per type, stacked by covered year."""
    types = [t for t, _ in st.events_by_type.most_common()]
    years = sorted({y for (_, y) in st.events_by_type_year if y is not None})
    chart = pygal.StackedBar(
        title="Event statements by type and year covered", x_label_rotation=35, **_CONFIG
    )
    chart.x_labels = [t.replace("_", " ") for t in types]
    for y in years:
        chart.add(str(y), [st.events_by_type_year.get((t, y), 0) for t in types])
    return chart.render()


def persons_by_status(counts: Counter[str]) -> str:
    """Persons by status category."""
    chart = pygal.HorizontalBar(title="Persons by status (last known situation)", **_CONFIG)
    for status, n in counts.most_common(12):
        chart.add(status, n)
    return chart.render()


CHARTS: dict[str, Callable[..., str]] = {
    "topics-by-year": topics_by_year,
    "topics-by-publisher": topics_by_publisher,
    "events-by-type": events_by_type,
}

"""Analytics plots as SVG, drawn by pygal on the server (no JavaScript, no CDN)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pygal
from pygal.style import DefaultStyle

from docket.query.stats import Stats

_CONFIG = {"js": [], "style": DefaultStyle, "width": 900, "height": 420, "legend_at_bottom": True,
           "truncate_legend": 30, "print_values": False, "disable_xml_declaration": True}


def _years(st: Stats) -> list[int]:
    return sorted({y for (_, y, _) in st.topic_year_publisher if y is not None})


def topics_by_year(st: Stats) -> str:
    """Paragraphs per topic per covered year (the eight most frequent topics)."""
    years = _years(st)
    totals: Counter[str] = Counter()
    for (t, _, _), n in st.topic_year_publisher.items():
        totals[t] += n
    chart = pygal.Line(title="Paragraphs by topic and year covered", x_title="year covered", **_CONFIG)
    chart.x_labels = [str(y) for y in years]
    for topic, _ in totals.most_common(8):
        chart.add(topic, [sum(n for (t, yy, _), n in st.topic_year_publisher.items() if t == topic and yy == y)
                          for y in years])
    return chart.render()


def topics_by_publisher(st: Stats) -> str:
    """Paragraphs per topic, stacked by publisher."""
    topics = sorted({t for (t, _, _) in st.topic_year_publisher})
    pubs = sorted({p or "unknown" for (_, _, p) in st.topic_year_publisher})
    chart = pygal.StackedBar(title="Paragraphs by topic and publisher", x_label_rotation=35, **_CONFIG)
    chart.x_labels = topics
    for pub in pubs:
        chart.add(pub, [sum(n for (t, _, p), n in st.topic_year_publisher.items() if t == topic and (p or "unknown") == pub)
                        for topic in topics])
    return chart.render()


def events_by_type(st: Stats) -> str:
    """Event statements per type, stacked by covered year."""
    types = [t for t, _ in st.events_by_type.most_common()]
    years = sorted({y for (_, y) in st.events_by_type_year if y is not None})
    chart = pygal.StackedBar(title="Event statements by type and year covered", x_label_rotation=35, **_CONFIG)
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


CHARTS: dict[str, Callable[..., str]] = {"topics-by-year": topics_by_year, "topics-by-publisher": topics_by_publisher,
                                           "events-by-type": events_by_type}

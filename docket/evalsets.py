"""``docket eval`` over several gold sets at once: one row per set, a pooled row, a view per publisher.

Each gold set is scored with :func:`docket.evaluate.score` (the reference scorer's rules) on one
extraction run over all the sets' reports. The pooled row is micro-averaged from the counts, as
``shared/gold/eval_sets.py`` does. The publisher view pools the documents of one publisher family
across the sets: rules tuned on some publishers show here how they hold on each of the others
(with no trained component, leaving a publisher out of development is reading its row). The
language view does the same per report language, and linking is split by the languages of the
two names compared (en-ru is the cross-script part).
An ablation re-runs extraction with each switchable component off in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docket.errors import GoldError
from docket.evaluate import linking_by_kind, load_gold, prf, publisher_family, score, spacy_baseline


@dataclass(frozen=True)
class Row:
    """One line of the table: a set, a publisher family, or the pool, with its counts."""

    name: str
    documents: int
    mentions: dict[str, Any]
    events: dict[str, Any]
    linking: dict[str, Any]
    hard_negative_merges: int
    date_acc: float
    sanction_acc: float = 0.0
    charge_acc: float = 0.0


@dataclass(frozen=True)
class EvalReport:
    """Rows for docket, the spaCy-only baseline, the publisher view and the ablation."""

    sets: list[Row]
    pooled: Row
    baseline: list[Row]
    baseline_pooled: Row
    publishers: list[Row] = field(default_factory=list)
    ablation: list[tuple[str, Row]] = field(default_factory=list)
    languages: list[Row] = field(default_factory=list)  # by the language of the reports
    pair_kinds: list[tuple[str, dict[str, Any]]] = field(
        default_factory=list
    )  # linking by language pair


def default_report_dirs(gold_dirs: Sequence[Path]) -> list[Path]:
    """Where the reports of gold sets under ``shared/gold`` live: ``shared/seeds`` and ``shared/corpus/*``."""
    roots: list[Path] = []
    for g in gold_dirs:
        shared = Path(g).resolve().parent.parent
        for r in [shared / "seeds", *sorted((shared / "corpus").glob("*/"))]:
            if r.is_dir() and r not in roots:
                roots.append(r)
    return roots


def locate(name: str, report_dirs: Sequence[Path]) -> Path:
    """The report file called ``name`` in the first of ``report_dirs`` that has it (searched recursively)."""
    for r in report_dirs:
        direct = Path(r) / name
        if direct.is_file():
            return direct
    for r in report_dirs:
        found = next(iter(sorted(Path(r).rglob(name))), None)
        if found is not None:
            return found
    raise GoldError(
        f"the report {name!r} that the gold annotates is not under any --reports folder",
        hint="pass --reports with the folder that holds it",
    )


def _row(name: str, scores: list[dict[str, Any]], documents: int) -> Row:
    def pool(key: str) -> dict[str, Any]:
        return prf(
            sum(s[key]["tp"] for s in scores),
            sum(s[key]["pred"] for s in scores),
            sum(s[key]["gold"] for s in scores),
        )

    tp = sum(s["events"]["tp"] for s in scores)

    def weighted(metric: str) -> float:
        return (
            round(sum(s["events"][metric] * s["events"]["tp"] for s in scores) / tp, 4)
            if tp
            else 0.0
        )

    return Row(
        name,
        documents,
        pool("mentions"),
        pool("events"),
        pool("resolution"),
        sum(s["resolution"]["hard_negative_merges"] for s in scores),
        weighted("date_acc"),
        weighted("sanction_acc"),
        weighted("charge_acc"),
    )


def _score_sets(golds: dict[str, dict[str, Any]], pred: dict[str, Any]) -> tuple[list[Row], Row]:
    per = {name: score(g, pred) for name, g in golds.items()}
    rows = [_row(name, [s], len(golds[name]["documents"])) for name, s in per.items()]
    return rows, _row(
        f"pooled ({len(golds)} sets)", list(per.values()), sum(r.documents for r in rows)
    )


def _by_publisher(golds: dict[str, dict[str, Any]], pred: dict[str, Any]) -> list[Row]:
    return _grouped(golds, pred, lambda d: publisher_family(d["publisher"]))


def _by_language(golds: dict[str, dict[str, Any]], pred: dict[str, Any]) -> list[Row]:
    return _grouped(golds, pred, lambda d: d.get("language") or "en")


def _pair_kinds(
    golds: dict[str, dict[str, Any]], pred: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    pooled: dict[str, list[int]] = {}
    for g in golds.values():
        for kind, r in linking_by_kind(g, pred).items():
            c = pooled.setdefault(kind, [0, 0, 0])
            c[0], c[1], c[2] = c[0] + r["tp"], c[1] + r["pred"], c[2] + r["gold"]
    return [(kind, prf(*c)) for kind, c in sorted(pooled.items())]


def _grouped(
    golds: dict[str, dict[str, Any]], pred: dict[str, Any], key: Callable[[dict[str, Any]], str]
) -> list[Row]:
    families: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, g in golds.items():
        for d in g["documents"]:
            families.setdefault(key(d), []).append((name, d))
    rows = []
    for family, docs in sorted(families.items()):
        scores = []
        for name in dict.fromkeys(n for n, _ in docs):
            g = golds[name]
            sub = dict(g, documents=[d for n, d in docs if n == name])
            sub["events"] = [
                e for e in g["events"] if any(e["file"] == d["file"] for d in sub["documents"])
            ]
            scores.append(score(sub, pred))
        rows.append(_row(family, scores, len(docs)))
    return rows


def evaluate_sets(
    gold_dirs: Sequence[Path],
    report_dirs: Sequence[Path] = (),
    ablation: bool = False,
    switches: Iterable[str] | None = None,
) -> EvalReport:
    """Score docket (and the spaCy-only baseline) on every gold set in ``gold_dirs``."""
    from docket.extract import extract_documents
    from docket.extract.components import SWITCHES
    from docket.pipeline import load_document

    golds: dict[str, dict[str, Any]] = {}
    for g in gold_dirs:
        if not (Path(g) / "documents.json").is_file():
            raise GoldError(f"no gold set at {g} (documents.json missing)")
        golds[Path(g).name] = load_gold(g)
    roots = list(report_dirs) or default_report_dirs(gold_dirs)
    files = list(dict.fromkeys(d["file"] for g in golds.values() for d in g["documents"]))
    docs = [load_document(locate(f, roots)) for f in files]
    pred = extract_documents(docs)
    sets, pooled = _score_sets(golds, pred)
    base, base_pooled = _score_sets(golds, spacy_baseline(docs))
    report = EvalReport(
        sets,
        pooled,
        base,
        base_pooled,
        _by_publisher(golds, pred),
        languages=_by_language(golds, pred),
        pair_kinds=_pair_kinds(golds, pred),
    )
    if ablation:
        for switch in switches or SWITCHES:
            _, row = _score_sets(golds, extract_documents(docs, disable=[switch]))
            report.ablation.append((switch, row))
    return report

"""A trained alternative to the event rules, compared with them on held-out gold sets (issue 16).

usage: python bench/event_classifier.py [--gold DIR ...] [--out weights.json]

The candidates are what extraction gives with the parse switched off (every cue of a sentence for
every person it names, ``disable=["syntax"]``) together with what the rules give (the parse also
reaches people through pronouns). Each (sentence, person, event type) candidate gets
features read from the dependency parse (how the person relates to the type's cues, modality,
word order, distance, how many people the sentence names, the person's own confidence) and a label
(the scorer's person map finds a gold event of that person and type in that report). A logistic
regression (numpy, L2, standardised features) is trained on all sets but one and keeps the
held-out set's candidates it scores >= 0.5. Printed per held-out set: event F1 of the rules (the
shipped pipeline), of the classifier, and of the candidates unfiltered (the recall ceiling).

``--out`` writes the weights trained on every set (JSON, a few kilobytes), the form a shipped
component would load. Reads gold and reports from ../shared at run time; nothing is copied.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from docket.evalsets import default_report_dirs, locate
from docket.evaluate import _items, _person_map, load_gold, score
from docket.extract import extract_documents
from docket.extract.events import _DERIVED, _sanctions_of, _scan_cues
from docket.extract.syntax import load_parser, relation
from docket.pipeline import load_document

SHARED = Path(__file__).resolve().parents[2] / "shared"
SETS = ["seeds", "dev-amnesty", "dev-freedomhouse", "dev-usdos"]
TYPES = [
    "detained",
    "charged",
    "convicted",
    "sentenced",
    "fined",
    "acquitted",
    "released",
    "appeal_upheld",
    "appeal_changed",
    "extradition",
    "ill_treatment",
    "death",
    "harassed",
    "asylum_denied",
    "other",
]
RELATIONS = ["about", "agent", "modifier", "relative", "other"]
VIAS = [
    "nsubjpass",
    "dobj",
    "appos",
    "conj",
    "poss",
    "relcl",
    "acl",
    "pobj",
    "nsubj",
    "compound",
    "head",
]
PRONOUNS = {"he", "she", "they", "him", "her", "them", "his"}


def _cues(sentence: str, kind: str) -> list[int]:
    found = _scan_cues(sentence)
    at = list(found.get(kind, ()))
    if not at:
        at = [p for k in _DERIVED.get(kind, ()) for p in found.get(k, ())]
    if not at and kind in ("sentenced", "convicted"):
        at = [s.start for s in _sanctions_of(sentence)]
    return at or sorted(p for ps in found.values() for p in ps)


def features(
    sdoc: Any,
    sentence: str,
    span: tuple[int, int] | None,
    others: list[tuple[int, int]],
    kind: str,
    confidence: float | None,
    official: bool,
) -> list[float]:
    """One candidate's feature vector (see the module docstring); ``span`` None: the person is a
    previous sentence's, reached through a pronoun."""
    cues = _cues(sentence, kind)
    named = span is not None
    span = span or (0, 0)
    rels = [relation(sdoc, at, span, others) for at in cues] if cues and named else []
    order = {k: i for i, k in enumerate(RELATIONS)}
    best = min(rels, key=lambda r: (order[r.kind], r.hedged or r.negated)) if rels else None
    nearest = min(cues, key=lambda at: abs(at - span[0])) if cues else span[0]
    x = [1.0, float(named)]
    x += [float(best is not None and best.kind == r) for r in RELATIONS]
    x += [float(best is not None and v in best.via.split(">")) for v in VIAS]
    x += [float(best is not None and best.hedged), float(best is not None and best.negated)]
    x += [float(any(r.kind == "about" and not (r.hedged or r.negated) for r in rels))]
    x += [float(kind == t) for t in TYPES]
    x += [
        float(span[0] < nearest),
        math.log1p(abs(nearest - span[0])),
        math.log1p(len(others)),
        float(any(w.lower() in PRONOUNS for w in sentence.split())),
        float(confidence or 0.0),
        float(official),
        math.log1p(len(sentence)),
    ]
    return x


def candidates(
    pred: dict[str, Any], texts: dict[str, str]
) -> tuple[list[dict[str, Any]], list[list[float]]]:
    """The candidate events of ``pred`` with their feature vectors (one parse per sentence)."""
    by_person = {p["id"]: p for p in pred["persons"]}
    nlp = load_parser()
    sentences = sorted({(e["file"], e["start"], e["end"]) for e in pred["events"]})
    parsed = dict(zip(sentences, nlp.pipe(texts[f][a:b] for f, a, b in sentences), strict=True))
    rows, xs = [], []
    for e in pred["events"]:
        f, a, b = e["file"], e["start"], e["end"]
        sentence = texts[f][a:b]
        spans = [
            (c["start"] - a, c["end"] - a, p["id"])
            for p in pred["persons"]
            for c in p["citations"]
            if c["file"] == f and a <= c["start"] < b
        ]
        mine = [(s, t) for s, t, pid in spans if pid == e["person"]] or [None]
        others = [(s, t) for s, t, pid in spans if pid != e["person"]]
        person = by_person[e["person"]]
        rows.append(e)
        xs.append(
            features(
                parsed[(f, a, b)],
                sentence,
                mine[0],
                others,
                e["type"],
                person.get("confidence"),
                person.get("side") == "state",
            )
        )
    return rows, xs


def labels(
    rows: list[dict[str, Any]], golds: dict[str, dict[str, Any]], pred: dict[str, Any]
) -> list[int]:
    """1 where the gold has an event of that person and type in that report."""
    out = []
    keys: dict[str, set] = {}
    maps: dict[str, dict[str, str]] = {}
    for g in golds.values():
        files = {d["file"] for d in g["documents"]}
        pmap = _person_map(_items(g["persons"], files), _items(pred["persons"], files))
        for f in files:
            maps[f] = pmap
            keys[f] = {(e["person"], e["type"]) for e in g["events"] if e["file"] == f}
    for e in rows:
        gid = maps.get(e["file"], {}).get(e["person"])
        out.append(int(gid is not None and (gid, e["type"]) in keys.get(e["file"], set())))
    return out


def train(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000, lr: float = 0.1
) -> dict[str, Any]:
    """Logistic regression by gradient descent on standardised features."""
    mu, sd = x.mean(0), x.std(0)
    mu[0], sd[0] = 0.0, 1.0
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) / len(y) + l2 * np.r_[0.0, w[1:]] / len(y)
        w -= lr * grad
    return {"mean": mu.tolist(), "scale": sd.tolist(), "weights": w.tolist()}


def predict(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Probabilities of the candidates."""
    z = (x - np.array(model["mean"])) / np.array(model["scale"])
    return 1 / (1 + np.exp(-z @ np.array(model["weights"])))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", action="append", type=Path)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    gold_dirs = a.gold or [SHARED / "gold" / s for s in SETS]
    golds = {d.name: load_gold(d) for d in gold_dirs}
    roots = default_report_dirs(gold_dirs)
    files = list(dict.fromkeys(d["file"] for g in golds.values() for d in g["documents"]))
    docs = [load_document(locate(f, roots)) for f in files]
    texts = {d.file_name: d.text for d in docs}
    rules = extract_documents(docs)
    loose = extract_documents(docs, disable=["syntax"])
    # The candidates: every event either run states (the parse also reaches people through pronouns).
    assert {p["id"] for p in rules["persons"]} == {p["id"] for p in loose["persons"]}
    seen = {(e["file"], e["person"], e["type"], e["start"]) for e in loose["events"]}
    loose = dict(
        loose,
        events=loose["events"]
        + [
            e
            for e in rules["events"]
            if (e["file"], e["person"], e["type"], e["start"]) not in seen
        ],
    )
    rows, xs = candidates(loose, texts)
    y = np.array(labels(rows, golds, loose), dtype=float)
    x = np.array(xs)
    set_of = {d["file"]: name for name, g in golds.items() for d in g["documents"]}
    fold = np.array([set_of[e["file"]] for e in rows])
    print(
        "| held-out set | candidates (positive) | rules F1 (P / R) | classifier F1 (P / R) | "
        "all candidates F1 (P / R) |"
    )
    print("|---|---|---|---|---|")
    totals: Counter = Counter()
    for name, g in golds.items():
        model = train(x[fold != name], y[fold != name])
        test = fold == name
        keep = predict(model, x[test]) >= 0.5
        kept = [
            e
            for e, k in zip([r for r, t in zip(rows, test, strict=True) if t], keep, strict=True)
            if k
        ]
        learned = dict(
            loose, events=[e for e in loose["events"] if set_of.get(e["file"]) != name] + kept
        )
        cells = []
        for label, pred in (("rules", rules), ("classifier", learned), ("all", loose)):
            ev = score(g, pred)["events"]
            totals.update(
                {f"{label}_tp": ev["tp"], f"{label}_pred": ev["pred"], f"{label}_gold": ev["gold"]}
            )
            cells.append(f"{ev['f1']:.3f} ({ev['p']:.2f} / {ev['r']:.2f})")
        print(f"| {name} | {int(test.sum())} ({int(y[test].sum())}) | " + " | ".join(cells) + " |")
    pooled = []
    for label in ("rules", "classifier", "all"):
        tp, pr, go = totals[f"{label}_tp"], totals[f"{label}_pred"], totals[f"{label}_gold"]
        p, r = tp / pr if pr else 0.0, tp / go if go else 0.0
        pooled.append(f"{2 * p * r / (p + r) if p + r else 0.0:.3f} ({p:.2f} / {r:.2f})")
    print(f"| pooled | {len(rows)} ({int(y.sum())}) | " + " | ".join(pooled) + " |")
    if a.out:
        model = train(x, y)
        a.out.write_text(json.dumps({"features": "bench/event_classifier.py:features", **model}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

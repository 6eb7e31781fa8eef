"""Development aid: run extraction over every visible gold set once and list its errors.

usage: python scripts/errors.py [--sets seeds,dev-amnesty,...] [--kind mentions|events|all] [--cache F]

Reads the gold and the reports from ../shared at run time (nothing is copied into the repo).
Prints per-set scores, then false-positive and false-negative person forms and events.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import defaultdict
from pathlib import Path

from docket.evaluate import _items, _person_map, load_gold, score
from docket.extract import extract_documents
from docket.pipeline import load_document

SHARED = Path(__file__).resolve().parents[2] / "shared"
ROOTS = [SHARED / "seeds", *sorted((SHARED / "corpus").glob("*/"))]
SETS = ["seeds", "dev-amnesty", "dev-freedomhouse", "dev-usdos"]


def locate(name: str) -> Path:
    for r in ROOTS:
        if (r / name).is_file():
            return r / name
    raise SystemExit(f"{name} not found")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--kind", default="all")
    ap.add_argument("--docs-cache", default="/tmp/docket-docs.pkl")
    a = ap.parse_args()
    golds = {s: load_gold(SHARED / "gold" / s) for s in a.sets.split(",")}
    files = [d["file"] for g in golds.values() for d in g["documents"]]
    cache = Path(a.docs_cache)
    docs = pickle.loads(cache.read_bytes()) if cache.exists() else None
    if docs is None or [d.file_name for d in docs] != files:
        docs = [load_document(locate(f)) for f in files]
        cache.write_bytes(pickle.dumps(docs))
    pred = extract_documents(docs)
    pooled = defaultdict(float)
    for name, g in golds.items():
        s = score(g, pred)
        m, e = s["mentions"], s["events"]
        pooled["tp"] += e["tp"]
        pooled["pred"] += e["pred"]
        pooled["gold"] += e["gold"]
        pooled["date"] += round(e["date_acc"] * e["tp"])
        print(
            f"== {name}: mentions {m['f1']:.3f} (p {m['p']:.2f} r {m['r']:.2f}) events {e['f1']:.3f} "
            f"(p {e['p']:.2f} r {e['r']:.2f}) date {e['date_acc']:.2f} sanc {e['sanction_acc']:.2f} "
            f"charge {e['charge_acc']:.2f} link {s['resolution']['f1']:.3f} hn {s['resolution']['hard_negative_merges']}"
        )
        fset = {d["file"] for d in g["documents"]}
        gold_of, pred_of = _items(g["persons"], fset), _items(pred["persons"], fset)
        if a.kind in ("mentions", "all"):
            for k in sorted(set(pred_of) - set(gold_of)):
                print("  FP-M", k)
            for k in sorted(set(gold_of) - set(pred_of)):
                print("  FN-M", k)
        if a.kind in ("events", "all"):
            pmap = _person_map(gold_of, pred_of)
            gl = defaultdict(list)
            for ev in g["events"]:
                gl[(ev["file"], ev["person"], ev["type"])].append(ev)
            pl = defaultdict(list)
            for ev in pred["events"]:
                if ev["file"] in fset:
                    pl[(ev["file"], pmap.get(ev["person"], "?" + ev["person"]), ev["type"])].append(
                        ev
                    )
            for k in sorted(set(gl) | set(pl), key=str):
                gs, ps = gl.get(k, []), pl.get(k, [])
                for ev in ps[len(gs) :]:
                    print(f"  FP-E {k[0][:22]} {k[1]} {k[2]} {ev['date']} | {ev['quote'][:160]!r}")
                for ev in gs[len(ps) :]:
                    print(f"  FN-E {k[0][:22]} {k[1]} {k[2]} {ev['date']} | {ev['quote'][:160]!r}")
                for gv, pv in zip(gs, ps):
                    if gv["date"] != pv["date"]:
                        print(
                            f"  DATE {k[0][:22]} {k[1]} {k[2]} gold {gv['date']} pred {pv['date']} | {pv['quote'][:120]!r}"
                        )
    pr = pooled["tp"] / pooled["pred"] if pooled["pred"] else 0.0
    rc = pooled["tp"] / pooled["gold"] if pooled["gold"] else 0.0
    f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    print(
        f"== pooled: events {f1:.3f} (p {pr:.2f} r {rc:.2f}) date "
        f"{pooled['date'] / pooled['tp'] if pooled['tp'] else 0.0:.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())

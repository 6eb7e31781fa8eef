"""Scoring extraction against a gold directory, by the rules of the reference scorer.

The rules (``shared/gold/README.md``): names are compared normalised (NFKC, straight
apostrophes, no control characters, no parenthesised alias, no possessive, collapsed
whitespace, stripped punctuation, case-folded); mentions are (file, form) pairs;
linking is scored pairwise and B-cubed over items both sides found; events match on
(file, person, type) after mapping each predicted person to the gold person it shares
most items with; documents by publisher family, country, exact period and title
similarity >= 0.8. A test checks that these numbers equal the reference scorer's.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from docket.resolve.fold import plain as norm


def prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    """Precision, recall and F1 (rounded to 4 places) with the counts."""
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "p": round(p, 4),
        "r": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "pred": npred,
        "gold": ngold,
    }


def publisher_family(s: str | None) -> str:
    """Publisher family key: amnesty, hrw, usdos, civicus, or the lower-cased name."""
    s = (s or "").lower()
    for key, words in {
        "amnesty": ["amnesty"],
        "hrw": ["human rights watch", "hrw"],
        "usdos": ["state", "usdos"],
        "civicus": ["civicus", "iphr", "kibhr"],
    }.items():
        if any(w in s for w in words):
            return key
    return s


# Official and common names of one country count as one country (as in the reference scorer).
COUNTRY_ALIASES = {
    "russian federation": "russia",
    "kyrgyz republic": "kyrgyzstan",
    "kazakstan": "kazakhstan",
    "republic of belarus": "belarus",
}


def country_key(s: str | None) -> str:
    """A country name compared the scorer's way: normalised, official names folded to common ones."""
    key = norm(s)
    return COUNTRY_ALIASES.get(key, key)


def load_gold(gold_dir: str | Path) -> dict[str, Any]:
    """documents, persons, events and hard negatives of a gold directory."""
    d = Path(gold_dir)
    events = [
        json.loads(line) for line in (d / "events.jsonl").read_text().splitlines() if line.strip()
    ]
    hard = (
        json.loads((d / "hard_negatives.json").read_text())
        if (d / "hard_negatives.json").exists()
        else []
    )
    return {
        "documents": json.loads((d / "documents.json").read_text()),
        "persons": json.loads((d / "persons.json").read_text()),
        "events": events,
        "hard_negatives": hard,
    }


def _items(persons: list[dict[str, Any]], files: set[str]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for p in persons:
        for f, forms in (p.get("mentions") or {}).items():
            f = Path(f).name
            if f in files:
                for form in forms:
                    out.setdefault((f, norm(form)), p["id"])
    return out


def _linking(
    gold_of: dict[tuple[str, str], str], pred_of: dict[tuple[str, str], str]
) -> dict[str, Any]:
    keys = sorted(set(gold_of) & set(pred_of))
    tp = fp = fn = 0
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            g = gold_of[keys[i]] == gold_of[keys[j]]
            p = pred_of[keys[i]] == pred_of[keys[j]]
            tp += g and p
            fp += p and not g
            fn += g and not p
    res: dict[str, Any] = prf(tp, tp + fp, tp + fn)
    gcl: dict[str, set[Any]] = defaultdict(set)
    pcl: dict[str, set[Any]] = defaultdict(set)
    for k in keys:
        gcl[gold_of[k]].add(k)
        pcl[pred_of[k]].add(k)
    if keys:
        bp = sum(len(gcl[gold_of[k]] & pcl[pred_of[k]]) / len(pcl[pred_of[k]]) for k in keys) / len(
            keys
        )
        br = sum(len(gcl[gold_of[k]] & pcl[pred_of[k]]) / len(gcl[gold_of[k]]) for k in keys) / len(
            keys
        )
        res["bcubed_f1"] = round(2 * bp * br / (bp + br), 4) if bp + br else 0.0
    res["items"] = len(keys)
    return res


def linking_by_kind(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Pairwise linking over the items found, split by the languages of the two items' reports
    ("en-ru": a Russian form and an English one, the cross-script pairs; "ru-ru": Russian case
    forms and spellings; "en-en"). A report's language is the gold's ``language`` (default "en")."""
    files = {d["file"] for d in gold["documents"]}
    language = {d["file"]: d.get("language") or "en" for d in gold["documents"]}
    gold_of = _items(gold["persons"], files)
    pred_of = _items(pred.get("persons", []), files)
    keys = sorted(set(gold_of) & set(pred_of))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            a, b = keys[i], keys[j]
            g = gold_of[a] == gold_of[b]
            p = pred_of[a] == pred_of[b]
            c = counts["-".join(sorted((language[a[0]], language[b[0]])))]
            c[0] += g and p
            c[1] += p and not g
            c[2] += g and not p
    return {kind: prf(tp, tp + fp, tp + fn) for kind, (tp, fp, fn) in sorted(counts.items())}


def score(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    """All metrics for ``pred`` (gold-shaped JSON) against ``gold`` (from :func:`load_gold`)."""
    files = {d["file"] for d in gold["documents"]}
    out: dict[str, Any] = {}
    pdocs = {Path(d.get("file", "")).name: d for d in pred.get("documents", [])}
    acc: dict[str, int] = defaultdict(int)
    for g in gold["documents"]:
        p = pdocs.get(g["file"], {})
        acc["publisher"] += publisher_family(p.get("publisher")) == publisher_family(g["publisher"])
        acc["country"] += country_key(p.get("country")) == country_key(g["country"])
        acc["period"] += str(p.get("period")) == str(g["period"])
        acc["title"] += (
            difflib.SequenceMatcher(None, norm(p.get("title")), norm(g["title"])).ratio() >= 0.8
        )
    out["documents"] = {
        k: round(acc[k] / len(gold["documents"]), 4)
        for k in ("publisher", "country", "period", "title")
    }
    gold_of = _items(gold["persons"], files)
    pred_of = _items(pred.get("persons", []), files)
    out["mentions"] = prf(len(set(gold_of) & set(pred_of)), len(pred_of), len(gold_of))
    found = sum(
        1
        for p in gold["persons"]
        for f, forms in p["mentions"].items()
        if any((f, norm(x)) in pred_of for x in forms)
    )
    total = sum(len(p["mentions"]) for p in gold["persons"])
    out["person_file_recall"] = round(found / total, 4) if total else 0.0
    out["resolution"] = _linking(gold_of, pred_of)
    by_form: dict[str, set[Any]] = defaultdict(set)
    for (_, form), pid in pred_of.items():
        by_form[form].add(pid)
    merged = [
        h["pair"]
        for h in gold["hard_negatives"]
        if by_form[norm(h["pair"][0])] & by_form[norm(h["pair"][1])]
    ]
    out["resolution"]["hard_negative_merges"] = len(merged)
    out["resolution"]["hard_negative_list"] = merged
    out["events"] = _events(gold, pred, files, gold_of, pred_of)
    return out


def _person_map(
    gold_of: dict[tuple[str, str], str], pred_of: dict[tuple[str, str], str]
) -> dict[str, str]:
    """Each predicted person -> the gold person it shares the most (file, form) items with."""
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for k, pid in pred_of.items():
        if k in gold_of:
            votes[pid][gold_of[k]] += 1
    return {pid: max(v, key=lambda g: v[g]) for pid, v in votes.items()}


def _events(
    gold: dict[str, Any],
    pred: dict[str, Any],
    files: set[str],
    gold_of: dict[tuple[str, str], str],
    pred_of: dict[tuple[str, str], str],
) -> dict[str, Any]:
    pmap = _person_map(gold_of, pred_of)
    gold_ev: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for e in gold["events"]:
        gold_ev[(e["file"], e["person"], e["type"])].append(e)
    pred_ev: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    npred = 0
    for e in pred.get("events", []):
        f = Path(e.get("file", "")).name
        if f in files:
            npred += 1
            pred_ev[(f, pmap.get(e.get("person")), e.get("type"))].append(e)
    tp = date_ok = date_n = sanc_ok = sanc_n = ch_ok = ch_n = 0
    for k, gl in gold_ev.items():
        pl = list(pred_ev.get(k, []))
        for g in sorted(gl, key=lambda e: e.get("date") is None):
            if not pl:
                break
            best = next((p for p in pl if p.get("date") == g.get("date")), pl[0])
            pl.remove(best)
            tp += 1
            date_n += 1
            date_ok += best.get("date") == g.get("date")
            if g.get("sanction"):
                sanc_n += 1
                gs, ps = g["sanction"], best.get("sanction") or {}
                sanc_ok += all(
                    str(gs.get(x)) == str(ps.get(x))
                    for x in ("kind", "years", "months", "days", "hours", "amount", "currency")
                    if gs.get(x) is not None
                )
            if g.get("charge"):
                ch_n += 1
                a, b = norm(g["charge"]), norm(best.get("charge"))
                ch_ok += bool(b) and (a in b or b in a)
    res: dict[str, Any] = prf(tp, npred, len(gold["events"]))
    res["date_acc"] = round(date_ok / date_n, 4) if date_n else 0.0
    res["sanction_acc"] = round(sanc_ok / sanc_n, 4) if sanc_n else 0.0
    res["charge_acc"] = round(ch_ok / ch_n, 4) if ch_n else 0.0
    return res


def side_accuracy(gold: dict[str, Any], pred: dict[str, Any]) -> float:
    """Share of gold persons found by ``pred`` whose side (target/state/other) agrees.

    Not part of the reference scorer; a predicted person is matched to the gold person whose
    (file, form) items it shares most.
    """
    files = {d["file"] for d in gold["documents"]}
    gold_of = _items(gold["persons"], files)
    sides = {p["id"]: p.get("side") for p in gold["persons"]}
    hits = total = 0
    for p in pred.get("persons", []):
        votes: dict[str, int] = defaultdict(int)
        for f, forms in (p.get("mentions") or {}).items():
            for form in forms:
                if (gid := gold_of.get((Path(f).name, norm(form)))) is not None:
                    votes[gid] += 1
        if votes:
            total += 1
            hits += sides[max(votes, key=lambda s: votes[s])] == p.get("side")
    return round(hits / total, 4) if total else 0.0


def spacy_baseline(docs: list[Any]) -> dict[str, Any]:
    """The yardstick: bare spaCy PERSON entities, exact-string linking, no events."""
    from docket.extract.nlp import load_nlp

    nlp = load_nlp()
    persons: dict[str, dict[str, Any]] = {}
    for doc in docs:
        for sdoc in nlp.pipe([p.text for p in doc.paragraphs]):
            for ent in sdoc.ents:
                if ent.label_ != "PERSON":
                    continue
                p = persons.setdefault(ent.text, {"id": ent.text, "mentions": {}})
                forms = p["mentions"].setdefault(doc.file_name, [])
                if ent.text not in forms:
                    forms.append(ent.text)
    documents = [
        {
            "file": d.file_name,
            "publisher": d.metadata.publisher,
            "country": d.metadata.country,
            "period": d.metadata.period,
            "title": d.metadata.title,
        }
        for d in docs
    ]
    return {"documents": documents, "persons": list(persons.values()), "events": []}

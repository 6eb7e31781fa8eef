#!/usr/bin/env python3
"""Mine given names from raw report text (no annotation): the documented command behind
``docket/data/given_names_mined.json``.

usage: python scripts/mine_given_names.py [CORPUS_DIR ...] [--exclude-gold GOLD_DIR ...] [--min-files 2]

A capitalised two- or three-word run that a role word introduces ("journalist X Y", "activists X Y
and Z W", "lawyer X Y") or that an apposition follows ("X Y, a blogger") is taken as a person's
name, and its first word as a given name. A word becomes a given name when it opens such runs in
at least ``--min-files`` different reports and never names a country, an organisation or a
nationality. Reports annotated by the gold sets given with ``--exclude-gold`` are skipped, so the
lexicon never sees the texts it is scored on.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docket.extract.personness import lexicons  # noqa: E402
from docket.extract.persons import cues  # noqa: E402

_WORD = r"[A-Z][a-z’'-]{1,20}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    ap.add_argument(
        "--exclude-gold",
        nargs="*",
        default=sorted(str(p) for p in (ROOT.parent / "shared" / "gold").glob("*/")),
    )
    ap.add_argument("--min-files", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "docket" / "data" / "given_names_mined.json"))
    a = ap.parse_args()
    excluded = set()
    for g in a.exclude_gold:
        docs = Path(g) / "documents.json"
        if docs.exists():
            excluded |= {d["file"] for d in json.loads(docs.read_text())}
    roles = sorted((re.escape(r) for r in cues().roles), key=len, reverse=True)
    intro = re.compile(rf"\b(?:{'|'.join(roles)})\s+({_WORD})\s+({_WORD})(?:\s+({_WORD}))?\b")
    appos = re.compile(
        rf"\b({_WORD})\s+({_WORD}),\s+(?:a|an|the)\s+(?:\w+\s+){{0,3}}(?:{'|'.join(roles)})\b"
    )
    lex = lexicons()
    bad = (
        set(cues().not_names)
        | lex.org_words
        | lex.demonyms
        | lex.countries
        | {w for t in cues().titles for w in t}
    )
    files_of: dict[str, set[str]] = defaultdict(set)
    read = 0
    for root in a.corpus:
        for f in sorted(Path(root).rglob("*.txt")):
            if f.name in excluded or f.name == "README.md":
                continue
            read += 1
            text = f.read_text(encoding="utf-8", errors="replace")
            for rx in (intro, appos):
                for m in rx.finditer(text):
                    words = [w for w in m.groups() if w]
                    if any(w in bad for w in words):
                        continue
                    files_of[words[0]].add(f.name)
    names = sorted(w for w, fs in files_of.items() if len(fs) >= a.min_files and len(w) >= 3)
    Path(a.out).write_text(
        json.dumps(
            {
                "_about": "Given names mined from raw report text by scripts/mine_given_names.py (no annotation; the gold "
                f"sets' reports excluded): first words of role-introduced names in at least {a.min_files} reports.",
                "reports_read": read,
                "given": names,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"{read} reports read ({len(excluded)} gold reports excluded); {len(names)} given names -> {a.out}"
    )


if __name__ == "__main__":
    main()

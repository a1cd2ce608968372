#!/usr/bin/env python3
"""Prints criterion's medians as Markdown tables, each contestant as a ratio to the raw driver.

Usage: python3 report.py [target/criterion]   (after `cargo bench`)
"""
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "target", "criterion")
RAW = {"rusqlite", "tokio_postgres"}
ORDER = ["rusqlite", "tokio_postgres", "bunary_typed", "bunary_rows", "bunary", "diesel", "sqlx", "sea_orm"]


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


for group in sorted(os.listdir(root)):
    gdir = os.path.join(root, group)
    if not os.path.isdir(gdir) or group == "report":
        continue
    results = {}  # (param) -> {contestant: ns}
    for contestant in os.listdir(gdir):
        cdir = os.path.join(gdir, contestant)
        if not os.path.isdir(cdir) or contestant == "report":
            continue
        direct = os.path.join(cdir, "new", "estimates.json")
        entries = [("", direct)] if os.path.exists(direct) else [
            (p, os.path.join(cdir, p, "new", "estimates.json")) for p in os.listdir(cdir) if p != "report"
        ]
        for param, path in entries:
            if os.path.exists(path):
                with open(path) as f:
                    results.setdefault(param, {})[contestant] = json.load(f)["median"]["point_estimate"]
    if not results:
        continue
    contestants = [c for c in ORDER if any(c in r for r in results.values())]
    print(f"\n### {group}\n")
    print("| " + " | ".join(["N"] + contestants) + " |")
    print("|" + " --- |" * (len(contestants) + 1))
    for param in sorted(results, key=lambda p: int(p) if p.isdigit() else 0):
        row = results[param]
        raw = next((row[c] for c in RAW if c in row), None)
        cells = []
        for c in contestants:
            if c not in row:
                cells.append("")
            elif c in RAW or raw is None:
                cells.append(fmt(row[c]))
            else:
                cells.append(f"{row[c] / raw:.2f}× ({fmt(row[c])})")
        print("| " + " | ".join([param or "-"] + cells) + " |")

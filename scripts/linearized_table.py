#!/usr/bin/env python3
"""Markdown tables for RESULTS.md from `lorank linearized --out DIR` folders (DIR/results.json).

usage: scripts/linearized_table.py OUT_DIR...   (each a folder holding results.json, any number of seeds and lambdas;
       folders of the same model and task are merged into one row, a seed present twice counted once)
Prints, per task and lambda fraction: test metric mean ± std over seeds for zero-shot, each LoRA rank and the convex
solution; the certified count per rank; the minimal certified rank; the convex solution's SVT rank (max over targets);
the largest |LoRA - convex| objective gap relative to the convex objective; and the seconds per solve.
"""
import json
import statistics
import sys


def ms(xs, scale=100.0, digits=1):
    xs = [x for x in xs if x == x]
    if not xs:
        return "–"
    m = statistics.mean(xs) * scale
    if len(xs) == 1:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ± {statistics.stdev(xs) * scale:.{digits}f}"


def main(dirs):
    reports = [json.load(open(d.rstrip("/") + "/results.json")) for d in dirs]
    fractions = sorted({s["lambdaFraction"] for r in reports for s in r["seeds"]}, reverse=True)
    for frac in fractions:
        ranks = sorted({row["rank"] for r in reports for s in r["seeds"] if s["lambdaFraction"] == frac
                        for row in s["rows"] if row["rank"] > 0})
        print(f"\n**λ = {frac:g}·λ_max** (test metric in %, mean ± std over seeds; ✓ = certified / seeds; (dN): N seeds within 1e-6 of the best dual bound, shown where it differs)\n")
        head = ["task", "metric", "N", "K", "paper-1 r", "seeds", "zero-shot"] + [f"r={r}" for r in ranks] + \
               ["convex", "minimal certified r", "convex rank (max over targets)", "max rel. gap LoRA − convex"]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        groups = {}  # one row per (model, task, N, K): seeds of the same cell run in several folders are merged
        for r in reports:
            key = (r.get("model"), r["task"], r["examples"], r["outputs"])
            groups.setdefault(key, (r, []))[1].extend(s for s in r["seeds"] if s["lambdaFraction"] == frac)
        for r, seeds in groups.values():
            seeds = sorted({s["seed"]: s for s in seeds}.values(), key=lambda s: s["seed"])
            if not seeds:
                continue
            cells = [r["task"], r["metric"], str(r["examples"]), str(r["outputs"]), str(r["paper1Rank"]), str(len(seeds))]

            def rows(label):
                return [row for s in seeds for row in s["rows"] if row["label"] == label]
            cells.append(ms([x["testMetric"] for x in rows("zero-shot")]))
            gaps = []
            for k in ranks:
                rr = rows(f"r={k}")
                if not rr:
                    cells.append("–")
                    continue
                ok = sum(1 for x in rr if x["verdict"] == "CERTIFIED_GLOBAL")
                # within 1e-6 of the seed's best dual bound (results written since that field exists)
                dual = sum(1 for x in rr if x.get("gapToBestDual") is not None and x["gapToBestDual"] <= 1e-6)
                extra = f" (d{dual})" if any("gapToBestDual" in x for x in rr) and dual != ok else ""
                cells.append(f"{ms([x['testMetric'] for x in rr])} ✓{ok}/{len(rr)}{extra}")
            for s in seeds:
                cvx = [row for row in s["rows"] if row["label"] == "convex"][0]
                for row in s["rows"]:
                    if row["rank"] > 0 and row["gapToConvex"] == row["gapToConvex"]:
                        gaps.append(abs(row["gapToConvex"]) / abs(cvx["objective"]))
            cv = rows("convex")
            conv_ok = sum(1 for x in cv if x["verdict"].endswith("CERTIFIED_GLOBAL"))
            cells.append(f"{ms([x['testMetric'] for x in cv])} ✓{conv_ok}/{len(cv)}")
            mins = [s["minimalCertifiedRank"] for s in seeds]
            cells.append(", ".join("none" if m < 0 else str(m) for m in mins))
            cells.append(", ".join(str(max(s["convexRanks"])) if s.get("convexRanks") else "?" for s in seeds))
            cells.append(f"{max(gaps):.1e}" if gaps else "–")
            print("| " + " | ".join(cells) + " |")
    print()
    for r in reports:
        print(f"- {r['task']}: {r['seconds']:.0f} s wall for {len({s['seed'] for s in r['seeds']})} seeds "
              f"(factors {statistics.mean(s['trainFactorMiB'] for s in r['seeds']):.0f} MiB per seed, test {r['testSize']})")


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""Mean ± std over seeds of the C* estimates written by docs/phase/run-phase.sh (reads */phase.json)."""
import json, pathlib, statistics, sys, collections

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/phase")
groups = collections.defaultdict(list)
for f in sorted(root.glob("*/phase.json")):
    name = f.parent.name
    key = name.rsplit("-s", 1)[0] if "-s" in name and name.rsplit("-s", 1)[1].isdigit() else name
    groups[key].append(json.loads(f.read_text()))

def ms(xs):
    xs = [x for x in xs if x == x]
    if not xs:
        return "n/a"
    return f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs):.3f}" if len(xs) > 1 else f"{xs[0]:.3f}"

print("| run | seeds | estimate | C* mean ± std over seeds | 95% bootstrap intervals (per seed) | 1.35 inside? |")
print("|---|---|---|---|---|---|")
for key, runs in groups.items():
    seeds = ",".join(str(r["config"]["seed"]) for r in runs)
    rows = [("pooled", [r["pooled"] for r in runs])]
    for rank in runs[0]["per_rank"]:
        rows.append((f"r = {rank}", [r["per_rank"][rank] for r in runs]))
    rows.append(("pooled, tol 1e-6", [r["pooled_loose_tolerance"] for r in runs]))
    for label, ests in rows:
        ivs = " ".join(f"[{e['cstar_low']:.3f}, {e['cstar_high']:.3f}]" for e in ests)
        inside = sum(1 for e in ests if e["cstar_low"] <= 1.35 <= e["cstar_high"])
        print(f"| {key} | {seeds} | {label} | {ms([e['cstar'] for e in ests])} | {ivs} | {inside}/{len(ests)} |")

print()
print("| run | r | d(r) | success at KN = d+1 | at KN = d (rho = 1) | at KN = d-1 | at KN = d-2 | seconds/run |")
print("|---|---|---|---|---|---|---|---|")
for key, runs in groups.items():
    ranks = runs[0]["config"]["ranks"]
    secs = statistics.mean(r["seconds"] for r in runs)
    for rank in ranks:
        d = None
        tally = collections.defaultdict(lambda: [0, 0])
        for r in runs:
            for c in r["cells"]:
                if c["r"] == rank:
                    d = c["dimension"]
                    tally[c["kn"]][0] += c["successes"]
                    tally[c["kn"]][1] += c["trials"]
        def cell(kn):
            s, t = tally.get(kn, (0, 0))
            return f"{s}/{t}" if t else "-"
        print(f"| {key} | {rank} | {d} | {cell(d + 1)} | {cell(d)} | {cell(d - 1)} | {cell(d - 2)} | {secs:.0f} |")

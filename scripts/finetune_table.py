"""Markdown table of lorank finetune runs: one row per (model, task, method) over the seed-S/metrics.json found
under the given folders. Mean ± sample std over seeds; nothing is estimated (a cell lists the seeds it has).

  python3 scripts/finetune_table.py RUNS_DIR...

A seed found twice for one (model, task, method) counts once (the run with diagnostics is kept); a second run with a
different test metric is reported on stderr, since same-seed training is bit-identical.
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

cells = defaultdict(list)
for root in sys.argv[1:]:
    for f in sorted(Path(root).glob("*/seed-*/metrics.json")):
        m = json.loads(f.read_text())
        run_json = f.parent.parent / "run.json"  # the run folder's own record, when the folder has one
        if run_json.exists():
            cfg = json.loads(run_json.read_text())["config"]
            model = {"all-minilm-l6-v2": "minilm"}.get(cfg["model"], cfg["model"].split("-")[0])
            task = cfg["task"].lower().replace("-", "")
        else:  # older runs: the folder name, e.g. minilm-sst2-r12-s13
            run = f.parent.parent.name
            model, task = run.split("-")[0], run.split("-")[1]
        method = "full" if m["method"] == "full" else "r=%d" % m["lora"]["rank"]
        seen = cells[(model, task, method)]
        twin = next((x for x in seen if x["seed"] == m["seed"]), None)
        if twin is None:
            seen.append(m)
            continue
        # the same seed run twice (e.g. again with --diagnostics): one entry; training is deterministic, so a
        # different test metric is worth a warning
        if twin["test_metric"] != m["test_metric"]:
            print(f"warning: {model} {task} {method} seed {m['seed']}: test metric {twin['test_metric']} and "
                  f"{m['test_metric']} in two runs ({f})", file=sys.stderr)
        if m.get("diagnostics") and not twin.get("diagnostics"):
            seen[seen.index(twin)] = m


def ms(xs, scale=100, nd=1):
    if not xs:
        return "–"
    if len(xs) == 1:
        return f"{scale * xs[0]:.{nd}f} (n=1)"
    return f"{scale * statistics.mean(xs):.{nd}f} ± {scale * statistics.stdev(xs):.{nd}f}"


order = {"r=1": 0, "r=2": 1, "r=4": 2, "r=8": 3, "r=12": 4, "r=16": 5, "full": 6}
print("| model | task | method | seeds | test metric % | train s (mean) | max ‖ΔW‖/‖W0‖ | eNTK alignment | "
      "linearized agreement % | linearized / trained test % (same examples) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(cells, key=lambda k: (k[0], k[1], order.get(k[2], 9))):
    ms_ = cells[key]
    seeds = ",".join(str(m["seed"]) for m in sorted(ms_, key=lambda m: m["seed"]))
    test = [m["test_metric"] for m in ms_]
    secs = statistics.mean(m["train_seconds"] for m in ms_)
    dw = [max(m["delta_w_over_w0"].values()) for m in ms_]
    d = [m["diagnostics"] for m in ms_ if m.get("diagnostics")]
    al = [x["entk_alignment_train"] for x in d]
    ag = [x["linearized_agreement_test"] for x in d if x.get("linearized_agreement_test") is not None]
    lin = [x["linearized_test_metric"] for x in d if x.get("linearized_test_metric") is not None]
    tr = [x["trained_test_metric_same_examples"] for x in d if x.get("trained_test_metric_same_examples") is not None]
    print(f"| {key[0]} | {key[1]} | {key[2]} | {seeds} | {ms(test)} | {secs:.0f} | "
          f"{statistics.mean(dw):.2e} | {ms(al, 1, 4) if al else '–'} | {ms(ag) if ag else '–'} | "
          f"{(ms(lin) + ' / ' + ms(tr)) if lin else '–'} |")

"""Runs only the training sections of ../shared/peer/bench.py (2_train_full and 3_lora_r<R>) and writes their JSON,
for `lorank bench train --peer FILE`. Same code, context, timing and annotations as bench.py; nothing else runs.

  OPENBLAS_CORETYPE=ZEN /usr/bin/python3 scripts/peer_train.py --peer-dir ../shared/peer --out /tmp/peer-train.json
(ZEN on AMD Zen: SKYLAKEX, the peer README's setting for its Xeon, dies with SIGILL on a CPU without AVX-512)
"""
import argparse
import json
import sys
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("--peer-dir", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "peer"))
ap.add_argument("--out", required=True)
ap.add_argument("--runs", type=int, default=9)
ap.add_argument("--rank", type=int, default=8)
a = ap.parse_args()
sys.path.insert(0, a.peer_dir)
import torch  # noqa: E402
import bench  # noqa: E402
import minilm  # noqa: E402

torch.set_num_threads(2)
torch.manual_seed(0)
onnx_path, _ = minilm.unpack(None, None)
ctx = bench.Ctx(onnx_path)
ctx.probe = False
res = {"machine": bench.machine_info(), "shape": {"N": bench.N, "T": bench.T, "K": bench.K}}
for key in ("3_lora_r%d" % a.rank, "2_train_full"):
    prep, call = bench.make(ctx, key)
    prep()
    r = bench.annotate(key, bench.timeit(call, a.runs, 2), ctx)
    res[key] = r
    print(key, {k: round(v, 4) for k, v in r.items() if k in ("median_s", "min_s", "max_s", "tokens_per_s")}, flush=True)
Path(a.out).write_text(json.dumps(res, indent=1))
print("wrote", a.out)

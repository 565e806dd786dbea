#!/usr/bin/python3
"""The PyTorch peer's eNTK sections only (5 factors, 6a/6c Gram, 7c factored LoRA step), for `lorank bench ntk --peer`.

Runs ../shared/peer/bench.py's own section code (same model, inputs, shapes, timing) without its other sections:
  OPENBLAS_CORETYPE=ZEN /usr/bin/python3 scripts/peer_ntk.py --peer-dir ../shared/peer --runs 3 --out /tmp/peer-ntk.json
(ZEN or HASWELL on AVX2-only CPUs; SKYLAKEX only where the CPU has AVX-512, else "Illegal instruction")
"""
import argparse
import json
import sys
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("--peer-dir", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "peer"))
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--out", required=True)
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
res = {"machine": bench.machine_info(), "shape": {"N": bench.N, "T": bench.T, "K": bench.K, "d": bench.d,
                                                  "lin_rank": bench.RANK_LIN}}
for key in ("5_factors", "6a_gram_dense", "6c_gram_via_G_from_factors", "7c_lin_factored"):
    prep, call = bench.make(ctx, key)
    prep()
    res[key] = bench.timeit(call, a.runs, 1)
    print(f"{key:28s} median {res[key]['median_s']:.4f} s", flush=True)
Path(a.out).write_text(json.dumps(res, indent=1))
print("wrote", a.out)

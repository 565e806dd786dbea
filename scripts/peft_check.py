"""Reads a lorank adapter the way Hugging Face PEFT does, in an independent PyTorch MiniLM, and compares embeddings.

PEFT itself cannot be installed here (no PyPI), so this script applies PEFT's documented semantics by hand to the
PyTorch peer's MiniLM (../shared/peer/minilm.py: HF module names, weights from the ONNX file, not from lorank):
  - keys  base_model.model.<HF module>.lora_A.weight [r, in] and ...lora_B.weight [out, r] (what
    peft.set_peft_model_state_dict expects before it inserts the adapter name), nothing else but modules_to_save;
  - W = W0 + scaling * B @ A with scaling = lora_alpha / r, or lora_alpha / sqrt(r) when use_rslora
    (rank_pattern / alpha_pattern override r and alpha per module, as in PEFT's LoraConfig);
  - the safetensors header carries {"format": "pt"}.
It then mean-pools the last hidden state of each text and compares with `lorank embed --model MERGED --json` on the
folder `lorank merge` wrote from the same adapter. The base model's embeddings are printed beside them, so the
agreement can be read against the size of the adapter's own effect.

  /usr/bin/python3 scripts/peft_check.py --adapter DIR --lorank-json EMB.json [--peer-dir ../shared/peer] TEXT...
"""
import argparse
import json
import math
import re
import struct
import sys
from pathlib import Path

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--adapter", required=True, help="lorank finetune's seed-S/adapter/ folder")
ap.add_argument("--lorank-json", required=True, help="`lorank embed --json` output on the merged folder, same texts")
ap.add_argument("--peer-dir", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "peer"))
ap.add_argument("texts", nargs="+")
args = ap.parse_args()
sys.path.insert(0, args.peer_dir)
import torch  # noqa: E402
import minilm  # noqa: E402


def read_safetensors(path):
    """(tensors, metadata) from a .safetensors file: 8-byte little-endian header length, JSON header, raw data."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    dtypes = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "BF16": None}
    out = {}
    for name, h in header.items():
        if dtypes.get(h["dtype"]) is None:
            raise SystemExit(f"{path}: tensor {name} has dtype {h['dtype']}, not handled by this check")
        a, b = h["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=dtypes[h["dtype"]]).reshape(h["shape"])
    return out, meta


adapter = Path(args.adapter)
cfg = json.loads((adapter / "adapter_config.json").read_text())
tensors, meta = read_safetensors(adapter / "adapter_model.safetensors")
assert cfg["peft_type"] == "LORA" and cfg["fan_in_fan_out"] is False, cfg
assert meta.get("format") == "pt", f"safetensors metadata {meta}: PEFT/transformers expect format=pt"

onnx_path, tok_path = minilm.unpack()
model = minilm.load_model(onnx_path)
base = minilm.load_model(onnx_path)
modules = dict(model.named_modules())
key = re.compile(r"^base_model\.model\.(.+)\.lora_([AB])\.weight$")
pairs, saved = {}, []
for name, t in tensors.items():
    m = key.match(name)
    if m:
        pairs.setdefault(m.group(1), {})[m.group(2)] = t
    elif any(f".{s}." in name or name.startswith(f"base_model.model.{s}") for s in cfg.get("modules_to_save") or []):
        saved.append(name)
    else:
        raise SystemExit(f"unexpected tensor {name}: PEFT would not load it")
print(f"adapter: r={cfg['r']} lora_alpha={cfg['lora_alpha']} rslora={cfg.get('use_rslora')} "
      f"targets={cfg['target_modules']} modules_to_save={cfg.get('modules_to_save')}; "
      f"{len(pairs)} LoRA pairs, {len(saved)} saved-module tensors")
max_rel = 0.0
with torch.no_grad():
    for module, ab in sorted(pairs.items()):
        lin = modules[module]  # KeyError = a name PEFT would not find in a BertModel
        short = module.split(".")[-1]
        r = cfg.get("rank_pattern", {}).get(module, cfg.get("rank_pattern", {}).get(short, cfg["r"]))
        alpha = cfg.get("alpha_pattern", {}).get(module, cfg.get("alpha_pattern", {}).get(short, cfg["lora_alpha"]))
        a, b = torch.from_numpy(ab["A"].copy()), torch.from_numpy(ab["B"].copy())
        assert a.shape == (r, lin.in_features) and b.shape == (lin.out_features, r), (module, a.shape, b.shape)
        scaling = alpha / math.sqrt(r) if cfg.get("use_rslora") else alpha / r
        delta = scaling * (b.double() @ a.double())
        lin.weight.copy_((lin.weight.double() + delta).float())
        max_rel = max(max_rel, float(delta.norm() / base.get_submodule(module).weight.double().norm()))
print(f"max |dW|_F / |W0|_F over the targets: {max_rel:.3e}")

tok = minilm.WordPiece(tok_path)
ids, mask = tok.batch(args.texts)
with torch.no_grad():
    ours = minilm.mean_pool(model(ids, mask), mask).double().numpy()
    at_w0 = minilm.mean_pool(base(ids, mask), mask).double().numpy()
theirs = np.array(json.loads(Path(args.lorank_json).read_text())["embeddings"], dtype=np.float64)
assert theirs.shape == ours.shape, (theirs.shape, ours.shape)
for i, text in enumerate(args.texts):
    d = np.abs(theirs[i] - ours[i]).max()
    effect = np.abs(at_w0[i] - ours[i]).max()
    cos = float(theirs[i] @ ours[i] / np.linalg.norm(theirs[i]) / np.linalg.norm(ours[i]))
    print(f"text {i}: max |lorank merged - PyTorch+PEFT semantics| = {d:.2e}, cosine {cos:.8f}; "
          f"adapter's own effect max |f(W0+dW) - f(W0)| = {effect:.2e}")
worst = float(np.abs(theirs - ours).max())
effect = float(np.abs(at_w0 - ours).max())
ok = worst <= 1e-4 and worst * 10 < effect
print(("PASS" if ok else "FAIL") + f": max difference {worst:.2e} (tolerance 1e-4, and under a tenth of the adapter's effect {effect:.2e})")
sys.exit(0 if ok else 1)

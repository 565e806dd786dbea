#!/usr/bin/env bash
# Reproduces the "C* phase transition" figures of RESULTS.md. Outputs go to ${OUT:-runs/phase} (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-runs/phase}"
mkdir -p "$out"
for seed in 13 21 42 87 100; do
  ./lorank phase --m 16 --n 16 --ranks 1,2,3 --trials 100 --seed "$seed" --out "$out/lm-16x16-s$seed" > "$out/lm-16x16-s$seed.txt"
  ./lorank phase --m 32 --n 32 --ranks 1,2 --trials 100 --seed "$seed" --out "$out/lm-32x32-s$seed" > "$out/lm-32x32-s$seed.txt"
  ./lorank phase --m 16 --n 48 --ranks 1,2 --trials 100 --seed "$seed" --out "$out/lm-16x48-s$seed" > "$out/lm-16x48-s$seed.txt"
done
# First-order baseline: gradient descent (Armijo steps), success = loss <= 1e-6 x initial, budget sweep.
for budget in 100 300 1000 3000; do
  ./lorank phase --m 16 --n 16 --ranks 1,2 --trials 100 --seed 42 --solver GD --max-iterations "$budget" \
    --tolerance 1e-6 --out "$out/gd-16x16-b$budget" > "$out/gd-16x16-b$budget.txt"
done
# Diagnostic: up to 5 inits per (G, y) draw; separates optimizer failures from "no rank-r solution exists".
./lorank phase --m 16 --n 16 --ranks 1,2,3 --trials 100 --seed 42 --restarts 5 --out "$out/lm5-16x16-s42" > "$out/lm5-16x16-s42.txt"
./lorank phase --m 32 --n 32 --ranks 1,2 --trials 100 --seed 42 --restarts 5 --out "$out/lm5-32x32-s42" > "$out/lm5-32x32-s42.txt"

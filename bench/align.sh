#!/usr/bin/env bash
# Scaling of bitext alignment: time, peak memory and accuracy for 1k / 10k / 100k sentences.
#
# Builds long one-sentence-per-line documents from the gold sets in ../shared/data (NTREX-128,
# TICO-19, UD-PUD in the "hard" variant: 2-1/1-2 merges, 1-0/0-1 deletions; repeated with
# different seeds, paragraph breaks removed so each document is ONE block of N sentences), then
# aligns them on one core (taskset -c 0) with the translations already available (--mt-file, the
# 30%-noisy oracle: a simulation) and with --no-mt, and prints a Markdown table.
#
#   bench/align.sh [SIZES...]        default: 1000 10000 100000
#
# Needs a release build (cargo build --release), python3 and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ALIGN_BIN:-${CARGO_TARGET_DIR:-target}/release/align}
DATA=${DATA:-../shared/data}
OUT=${OUT:-bench-out/align}
SIZES=("${@:-1000 10000 100000}")
SIZES=(${SIZES[@]})
[ -x "$BIN" ] || { echo "bench-align: build first: cargo build --release ($BIN missing)" >&2; exit 1; }
mkdir -p "$OUT"

max=0
for n in "${SIZES[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
# Each seed gives about 5,800 source sentences.
seeds=$(( max / 5000 + 1 ))
for seed in $(seq 1 "$seeds"); do
  if [ ! -f "$OUT/seed$seed/tico.hard.all.gold" ]; then
    "$BIN" eval align --data "$DATA" --split all --variants hard --systems gale-church \
      --seed "$seed" --write "$OUT/seed$seed" >/dev/null 2>&1
  fi
done

python3 - "$OUT" "$seeds" "${SIZES[@]}" <<'EOF'
import ast, os, sys
out, seeds, sizes = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
def lines(p):
    return [l for l in open(p, encoding="utf-8").read().split("\n") if l.strip()]
def beads(p):
    res = []
    for l in open(p):
        f = l.strip().split(":")
        res.append((ast.literal_eval(f[0]), ast.literal_eval(f[1])))
    return res
ar, en, mt, gold = [], [], [], []
for seed in range(1, seeds + 1):
    for s in ("ntrex", "tico", "pud"):
        stem = f"{out}/seed{seed}/{s}.hard.all"
        a, e, m, g = lines(stem + ".ar"), lines(stem + ".en"), open(stem + ".noisy30.en", encoding="utf-8").read().split("\n")[: len(lines(stem + ".ar"))], beads(stem + ".gold")
        oa, oe = len(ar), len(en)
        ar += a; en += e; mt += m
        gold += [([i + oa for i in x], [j + oe for j in y]) for x, y in g]
for n in sizes:
    # Cut at a bead boundary after n source sentences.
    k = next(i for i, (x, _) in enumerate(gold) if x and x[-1] >= n - 1) + 1
    g = gold[:k]
    ns = 1 + max(i for x, _ in g for i in x)
    nt = 1 + max((j for _, y in g for j in y), default=-1)
    with open(f"{out}/doc{n}.ar", "w", encoding="utf-8") as f: f.write("\n".join(ar[:ns]) + "\n")
    with open(f"{out}/doc{n}.en", "w", encoding="utf-8") as f: f.write("\n".join(en[:nt]) + "\n")
    with open(f"{out}/doc{n}.mt", "w", encoding="utf-8") as f: f.write("\n".join(mt[:ns]) + "\n")
    with open(f"{out}/doc{n}.gold", "w") as f:
        for x, y in g: f.write(f"{x}:{y}\n")
EOF

echo "| sentences (ar / en) | bridge | wall s | CPU s | peak RSS MB | strict F1 | lax F1 |"
echo "|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
  for bridge in mt-file no-mt; do
    flags=(--mt-file "$OUT/doc$n.mt"); [ "$bridge" = no-mt ] && flags=(--no-mt)
    res="$OUT/doc$n.$bridge.vecalign"
    /usr/bin/time -v -o "$OUT/time.txt" taskset -c 0 "$BIN" "$OUT/doc$n.ar" "$OUT/doc$n.en" --segmented \
      "${flags[@]}" --format vecalign -o "$res" --quiet
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$OUT/time.txt")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$OUT/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/time.txt")
    f1=$("$BIN" eval score -g "$OUT/doc$n.gold" -t "$res" | awk -F'|' '/F1/ {gsub(/ /,"",$3); gsub(/ /,"",$4); print $3" | "$4}')
    echo "| $(wc -l <"$OUT/doc$n.ar") / $(wc -l <"$OUT/doc$n.en") | $bridge | $wall | $cpu | $rss | $f1 |"
  done
done
echo
echo "One core (taskset -c 0). mt-file = the 30%-noisy oracle (simulated MT, made by align eval align --write)."

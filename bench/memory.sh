#!/usr/bin/env bash
# Peak memory (resident set, /usr/bin/time -v) of one large document, issue 10's "memory stays
# bounded on huge inputs": a generated input of SIZE MB (default 1000) made of NTREX-128 Arabic
# paragraphs, run through
#   1. `align segment`           (read and segment only),
#   2. `align FILE`              (the whole pipeline with the tiny test model, TMX+TSV+JSONL+HTML),
# and, for comparison, the same with a tenth of the input: flat means memory does not grow with
# the input. The text repeats, so the translation cache answers most sentences and the run
# measures reading, segmentation, alignment and writing rather than the tiny model.
#
#   bench/memory.sh [SIZE_MB]
#
# Needs python3, /usr/bin/time (Debian package time) and ../shared/data (NAZIR_SHARED). Files go
# under target/bench/memory/ and are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1000}
shared=${NAZIR_SHARED:-../shared}
out=target/bench/memory
tiny=tests/fixtures/models/opus-mt-ar-en-tiny
rm -rf "$out" && mkdir -p "$out"
say() { printf 'bench: %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { say "needs /usr/bin/time (apt-get install time)"; exit 1; }

say "building align (release)"
cargo build --release --quiet --bin align
align=target/release/align

gen() { # file megabytes
    python3 - "$shared/data/ntrex128-arb-eng/newstest2019-ref.arb.txt" "$1" "$2" <<'PY'
import random, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
rng, total = random.Random(10), int(sys.argv[3]) * 1_000_000
with open(sys.argv[2], "w", encoding="utf-8") as f:
    written = 0
    while written < total:
        # Paragraphs of 1-8 sentences, 500 at a time.
        chunk = "".join(" ".join(rng.choice(lines) for _ in range(rng.randint(1, 8))) + "\n\n" for _ in range(500))
        f.write(chunk)
        written += len(chunk.encode())
PY
}

measure() { # label file command...
    local label=$1 file=$2; shift 2
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -v "$@" 2> "$out/time.txt" > /dev/null
    end=$(date +%s.%N)
    local rss mb secs
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")
    mb=$(python3 -c "import os; print(round(os.path.getsize('$file') / 1e6))")
    secs=$(python3 -c "print(round($end - $start, 1))")
    printf '| %s | %s MB | %s | %s | %s MB |\n' "$label" "$mb" "$secs" \
        "$(python3 -c "print(round($mb / $secs, 1))")" "$(python3 -c "print(round($rss / 1024))")"
}

echo "## Peak memory of one large document ($(nproc) cores; bench/memory.sh $size_mb)"
echo
echo "| run | input | seconds | MB/s | peak RSS |"
echo "|---|---:|---:|---:|---:|"
for mb in $((size_mb / 10)) "$size_mb"; do
    in=$out/big$mb.ar.txt
    say "generating $mb MB"
    gen "$in" "$mb"
    measure "align segment" "$in" "$align" segment "$in"
    measure "align (tiny model; TMX, TSV, JSONL, HTML)" "$in" env NAZIR_CACHE_DIR="$out/cache" \
        "$align" "$in" --model "$tiny" --out-dir "$out/o" -f tmx,tsv,jsonl,html --beam 1 \
        --max-output-tokens 8 --quiet
    ls -l "$out/o" >&2
    rm -rf "$in" "$out/o"
done
rm -rf "$out"

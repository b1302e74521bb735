#!/usr/bin/env bash
# Engine and pipeline benchmark, printed as a table. Everything is measured side by side in one
# run on the same machine, so read the ratios rather than the absolute numbers.
#
#  1. Engine: Nazir's engine (ct2rs + the CTranslate2 library it links) against Python's
#     ctranslate2 from PyPI (what argos-translate and most peers run), on the same generated
#     real-size model (opus-mt-ar-en's shape: 6+6 layers, d=512, ff=2048, 8 heads, 62,834-token
#     vocabulary, int8, random weights), the same pre-tokenized sentences and the same settings.
#  2. Pipeline: `align` on an Arabic text (read, segment, translate, align, write TMX/TSV/HTML)
#     against the raw engine on the very same sentences; then the same text with repeated
#     boilerplate, where translating each distinct sentence once must beat the raw engine.
#  3. Start-up: model load, and `align` on a one-paragraph file.
#
#   bench/engine.sh [--sentences N] [--threads N] [--quick]
#
# Needs python3 with venv and pip (PyPI), ../shared/data (NTREX-128 Arabic text), and a release
# build (made here). Writes its files under target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
sentences=256 threads=2 pipeline_lines=400 quick=0
while [ $# -gt 0 ]; do
    case $1 in
        --sentences) sentences=$2; shift ;;
        --threads) threads=$2; shift ;;
        --quick) quick=1; sentences=64; pipeline_lines=60 ;;
        *) echo "usage: bench/engine.sh [--sentences N] [--threads N] [--quick]" >&2; exit 2 ;;
    esac
    shift
done
shared=${NAZIR_SHARED:-../shared}
ntrex=$shared/data/ntrex128-arb-eng/newstest2019-ref.arb.txt
[ -f "$ntrex" ] || { echo "bench: $ntrex is missing" >&2; exit 1; }
out=target/bench
mkdir -p "$out"
say() { printf 'bench: %s\n' "$*" >&2; }

# Python's ctranslate2 in its own virtualenv (the version peers install from PyPI).
py_ct2=${PY_CT2_VERSION:-4.8.5}
venv=$out/venv
if ! "$venv/bin/python" -c "import ctranslate2, sentencepiece, numpy; assert ctranslate2.__version__ == '$py_ct2'" 2>/dev/null; then
    say "creating $venv with ctranslate2==$py_ct2"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "ctranslate2==$py_ct2" sentencepiece numpy
fi
py=$venv/bin/python

model=$out/opus-mt-ar-en-real-int8
if [ ! -f "$model/model.bin" ]; then
    say "generating the real-size random model (a few minutes)"
    "$py" scripts/gen-test-models.py opus-mt "$model" --size real --quantization int8
fi

say "building align and the engine bench (release)"
scripts/setup
cargo build --release --quiet --bin align
cargo bench --bench engine --no-run --quiet 2>/dev/null
bench_bin=$(ls -t target/release/deps/engine-* | grep -v '\.d$' | head -n1)
align=target/release/align

# Sentences of 10-50 source tokens, pre-tokenized with the model's source.spm (+ </s>).
"$py" - "$model" "$ntrex" "$sentences" "$out/tokens.txt" <<'PY'
import sys, sentencepiece as spm
model, text, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sp = spm.SentencePieceProcessor(model_file=model + "/source.spm")
picked = []
for line in open(text, encoding="utf-8"):
    toks = sp.encode(line.strip(), out_type=str)
    if 10 <= len(toks) <= 50:
        picked.append(" ".join(toks + ["</s>"]))
    if len(picked) == n:
        break
open(out, "w", encoding="utf-8").write("\n".join(picked) + "\n")
PY

python_engine() { # beam max_decoding
    "$py" - "$model" "$out/tokens.txt" "$1" "$2" "$threads" <<'PY'
import json, sys, time, ctranslate2
model, tokens, beam, maxlen, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
batch = [l.split(" ") for l in open(tokens, encoding="utf-8").read().splitlines() if l]
t = ctranslate2.Translator(model, device="cpu", compute_type="int8", inter_threads=1, intra_threads=threads)
best, out = float("inf"), 0
for attempt in range(4):
    start = time.perf_counter()
    # Scores on, as Nazir needs them for its score column (and as argos-translate asks for them).
    res = t.translate_batch(batch, beam_size=beam, max_batch_size=32, max_decoding_length=maxlen, return_scores=True)
    secs = time.perf_counter() - start
    out = sum(len(r.hypotheses[0]) for r in res)
    if attempt > 0:
        best = min(best, secs)
print(json.dumps({"engine": "python", "sentences": len(batch), "output_tokens": out, "seconds": round(best, 4), "tokens_per_s": round(out / best, 1)}))
PY
}
nazir_engine() { # beam max_decoding [tokens file]
    "$bench_bin" --model "$model" --tokens "${3:-$out/tokens.txt}" --beam "$1" --max-decoding "$2" --threads "$threads" --batch 32 --repeat 3
}
field() { "$py" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo
echo "## Engine: $sentences sentences of 10-50 tokens, batch 32, max_decoding_length 40, $threads threads, int8"
echo
# RUY_ENGINE_BIN: the engine bench of a `--no-default-features --features bundled` build (CTranslate2
# compiled from source with Ruy, ct2rs' default), for the backend comparison in docs/engine.md.
ruy=${RUY_ENGINE_BIN:-}
if [ -n "$ruy" ]; then
    echo "| decoding | Python ctranslate2 $py_ct2 (tokens/s) | Nazir, prebuilt (tokens/s) | Nazir / Python | Nazir, bundled Ruy (tokens/s) | Ruy / Python |"
    echo "|---|---:|---:|---:|---:|---:|"
else
    echo "| decoding | Python ctranslate2 $py_ct2 (tokens/s) | Nazir (tokens/s) | Nazir / Python |"
    echo "|---|---:|---:|---:|"
fi
best_of() { "$py" -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }
for beam in 4 1; do
    # Alternate the two engines, twice, and keep each one's best: load from elsewhere on the
    # machine then hits both alike.
    p=$(python_engine $beam 40); n=$(nazir_engine $beam 40)
    p2=$(python_engine $beam 40); n2=$(nazir_engine $beam 40)
    pt=$(best_of "$(field "$p" tokens_per_s)" "$(field "$p2" tokens_per_s)")
    nt=$(best_of "$(field "$n" tokens_per_s)" "$(field "$n2" tokens_per_s)")
    name=$([ $beam = 1 ] && echo "greedy" || echo "beam $beam")
    if [ -n "$ruy" ]; then
        r=$("$ruy" --model "$model" --tokens "$out/tokens.txt" --beam $beam --max-decoding 40 --threads "$threads" --batch 32 --repeat 3)
        rt=$(field "$r" tokens_per_s)
        printf '| %s | %s | %s | %.2f× | %s | %.2f× |\n' "$name" "$pt" "$nt" "$("$py" -c "print($nt/$pt)")" "$rt" "$("$py" -c "print($rt/$pt)")"
    else
        printf '| %s | %s | %s | %.2f× |\n' "$name" "$pt" "$nt" "$("$py" -c "print($nt/$pt)")"
    fi
    [ "$(field "$p" output_tokens)" = "$(field "$n" output_tokens)" ] ||
        say "note: output token counts differ (python $(field "$p" output_tokens), nazir $(field "$n" output_tokens))"
done

# The pipeline on NTREX documents: one paragraph per document.
"$py" - "$shared/data/ntrex128-arb-eng" "$pipeline_lines" "$out" <<'PY'
import sys, itertools, random
root, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(root + "/newstest2019-ref.arb.txt", encoding="utf-8").read().splitlines()[:n]
docs = open(root + "/DOCUMENT_IDS.tsv", encoding="utf-8").read().splitlines()[:n]
paras = [" ".join(l for _, l in group) for _, group in itertools.groupby(zip(docs, lines), key=lambda x: x[0])]
open(out + "/article.ar.txt", "w", encoding="utf-8").write("\n\n".join(paras) + "\n")
# Web-like text: the same article with boilerplate lines between paragraphs (a third of all
# sentences repeat).
rng = random.Random(7)
boiler = ["شارك هذا المقال عبر البريد الإلكتروني.", "اقرأ أيضا: آخر الأخبار.", "جميع الحقوق محفوظة.", "تابعونا على وسائل التواصل الاجتماعي."]
mixed = []
for p in paras:
    mixed.append(p)
    mixed.extend(rng.sample(boiler, 2))
open(out + "/web.ar.txt", "w", encoding="utf-8").write("\n\n".join(mixed) + "\n")
open(out + "/one.ar.txt", "w", encoding="utf-8").write(paras[0] + "\n")
PY

pipeline_case() { # input [skip-align]
    local input=$1
    # The raw engine on exactly the sentences the pipeline translates (all of them, repeats
    # included), tokenized the same way.
    "$align" segment "$input" | grep -v '^$' > "$out/segments.txt"
    "$py" - "$model" "$out/segments.txt" "$out/segments.tokens" <<'PY'
import sys, sentencepiece as spm
sp = spm.SentencePieceProcessor(model_file=sys.argv[1] + "/source.spm")
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(" ".join(sp.encode(l, out_type=str) + ["</s>"]) for l in lines) + "\n")
PY
    local raw; raw=$(nazir_engine 4 40 "$out/segments.tokens")
    local rawsec; rawsec=$(field "$raw" seconds)
    if [ -n "${2:-}" ]; then echo "$(wc -l < "$out/segments.txt") $rawsec 0"; return; fi
    rm -rf "$out/aligned"; mkdir -p "$out/aligned"
    local best=999999
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N)
        "$align" "$input" --model "$model" --no-cache --quiet --compute-type int8 --threads "$threads" \
            --beam 4 --batch-size 32 --max-output-tokens 40 --format tmx,tsv,html --out-dir "$out/aligned"
        end=$(date +%s.%N)
        best=$("$py" -c "print(min($best, $end - $start))")
    done
    echo "$(wc -l < "$out/segments.txt") $rawsec $best"
}

load_secs=$("$py" - "$align" "$model" <<'PY'
import subprocess, sys, time
best = 1e9
for _ in range(3):
    start = time.perf_counter()
    subprocess.run([sys.argv[1], "info", "--load", "--model", sys.argv[2]], check=True, capture_output=True)
    best = min(best, time.perf_counter() - start)
print(round(best, 3))
PY
)

echo
echo "## Pipeline: align (read, segment, translate, align, write TMX+TSV+HTML) vs the raw engine on the same sentences"
echo
echo "Beam 4, batch 32, max 40 output tokens, $threads threads, int8; best of 3. The raw engine is"
echo "timed without loading the model, so the last column compares it with align minus its start-up"
echo "(\`align info --load\`: $load_secs s)."
echo
echo "| input | sentences | raw engine (s) | align, whole run (s) | engine / align | engine / (align − start-up) |"
echo "|---|---:|---:|---:|---:|---:|"
for case in article web; do
    read -r n rawsec alignsec < <(pipeline_case "$out/$case.ar.txt")
    printf '| %s | %s | %s | %.3f | %.2f× | %.2f× |\n' "$case.ar.txt" "$n" "$rawsec" "$alignsec" \
        "$("$py" -c "print($rawsec/$alignsec)")" "$("$py" -c "print($rawsec/max($alignsec-$load_secs, 1e-9))")"
done

first=$("$py" - "$align" "$model" "$out/one.ar.txt" "$out" <<'PY'
import subprocess, sys, time
best = 1e9
for _ in range(3):
    start = time.perf_counter()
    subprocess.run([sys.argv[1], sys.argv[3], "--model", sys.argv[2], "--no-cache", "--quiet", "--compute-type", "int8",
                    "--beam", "4", "--batch-size", "32", "--max-output-tokens", "40", "-f", "tsv", "-o", sys.argv[4] + "/one.tsv"],
                   check=True)
    best = min(best, time.perf_counter() - start)
print(round(best, 3))
PY
)
read -r one_n one_raw _ < <(pipeline_case "$out/one.ar.txt" 1)
echo
echo "## Start-up: a one-paragraph file"
echo
echo "| what | seconds |"
echo "|---|---:|"
echo "| process start + model load (\`align info --load\`) | $load_secs |"
echo "| the raw engine on its $one_n sentences (model already loaded) | $one_raw |"
echo "| \`align one.ar.txt\`, whole run | $first |"
printf '| overhead beyond load + translation | %.3f |\n' "$("$py" -c "print($first - $load_secs - $one_raw)")"

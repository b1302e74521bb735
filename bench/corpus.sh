#!/usr/bin/env bash
# Corpus-mode benchmark, printed as tables. Everything in one section is measured side by side
# in one run on the same machine (best of 3, runs interleaved), so read the ratios rather than
# the absolute numbers.
#
#  1. Small files: 2,000 files of 1-3 KB against one big file of the same text, with the tiny
#     test model: files/s, sentences/s, and the ratio (target: small files at most 20% slower).
#     The big file runs both in corpus mode (same engine batching) and as a single document.
#  2. Engine: corpus mode on NTREX sentences in 8-line files with the real-size random model
#     (opus-mt-ar-en's shape, int8) against the raw engine on the very same tokenized sentences
#     (target: corpus tokens/s within 5% of the engine's).
#  3. Memory: peak resident set (/usr/bin/time -v) of a corpus run over a generated ~100 MB
#     and ~1 GB input directory (a few 10-100 MB files and many 1 MB ones); flat means equal.
#
#   bench/corpus.sh [--quick] [--files N] [--real-sentences N] [--memory-mb N] [--skip-small] [--skip-real] [--skip-memory]
#
# Needs python3, /usr/bin/time (Debian package time), ../shared/data, and for section 2 a
# Python with ctranslate2 + sentencepiece ($PY, else target/bench/venv as bench/engine.sh
# makes it) to generate the real-size model once. Files go under target/bench/corpus/ (the
# 1 GB input and its outputs are deleted at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
files=2000 real_sentences=2000 memory_mb=1000 skip_small=0 skip_real=0 skip_memory=0 threads=2
while [ $# -gt 0 ]; do
    case $1 in
        --quick) files=200 real_sentences=96 memory_mb=100 ;;
        --files) files=$2; shift ;;
        --real-sentences) real_sentences=$2; shift ;;
        --memory-mb) memory_mb=$2; shift ;;
        --skip-small) skip_small=1 ;;
        --skip-real) skip_real=1 ;;
        --skip-memory) skip_memory=1 ;;
        *) echo "usage: bench/corpus.sh [--quick] [--files N] [--real-sentences N] [--memory-mb N] [--skip-small] [--skip-real] [--skip-memory]" >&2; exit 2 ;;
    esac
    shift
done
shared=${NAZIR_SHARED:-../shared}
out=target/bench/corpus
mkdir -p "$out"
say() { printf 'bench: %s\n' "$*" >&2; }
say "building align (release)"
scripts/setup >/dev/null
cargo build --release --quiet --bin align
align=$PWD/target/release/align
tiny=tests/fixtures/models/opus-mt-ar-en-tiny
export SOURCE_DATE_EPOCH=1700000000 NAZIR_CACHE_DIR=$PWD/$out/cache

# Text: sentences of NTREX-128, TICO-19 and UD-PUD Arabic, and word salad from their vocabulary
# (the tiny model does not read; sentence lengths follow the real ones). Deterministic.
python3 - "$shared/data" "$out" "$files" <<'PY'
import os, random, re, sys
data, out, nfiles = sys.argv[1], sys.argv[2], int(sys.argv[3])
real = [l.strip() for l in open(f"{data}/ntrex128-arb-eng/newstest2019-ref.arb.txt", encoding="utf-8") if l.strip()]
tmx = open(f"{data}/tico19-en-ar/all.en-ar.tmx", encoding="utf-8").read()
real += [s.strip() for s in re.findall(r'<tuv xml:lang="ar[^"]*">\s*<seg>(.*?)</seg>', tmx, re.S)]
real += [l[len("# text = "):].strip() for l in open(f"{data}/ud-pud-ar-en/ar_pud-ud-test.conllu", encoding="utf-8") if l.startswith("# text = ")]
words = [w for s in real for w in s.split() if not any(c in w for c in "<>&")]
lengths = [len(s.split()) for s in real]
rng = random.Random(9)
def sentence():
    return " ".join(rng.choice(words) for _ in range(rng.choice(lengths))).rstrip(".،؟") + rng.choice([".", ".", ".", "؟"])
small = f"{out}/small"
if not os.path.isdir(small) or len(os.listdir(small)) * 100 < nfiles:
    os.makedirs(f"{out}/big", exist_ok=True)
    texts = []
    for i in range(nfiles):
        target, paras = rng.randint(1024, 3072), []
        while True:
            p = " ".join(sentence() for _ in range(rng.randint(1, 3)))
            if paras and len(("\n\n".join(paras + [p])).encode()) > target:
                break
            paras.append(p)
            if len("\n\n".join(paras).encode()) >= target - 200:
                break
        text = "\n\n".join(paras)[:3072]
        d = f"{small}/{i // 100:03}"
        os.makedirs(d, exist_ok=True)
        open(f"{d}/f{i:05}.ar.txt", "w", encoding="utf-8").write(text + "\n")
        texts.append(text)
    open(f"{out}/big/all.ar.txt", "w", encoding="utf-8").write("\n\n".join(texts) + "\n")
PY
n_small=$(find "$out/small" -name '*.txt' | wc -l)
size_small=$(du -sb "$out/small" --apparent-size | cut -f1)

time_run() { # name command… → prints seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 -c "print(round($end - $start, 3))"
}
best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
sentences_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total']['sentences'])" "$1"; }

if [ $skip_small = 0 ]; then
say "section 1: $n_small small files against one big file (tiny model)"
engine=(--model "$tiny" --no-cache --quiet --max-output-tokens 16 --threads "$threads")
a=() b=() c=()
for _ in 1 2 3; do
    rm -rf "$out/o"
    a+=("$(time_run "$align" "$out/small" --out-dir "$out/o/small" "${engine[@]}")")
    b+=("$(time_run "$align" "$out/big/all.ar.txt" --out-dir "$out/o/single" -f jsonl,tmx,tsv,html "${engine[@]}")")
    c+=("$(time_run "$align" "$out/big" --out-dir "$out/o/bigcorpus" "${engine[@]}")")
done
sent=$(sentences_of "$out/o/small/nazir-report.json")
big_sent=$(sentences_of "$out/o/bigcorpus/nazir-report.json")
ta=$(best "${a[@]}") tb=$(best "${b[@]}") tc=$(best "${c[@]}")
echo
echo "## Small files against one big file: tiny model, $threads threads, beam 4, max 16 output tokens"
echo
echo "$n_small files of 1-3 KB ($(python3 -c "print(round($size_small/1e6, 2))") MB, $sent sentences) against the same text as one file"
echo "($big_sent sentences). Each run writes JSONL, TMX, TSV and HTML; best of 3, interleaved."
echo
echo "| run | files | seconds | files/s | sentences/s | time / one big file (corpus mode) |"
echo "|---|---:|---:|---:|---:|---:|"
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(python3 -c "print(round($2/$3, 2))")" "$(python3 -c "print(round($4/$3))")" "$(python3 -c "print(f'{$3/$tc:.2f}×')")"; }
row "corpus mode, $n_small small files" "$n_small" "$ta" "$sent"
row "corpus mode, one big file" 1 "$tc" "$big_sent"
row "single-document mode, one big file" 1 "$tb" "$big_sent"
echo
echo "Small files take $(python3 -c "print(f'{($ta/$tc - 1)*100:+.1f}')")% time against one big file in corpus mode (target: at most +20%)."
fi

if [ $skip_real = 0 ]; then
    say "section 2: corpus mode against the raw engine (real-size model)"
    py=${PY:-target/bench/venv/bin/python}
    if ! "$py" -c "import ctranslate2, sentencepiece" 2>/dev/null; then
        say "creating target/bench/venv with ctranslate2==4.8.5"
        python3 -m venv target/bench/venv
        target/bench/venv/bin/pip install -q "ctranslate2==4.8.5" sentencepiece numpy
        py=target/bench/venv/bin/python
    fi
    model=${REAL_MODEL:-target/bench/opus-mt-ar-en-real-int8}
    if [ ! -f "$model/model.bin" ]; then
        say "generating the real-size random model (a few minutes)"
        "$py" scripts/gen-test-models.py opus-mt "$model" --size real --quantization int8
    fi
    cargo bench --bench engine --no-run --quiet 2>/dev/null
    bench_bin=$(ls -t target/release/deps/engine-* | grep -v '\.d$' | head -n1)
    rm -rf "$out/real"; mkdir -p "$out/real/in"
    head -n "$real_sentences" "$shared/data/ntrex128-arb-eng/newstest2019-ref.arb.txt" |
        split -l 8 -d -a 4 --additional-suffix=.ar.txt - "$out/real/in/doc"
    # Paragraph per line, as a crawl would be; the exact sentences align translates, in order.
    for f in "$out"/real/in/*.txt; do sed -i 's/$/\n/' "$f"; "$align" segment "$f" | grep -v '^$'; done > "$out/real/segments.txt"
    "$py" - "$model" "$out/real/segments.txt" "$out/real/tokens.txt" <<'PY'
import sys, sentencepiece as spm
sp = spm.SentencePieceProcessor(model_file=sys.argv[1] + "/source.spm")
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(" ".join(sp.encode(l, out_type=str) + ["</s>"]) for l in lines) + "\n")
PY
    field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
    load=() corpus=() padded=() sorted=() uniform=()
    eng() { "$bench_bin" --model "$model" --tokens "$out/real/tokens.txt" --beam 4 --max-decoding 40 --threads "$threads" --batch 32 --repeat 1 "$@"; }
    for _ in 1 2 3; do
        load+=("$(time_run "$align" info --load --model "$model")")
        rm -rf "$out/real/o"
        corpus+=("$(time_run "$align" "$out/real/in" --out-dir "$out/real/o" --model "$model" --no-cache --quiet \
            --compute-type int8 --threads "$threads" --beam 4 --batch-size 32 --max-output-tokens 40 -f jsonl)")
        rm -rf "$out/real/o"
        padded+=("$(time_run "$align" "$out/real/in" --out-dir "$out/real/o" --model "$model" --no-cache --quiet \
            --compute-type int8 --threads "$threads" --beam 4 --batch-size 32 --max-output-tokens 40 -f jsonl --padded-batches)")
        sorted+=("$(eng)")
        uniform+=("$(eng --uniform)")
    done
    fastest() { python3 -c "import json,sys; print(json.dumps(min((json.loads(x) for x in sys.argv[1:]), key=lambda r: r['seconds'])))" "$@"; }
    eng_sorted=$(fastest "${sorted[@]}") eng_uniform=$(fastest "${uniform[@]}")
    tl=$(best "${load[@]}") tcorp=$(best "${corpus[@]}") tpad=$(best "${padded[@]}")
    toks=$(field "$eng_uniform" output_tokens)
    n=$(wc -l < "$out/real/segments.txt")
    nfiles=$(ls "$out/real/in" | wc -l)
    ts=$(field "$eng_sorted" tokens_per_s) tu=$(field "$eng_uniform" tokens_per_s)
    tcw=$(python3 -c "print(round($toks/max($tcorp-$tl,1e-9), 1))")
    tpw=$(python3 -c "print(round($toks/max($tpad-$tl,1e-9), 1))")
    echo
    echo "## Corpus mode against the raw engine: real-size random model (int8), $threads threads, beam 4, batch 32, max 40 output tokens"
    echo
    echo "$n NTREX-128 sentences in $nfiles files. The engine rows run Nazir's engine (ct2rs) on the same"
    echo "sentences pre-tokenized, in one call, without model load. The corpus row is the whole"
    echo "\`align DIR --out-dir\` run (read, segment, translate, align, write JSONL, manifest, report) minus the"
    echo "model load (\`align info --load\`: $tl s). Best of 3 rounds, each round running all four in turn."
    echo "Corpus mode batches equal-length sentences by default (reproducible outputs; the second engine"
    echo "row does the same); \`--padded-batches\` mixes lengths as the first engine row does. The"
    echo "random-weight model decodes every sentence to the 40-token limit."
    echo
    echo "| what | seconds | output tokens | tokens/s | vs engine (length-sorted batches) |"
    echo "|---|---:|---:|---:|---:|"
    printf '| engine, length-sorted batches | %s | %s | %s | 1.00× |\n' "$(field "$eng_sorted" seconds)" "$(field "$eng_sorted" output_tokens)" "$ts"
    printf '| engine, equal-length batches | %s | %s | %s | %s |\n' "$(field "$eng_uniform" seconds)" "$toks" "$tu" "$(python3 -c "print(f'{$tu/$ts:.3f}×')")"
    printf '| corpus mode (whole run − model load) | %s | %s | %s | %s |\n' "$(python3 -c "print(round($tcorp-$tl, 3))")" "$toks" "$tcw" "$(python3 -c "print(f'{$tcw/$ts:.3f}×')")"
    printf '| corpus mode, --padded-batches | %s | %s | %s | %s |\n' "$(python3 -c "print(round($tpad-$tl, 3))")" "$toks" "$tpw" "$(python3 -c "print(f'{$tpw/$ts:.3f}×')")"
    echo
    echo "Corpus mode runs at $(python3 -c "print(f'{($tcw/$ts - 1)*100:+.1f}')")% of the engine's tokens/s (target: within 5%), $(python3 -c "print(f'{($tcw/$tu - 1)*100:+.1f}')")% of the engine with equal-length batches; with --padded-batches at $(python3 -c "print(f'{($tpw/$ts - 1)*100:+.1f}')")% of the engine."
fi

if [ $skip_memory = 0 ]; then
    say "section 3: peak memory on ~100 MB and ~${memory_mb} MB input directories"
    gen_mem() { # dir total_mb
        python3 - "$out/small" "$1" "$2" <<'PY'
import os, random, sys
src, d, total = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1_000_000
# A pool of the generated paragraphs; files repeat them (the translation cache answers repeats,
# so the run measures reading, segmentation, alignment and writing rather than the tiny model).
pool = []
for root, _, names in os.walk(src):
    for n in sorted(names):
        pool += open(os.path.join(root, n), encoding="utf-8").read().split("\n\n")
        if len(pool) > 3000:
            break
rng = random.Random(3)
os.makedirs(d, exist_ok=True)
big = max(total // 10, 1)            # four files of a tenth each
sizes = [big] * 4 + [1_000_000] * ((total - 4 * big) // 1_000_000)
for i, size in enumerate(sizes):
    with open(f"{d}/m{i:04}.ar.txt", "w", encoding="utf-8") as f:
        written = 0
        while written < size:
            chunk = "\n\n".join(rng.choice(pool).strip() for _ in range(200)) + "\n\n"
            f.write(chunk)
            written += len(chunk.encode())
PY
    }
    echo
    echo "## Memory: peak resident set of a corpus run (tiny model, beam 1, JSONL; /usr/bin/time -v)"
    echo
    echo "| input | files | largest file | sentences | seconds | MB/s | peak RSS |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for mb in 100 "$memory_mb"; do
        d=$out/mem$mb
        rm -rf "$d" "$out/o/mem"
        gen_mem "$d" "$mb"
        actual=$(du -sb --apparent-size "$d" | cut -f1)
        largest=$(find "$d" -type f -printf '%s\n' | sort -n | tail -1)
        start=$(date +%s.%N)
        /usr/bin/time -v "$align" "$d" --out-dir "$out/o/mem" --model "$tiny" --quiet --beam 1 \
            --max-output-tokens 8 --threads "$threads" -f jsonl 2> "$out/time-$mb.txt"
        end=$(date +%s.%N)
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time-$mb.txt")
        secs=$(python3 -c "print(round($end - $start, 1))")
        printf '| %s MB | %s | %s MB | %s | %s | %s | %s MB |\n' "$(python3 -c "print(round($actual/1e6))")" \
            "$(ls "$d" | wc -l)" "$(python3 -c "print(round($largest/1e6))")" "$(sentences_of "$out/o/mem/nazir-report.json")" \
            "$secs" "$(python3 -c "print(round($actual/1e6/$secs, 2))")" "$(python3 -c "print(round($rss/1024))")"
        rm -rf "$d" "$out/o/mem"
        [ "$mb" = "$memory_mb" ] && break
    done
fi

#!/usr/bin/env bash
# Runs each fuzz target for a fixed time and prints a table: target, seconds, executions, crashes.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default 60 seconds, every target)
#
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on the stable toolchain (as
# the project's CI does). The seed corpora in fuzz/corpus/TARGET stay small and are read only;
# what libFuzzer finds goes to target/fuzz-corpus/TARGET (kept between runs, never committed).
# A crash, a panic, an assertion of a target or an input taking over 10 s (a hang, a quadratic
# blowup) is a failure: its input is saved in fuzz/artifacts/TARGET and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
all=(decode segment srx convert_tmx convert_xliff convert_jsonl convert_tsv model_bin align_dp)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${NAZIR_FUZZ_TARGET_DIR:-$PWD/target/fuzz}
export CMAKE_LIBRARY_PATH=${CMAKE_LIBRARY_PATH:-$PWD/.ctranslate2/lib}
# The library's rpath is set for `align` only; the fuzz binaries find it through this.
export LD_LIBRARY_PATH=$PWD/.ctranslate2/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
if ! command -v cargo-fuzz >/dev/null; then
    echo "== installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
echo "== building ${#targets[@]} fuzz targets" >&2
for t in "${targets[@]}"; do
    cargo fuzz build --fuzz-dir fuzz "$t" >&2
done

logs=target/fuzz-logs
mkdir -p "$logs"
failed=0
printf '| target | seconds | executions | exec/s | corpus | crashes |\n|---|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
    work=target/fuzz-corpus/$t
    mkdir -p "$work" "fuzz/artifacts/$t"
    before=$(find "fuzz/artifacts/$t" -type f | wc -l)
    rc=0
    cargo fuzz run --fuzz-dir fuzz "$t" "$work" "fuzz/corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$logs/$t.log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log" | tail -1)
    corpus=$(find "$work" -type f | wc -l)
    crashes=$(( $(find "fuzz/artifacts/$t" -type f | wc -l) - before ))
    if [ "$rc" != 0 ]; then
        failed=1
        [ "$crashes" -gt 0 ] || crashes="run failed (rc $rc)"
        echo "$t: see $logs/$t.log" >&2
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$logs/$t.log" | head -5 >&2 || true
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$secs" "${runs:-?}" "${speed:-?}" "$corpus" "$crashes"
done
exit $failed

#!/usr/bin/env bash
# The heavy real-reader checks, too slow for `cargo test`: LibreOffice opens our XLSX, OmegaT
# translates an Arabic text from our TMX (fractions printed as a table). Needs
# `scripts/install-readers --heavy` (.ci/run runs both). On 2 cores this takes about 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in omegat soffice python3; do
    command -v "$tool" >/dev/null || { echo "tests/readers/run.sh: $tool is missing: run scripts/install-readers --heavy" >&2; exit 1; }
done
cargo build -q
align="${CARGO_TARGET_DIR:-target}/debug/align"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--input corpora/samples/bbc-russia-north-korea.ar.txt)
shared=${NAZIR_SHARED:-../shared}
if [ -d "$shared/data/ntrex128-arb-eng" ]; then
    args+=(--ntrex "$shared/data/ntrex128-arb-eng")
else
    echo "tests/readers/run.sh: $shared is absent: OmegaT measured on the sample page only"
fi
python3 tests/readers/readers.py --align "$align" --work "$work" --model tests/fixtures/models/opus-mt-ar-en-tiny \
    --standin-srx tests/readers/standin-arabic.srx "${args[@]}"

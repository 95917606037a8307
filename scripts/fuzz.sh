#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/) for SECONDS each (default 20): the flagd document parser and
# the evaluation context parser. Builds cargo-fuzz once per machine into a cache outside the clone
# (~/.cache/switchyard, or SWITCHYARD_TOOLS), so fresh clones reuse it. The machine has one stable
# toolchain; RUSTC_BOOTSTRAP lets it take the sanitizer flags cargo fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
tools=${SWITCHYARD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/switchyard/tools}
fuzz_version=0.13.2
if [ ! -x "$tools/cargo-fuzz-$fuzz_version/bin/cargo-fuzz" ]; then
  echo "building cargo-fuzz $fuzz_version into $tools (once per machine)"
  cargo install --quiet --locked --version "$fuzz_version" --root "$tools/cargo-fuzz-$fuzz_version" cargo-fuzz
fi
cargo_fuzz="$tools/cargo-fuzz-$fuzz_version/bin/cargo-fuzz"
export RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$PWD/target/fuzz"
mkdir -p fuzz/corpus/flagd_document fuzz/corpus/context
# Seed the document target with the project's own flagd documents.
cp -n examples/flags.json fuzz/corpus/flagd_document/ 2>/dev/null || true
for t in flagd_document context; do
  echo "fuzzing $t for ${seconds}s"
  log=$(mktemp)
  status=0
  "$cargo_fuzz" run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|panicked|ERROR|SUMMARY" "$log" || true
  if [ "$status" -ne 0 ]; then tail -40 "$log"; rm -f "$log"; exit "$status"; fi
  rm -f "$log"
done

#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/) for SECONDS each (default 20): the flagd document parser and
# the evaluation context parser. Installs cargo-fuzz into .tools/ on first use. The machine has one
# stable toolchain; RUSTC_BOOTSTRAP lets it take the sanitizer flags cargo fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
if [ ! -x .tools/bin/cargo-fuzz ]; then
  echo "installing cargo-fuzz into .tools"
  cargo install --quiet --locked --root .tools cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$PWD/target/fuzz"
mkdir -p fuzz/corpus/flagd_document fuzz/corpus/context
# Seed the document target with the project's own flagd documents.
cp -n examples/flags.json fuzz/corpus/flagd_document/ 2>/dev/null || true
for t in flagd_document context; do
  echo "fuzzing $t for ${seconds}s"
  log=$(mktemp)
  status=0
  .tools/bin/cargo-fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|panicked|ERROR|SUMMARY" "$log" || true
  if [ "$status" -ne 0 ]; then tail -40 "$log"; rm -f "$log"; exit "$status"; fi
  rm -f "$log"
done

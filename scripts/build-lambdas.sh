#!/usr/bin/env bash
# Builds every Lambda function of the switchyard-functions crate (arm64 when the Rust target can be
# had, x86_64 otherwise) and zips each for Terraform: target/lambda-zips/<name>.zip.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-lambda-tools.sh
export PATH="$PWD/.venv/bin:$PATH"
arch=--arm64
if ! rustup target list --installed 2>/dev/null | grep -q '^aarch64-unknown-linux-gnu$'; then
  rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1 || arch=--x86-64
fi
echo "building the Lambda functions ($arch)"
# Its own target directory, so that it never waits on (or stalls) the host build.
CARGO_TARGET_DIR=target/lambda-build cargo lambda build --profile lambda "$arch" --output-format zip -p switchyard-functions
mkdir -p target/lambda-zips
for dir in target/lambda-build/lambda/*/; do
  name=$(basename "$dir")
  [ -f "$dir/bootstrap.zip" ] || continue
  cp "$dir/bootstrap.zip" "target/lambda-zips/$name.zip"
  printf '%-10s %8d bytes zipped\n' "$name" "$(stat -c %s "target/lambda-zips/$name.zip")"
done

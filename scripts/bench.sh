#!/usr/bin/env bash
# Runs the benchmarks (bench/README.md) on a release build and prints their figures: the sync
# server's push throughput and pull latency, a reporting round's pages and PDF, then the browser benchmarks (offline edits synced
# after reconnecting, against PouchDB; the cold offline open of the roadmap; notes placed after a
# revision and the cold offline open of the document).
source "$(dirname "$0")/lib.sh"
cd "$REPO"

ensure_rust
ensure_build_deps
ensure_cargo_leptos
ensure_wasm_bindgen
ensure_node
ensure_wasm_opt
ensure_chromium

step "building (release)"
cargo leptos build --release
build_first_view
compress_build_files
cargo build --release -p keikaku-bench-sync -p keikaku-bench-rounds -p keikaku-bench-revisions

step "server: push throughput and pull latency"
target/release/keikaku-bench-sync

step "server: a reporting round's dashboard, report page and PDF"
ensure_japanese_font
target/release/keikaku-bench-rounds

step "server: comparing versions and finding notes again after a revision"
target/release/keikaku-bench-revisions

step "browser: offline edits against PouchDB, cold offline open"
(cd bench/browser && npm ci --no-audit --no-fund --loglevel=error)
node bench/browser/run.mjs

step "browser: notes found again after a revision, cold offline open of the document"
node bench/browser/reading.mjs

step "browser: Lighthouse on every public page type (mobile defaults)"
node bench/browser/lighthouse.mjs

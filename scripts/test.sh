#!/usr/bin/env bash
# Quick start 2: set up and run every check and test: formatting, lints, the Rust unit and
# integration tests (real SQLite files, a real server on loopback), then the browser tests in
# Chromium at phone and tablet sizes with axe-core.
source "$(dirname "$0")/lib.sh"
cd "$REPO"

ensure_rust
ensure_build_deps
ensure_cargo_leptos
ensure_wasm_bindgen
ensure_chromium
ensure_smtp_test_server
ensure_pdf_tools
ensure_end2end_deps

step "formatting"
cargo fmt --all --check

step "lints (server side)"
cargo clippy -p keikaku-domain -p keikaku-sync -p keikaku-render -p keikaku-export -p keikaku-sw-render -p keikaku-store -p app -p server --all-targets -- -D warnings
step "lints (browser side)"
cargo clippy -p app --lib --no-default-features --features hydrate --target wasm32-unknown-unknown --target-dir target/front -- -D warnings

step "Rust tests"
cargo test -p keikaku-domain -p keikaku-sync -p keikaku-render -p keikaku-export -p keikaku-sw-render -p keikaku-store -p app -p server

step "building the app for the browser tests"
cargo leptos build
build_first_view
compress_build_files 5

step "browser tests"
(cd end2end && npx playwright test)

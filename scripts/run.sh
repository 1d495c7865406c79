#!/usr/bin/env bash
# Quick start 1: set up, build and run Keikaku with its embedded SQLite database and the sample
# plans. Settings: LEPTOS_SITE_ADDR (default 127.0.0.1:3000), KEIKAKU_DATA_DIR (default ./data),
# KEIKAKU_PROFILE=debug for a faster, unoptimised build.
source "$(dirname "$0")/lib.sh"
cd "$REPO"

ensure_rust
ensure_build_deps
ensure_cargo_leptos
ensure_wasm_bindgen
ensure_japanese_font

profile="${KEIKAKU_PROFILE:-release}"
if [ "$profile" = release ]; then
  ensure_wasm_opt
  step "building (release)"
  cargo leptos build --release
  build_first_view
  compress_build_files
else
  step "building (debug)"
  cargo leptos build
  build_first_view
  compress_build_files 5
fi

export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
# Demo accounts (see README) for trying the app locally. The server refuses them off loopback,
# so they default to on only when listening on a loopback address.
case "$LEPTOS_SITE_ADDR" in
  127.*|localhost:*|"[::1]:"*) export KEIKAKU_DEMO_USERS="${KEIKAKU_DEMO_USERS:-on}" ;;
  *) export KEIKAKU_DEMO_USERS="${KEIKAKU_DEMO_USERS:-off}" ;;
esac
step "Keikaku is starting on http://$LEPTOS_SITE_ADDR (Ctrl+C stops it)"
exec "target/$profile/server" serve

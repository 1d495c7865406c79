# Shared set-up steps for scripts/run.sh and scripts/test.sh. Each step installs what is
# missing and skips what is already there, so the scripts work on a fresh Debian machine with
# rustup and are quick on a warm one.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
BINARYEN_VERSION="132.0.0"
export PATH="$HOME/.cargo/bin:$REPO/.tools/node_modules/.bin:$PATH"
# cargo-leptos sets this while building; setting it for plain cargo commands too lets them
# share build artifacts instead of rebuilding Leptos each time.
export LEPTOS_OUTPUT_NAME=keikaku

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
}

ensure_build_deps() {
  # sqlx's bundled SQLite and some build scripts need a C compiler.
  command -v cc >/dev/null || apt_install build-essential
  command -v pkg-config >/dev/null || apt_install pkg-config
}

ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then return; fi
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 16 minutes on 2 cores, once)"
  cargo install --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads cargo-leptos
}

ensure_wasm_bindgen() {
  # The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO/Cargo.lock")"
  if wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then return; fi
  step "installing wasm-bindgen-cli $want"
  cargo install wasm-bindgen-cli --version "$want"
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
}

ensure_wasm_opt() {
  # Release builds need wasm-opt; Debian's binaryen is too old, npm's works.
  if [ -x "$REPO/.tools/node_modules/.bin/wasm-opt" ]; then return; fi
  ensure_node
  step "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
  mkdir -p "$REPO/.tools"
  npm install --prefix "$REPO/.tools" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    step "installing Chromium for the browser tests"
    apt_install chromium chromium-driver
  fi
  # The pages are Japanese, as on our users' tablets and phones, which all have a Japanese
  # font. Without one, Chromium looks for a font for every character and draws boxes: pages
  # lay out slowly and differently from what users see.
  ensure_japanese_font
}

# The Japanese font (Noto CJK): the browser tests draw pages with it, and the server embeds
# it, subset, in the PDF reports it writes.
ensure_japanese_font() {
  if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    step "installing a Japanese font (Noto CJK)"
    apt_install fonts-noto-cjk
  fi
}

# poppler-utils: the PDF tests read the report's text back with pdftotext, as a reader would.
ensure_pdf_tools() {
  if ! command -v pdftotext >/dev/null 2>&1; then
    step "installing poppler-utils for the PDF tests"
    apt_install poppler-utils
  fi
}

# A real SMTP server for the reminder email tests (Python's aiosmtpd, started by the test).
ensure_smtp_test_server() {
  if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    step "installing an SMTP server for the email tests (aiosmtpd)"
    apt_install python3-aiosmtpd
  fi
}

ensure_end2end_deps() {
  ensure_node
  if [ -d "$REPO/end2end/node_modules/@playwright/test" ] && [ -d "$REPO/end2end/node_modules/@axe-core/playwright" ]; then return; fi
  step "installing the browser test dependencies"
  (cd "$REPO/end2end" && npm ci --no-audit --no-fund)
}

# The service worker's first-view renderer (sw-render/): a small WebAssembly of its own, which
# cargo-leptos does not build. Always optimised (it is small, and the tests should run what
# users get), and written to the site's build files named by its content, as cargo-leptos names
# the app's, so a new release never meets an old renderer in a browser's cache. Run after
# `cargo leptos build`, which owns the site directory.
build_first_view() {
  local target="$REPO/target/front" pkg="$REPO/target/site/pkg"
  cargo build --quiet -p keikaku-sw-render --target wasm32-unknown-unknown --profile sw-render --target-dir "$target"
  local built="$target/wasm32-unknown-unknown/sw-render/keikaku_sw_render.wasm" hash
  hash="$(sha256sum "$built" | cut -c1-20)"
  mkdir -p "$pkg"
  rm -f "$pkg"/first-view.*.wasm
  cp "$built" "$pkg/first-view.$hash.wasm"
}

# Brotli and gzip copies of the build files, which the server sends instead of compressing each
# response (scripts/compress-build-files.mjs). Run after `build_first_view`. Needs node, which
# release builds (wasm-opt) and the tests install; without it the server compresses on the fly.
# $1: the Brotli level (default 11, the smallest; the tests' 23 MB debug build takes 5: 1 minute
# less).
compress_build_files() {
  if ! command -v node >/dev/null; then return; fi
  BROTLI_QUALITY="${1:-11}" node "$REPO/scripts/compress-build-files.mjs" "$REPO/target/site/pkg" >/dev/null
}

# The two commands of the README, and the steps they are made of.
#   make run   installs what is missing, builds (release) and serves http://127.0.0.1:3000
#   make test  installs what is missing, then runs every test (Rust on SQLite and PostgreSQL,
#              then the browser tests in Chromium)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# npm's binaryen comes first: Debian's wasm-opt (108) produces a release wasm that fails to hydrate.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)
# Every cargo command here builds with this flag, so nothing is compiled twice. It also
# type-erases components, which makes the release WebAssembly ~22 % smaller.
DEBUG_RUSTFLAGS := --cfg erase_components
# Leptos reads this at compile time to name the .wasm it links to; scripts/build-site sets it,
# and every other cargo command must too, or the binary it builds asks for `maillage_bg.wasm`.
export LEPTOS_OUTPUT_NAME := maillage
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help run test tools chromium build-debug build-release test-rust test-api-fuzz test-browser lint

help:
	@echo "make run    install what is missing and serve Maillage on http://127.0.0.1:3000"
	@echo "make test   install what is missing and run every test"

## The Rust-to-WebAssembly tool chain: wasm32 target, wasm-bindgen, wasm-opt (no cargo-leptos:
## scripts/build-site drives them itself).
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || { \
	  echo "==> installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 2 min, once)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); }
	@[ -x end2end/node_modules/.bin/wasm-opt ] && [ -d end2end/node_modules/@playwright/test ] || { \
	  echo "==> installing npm packages (binaryen's wasm-opt, Playwright, axe-core)"; \
	  (cd end2end && npm ci --no-audit --no-fund); }

## Debian's Chromium for the browser tests, and aiosmtpd as the tests' SMTP server.
chromium:
	@command -v chromium >/dev/null && /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || { \
	  echo "==> installing Chromium and python3-aiosmtpd from Debian"; \
	  $(SUDO) apt-get update -q && { $(SUDO) apt-get install -y -q chromium python3-aiosmtpd || \
	    { $(SUDO) apt-get --fix-broken install -y -q && $(SUDO) apt-get install -y -q chromium python3-aiosmtpd; }; }; }

build-debug: tools
	scripts/build-site

build-release: tools
	scripts/build-site --release

## Serve on the embedded defaults: SQLite in ./data, demo data on first start only.
run: build-release
	./target/release/maillage demo --firms 20000 --seed 1 --if-empty
	exec ./target/release/maillage --site-root target/site

## Every test, building once.
test: build-debug chromium test-rust test-api-fuzz test-browser

test-rust:
	@pg_url=$$(.ci/postgres-url); \
	echo "==> Rust unit and integration tests (SQLite, and PostgreSQL at $$pg_url)"; \
	status=0; \
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" MAILLAGE_TEST_POSTGRES_URL="$$pg_url" cargo test --workspace || status=$$?; \
	.ci/postgres-url --cleanup "$$pg_url" || true; \
	exit $$status

## schemathesis against the JSON API of the debug binary, with and without a token.
test-api-fuzz:
	@echo "==> API fuzzing (schemathesis) against target/debug/maillage"
	.ci/api-fuzz $(CURDIR)/target/debug/maillage 200

test-browser:
	@echo "==> browser tests (Playwright + Chromium) against target/debug/maillage"
	cd end2end && MAILLAGE_BIN=$(CURDIR)/target/debug/maillage npx playwright test

## Formatting and lints for both builds (ssr and hydrate).
lint:
	cargo fmt --all -- --check
	RUSTFLAGS="$(DEBUG_RUSTFLAGS)" cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

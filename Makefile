# Raft Lab. `make test` runs every check CI runs; each target installs what it needs first.
SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CARGO_TERM_COLOR ?= never

.PHONY: test deps unit wasm-check fmt-check clippy bench console

test: deps unit wasm-check fmt-check clippy

## Toolchain pieces the build needs: protoc (raft-proto), the wasm32 target.
deps:
	@command -v protoc >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq protobuf-compiler; }
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

unit: deps
	$(CARGO) test --all-targets

## The engine library must build for the browser too.
wasm-check: deps
	$(CARGO) build --lib --target wasm32-unknown-unknown

fmt-check: deps
	$(CARGO) fmt --all -- --check

clippy: deps
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown -- -D warnings

## Engine vs a bare raft-rs loop (prints ops/s, messages/s and the ratio).
bench: deps
	$(CARGO) run --release --bin raftlab -- bench

## An etcdctl-compatible console on a simulated 3-node cluster.
console: deps
	$(CARGO) run --release --bin raftlab -- console

# Raft Lab. `make test` runs every check CI runs; each target installs what it needs first.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CARGO_TERM_COLOR ?= never

.PHONY: test deps unit wasm-check fmt-check clippy bench console

# The unit tests run last so that their summary is the last line CI prints.
test: deps wasm-check wasm-determinism fmt-check clippy unit

## Toolchain pieces the build needs: protoc (raft-proto), the wasm32 target.
deps:
	@command -v protoc >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq protobuf-compiler; }
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

unit: deps
	@mkdir -p target
	$(CARGO) test --all-targets 2>&1 | tee target/test-output.txt
	@awk '/^test result:/ { p += $$4; f += $$6 } END { printf "tests: %d passed, %d failed\n", p, f }' target/test-output.txt

## The engine library must build for the browser too.
wasm-check: deps
	$(CARGO) build --lib --target wasm32-unknown-unknown

## The same script, natively and as wasm32 (WASI under Node), must print byte-identical
## answers and traces: wasm32's 32-bit usize must not change a run.
wasm-determinism: deps
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1
	@command -v node >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs; }
	$(CARGO) build --release --example replay_script
	$(CARGO) build --release --example replay_script --target wasm32-wasip1
	@mkdir -p target/determinism
	./target/release/examples/replay_script 1 2 3 4 5 --dump > target/determinism/native.txt
	node --no-warnings tests/wasm/run_wasi.mjs target/wasm32-wasip1/release/examples/replay_script.wasm 1 2 3 4 5 --dump > target/determinism/wasm32.txt
	@cmp target/determinism/native.txt target/determinism/wasm32.txt \
	  && echo "wasm-determinism: native and wasm32 traces identical ($$(grep -c '' target/determinism/native.txt) lines; $$(grep '^final' target/determinism/native.txt | tr '\n' ' '))"

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

# Raft Lab. `make test` runs every check CI runs; each target installs what it needs first.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CARGO_TERM_COLOR ?= never

.PHONY: test deps etcd-deps live unit lessons fuzz wasm-check fmt-check clippy bench console doc-check site-deps dist serve browser-test site-bench oracle oracle-check

# The unit tests run last so that their summary is the last line CI prints.
test: deps wasm-check wasm-determinism fmt-check clippy doc-check lessons fuzz browser-test oracle-check unit

## Toolchain pieces the build needs: protoc (raft-proto), the wasm32 target.
deps:
	@command -v protoc >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq protobuf-compiler; }
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

unit: deps
	@mkdir -p target
	$(CARGO) test --all-targets 2>&1 | tee target/test-output.txt
	@awk '/^test result:/ { p += $$4; f += $$6 } /^ℹ pass / { p += $$3 } /^ℹ fail / { f += $$3 } END { printf "tests: %d passed, %d failed\n", p, f }' target/test-output.txt $$( [ -f target/browser-test-output.txt ] && echo target/browser-test-output.txt )

## The crate's documentation: it opens on a tour whose examples run (`--all-targets` skips
## doc tests), and no intra-doc link may dangle.
doc-check: deps
	$(CARGO) test --doc
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --lib

## Every lesson file is checked, then played headless from its seed: a lesson whose claim
## is false fails here (and in the unit tests, which play them too).
lessons: deps
	@mkdir -p target
	$(CARGO) run -q --bin raftlab -- lesson check lessons/
	$(CARGO) run -q --bin raftlab -- lesson run lessons/ | tee target/lessons-output.txt | grep -v '^  step'

## The fault-injection soak: 200 seeds x 2000 steps on 3 to 9 members, every invariant after every step and
## the client history checked for linearizability (a long soak: see the README); then a
## million random inputs each for the console, lesson and URL parsers.
fuzz: deps
	$(CARGO) run -q --release --bin raftlab -- fuzz --seeds 200 --steps 2000 --nodes 9
	$(CARGO) run -q --release --bin raftlab -- fuzz-inputs --cases 1000000

## The real-etcd oracle (tests/oracle/, see its README): every scenario recorded on a real
## etcd 3.4.23 cluster in network namespaces (needs root), the lab's seeds fitted to the
## recordings, then the comparison written to tests/oracle/RESULTS.md; then every lesson's
## actions played on real etcd and its checks judged there (tests/oracle/LESSONS.md; it
## fails on a failed check not explained in tests/oracle/lessons-known.txt).
RAFTLAB := $(or $(CARGO_TARGET_DIR),target)/release/raftlab
oracle: deps etcd-deps
	$(CARGO) build --release --bin raftlab
	$(SUDO) $(RAFTLAB) oracle record
	$(RAFTLAB) oracle fit
	$(RAFTLAB) oracle compare --write
	$(SUDO) $(RAFTLAB) lesson oracle lessons/

## Real etcd 3.4 (etcd-server, etcd-client) and ip (network namespaces): the oracle's and
## live mode's members.
etcd-deps:
	@command -v etcd >/dev/null && command -v etcdctl >/dev/null && command -v ip >/dev/null \
	  || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq etcd-server etcd-client iproute2; }

## Live mode: LIVE_MEMBERS real etcd members, each in its own network namespace (root),
## drawn by the lab's page and driven from its console, served on 127.0.0.1:LIVE_PORT.
## Open the URL it prints; Ctrl-C (or closing the page) removes every member and namespace.
LIVE_PORT ?= 8080
LIVE_MEMBERS ?= 3
live: deps etcd-deps dist
	$(CARGO) build --release --bin raftlab
	$(SUDO) $(RAFTLAB) live --members $(LIVE_MEMBERS) --port $(LIVE_PORT)

## The oracle in `make test`: the fixtures against the lab (no etcd needed; also part of the
## unit tests), then a short live run on real etcd if it is installed and we are root.
oracle-check: deps
	$(CARGO) test --test oracle -- --nocapture
	@if [ "$$(id -u)" != 0 ]; then echo "oracle live: skipped: it needs root (network namespaces)"; \
	elif ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null || ! command -v ip >/dev/null; then \
	  echo "oracle live: skipped: etcd, etcdctl or ip is not installed (make oracle installs them)"; \
	else $(CARGO) build -q --release --bin raftlab && $(RAFTLAB) oracle live basics txn; fi

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
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings

## The benchmark table, bench/RESULTS.md: `raftlab bench` natively, then the site and the
## same suite as WASM in headless Chromium (each figure the median of 5 runs).
bench: dist
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; }
	@mkdir -p target/bench
	$(CARGO) build --release --bin raftlab --example share_link
	$(CARGO) build --release --example bench_wasi --target wasm32-wasip1
	./target/release/raftlab bench --json target/bench/native.json | tee target/bench/native.txt
	./target/release/examples/share_link 10000 > target/big-link.txt
	./target/release/examples/share_link --steady 600 > target/bench/steady-link.txt
	cd tests/browser && BIG_LINK_FILE=../../target/big-link.txt STEADY_LINK_FILE=../../target/bench/steady-link.txt \
	  BENCH_WASI=../../target/wasm32-wasip1/release/examples/bench_wasi.wasm BENCH_JSON=../../target/bench/chromium.json \
	  node bench.mjs | tee ../../target/bench/chromium.txt
	node bench/table.mjs target/bench/native.json target/bench/chromium.json > bench/RESULTS.md
	@cat bench/RESULTS.md

## An etcdctl-compatible console on a simulated 3-node cluster.
console: deps
	$(CARGO) run --release --bin raftlab -- console

## The site's tools: trunk 0.21.14 (0.22 needs a newer rustc), wasm-bindgen-cli at exactly
## the version in Cargo.lock, and Node packages (playwright-core, binaryen's wasm-opt).
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
NODE_BIN := $(CURDIR)/tests/browser/node_modules/.bin
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(NODE_BIN):$(PATH)

site-deps: deps
	@command -v node >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	@trunk --version 2>/dev/null | grep -q '0.21.14' || $(CARGO) install trunk --version 0.21.14 --locked
	@# Its lock file can pin a crate the registry has since yanked; then resolve afresh.
	@wasm-bindgen --version 2>/dev/null | grep -q '$(WASM_BINDGEN_VERSION)' || $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked \
	  || $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x $(NODE_BIN)/wasm-opt ] && [ -d tests/browser/node_modules/playwright-core ] && [ -d tests/browser/node_modules/axe-core ] \
	  || (cd tests/browser && npm ci --no-audit --no-fund)

## The release site in dist/ (wasm-opt -Oz through trunk, then gzip copies for static hosts).
dist: site-deps
	trunk build --release
	@for f in dist/*.wasm dist/*.js dist/*.css; do gzip -9 -k -f "$$f"; done
	@echo "dist: $$(du -cb dist/*.gz | tail -1 | cut -f1) bytes gzip"

## Build and serve the site on http://127.0.0.1:8080.
serve: site-deps
	trunk serve --release --address 127.0.0.1 --port 8080

## The browser tests: the built dist/ in headless Chromium (playwright-core), with a CJK
## font so the Chinese UI is drawn (and its test can tell glyphs from empty boxes); the
## live-mode test drives `raftlab live` on real etcd members (root, network namespaces).
browser-test: dist etcd-deps
	$(CARGO) build --release --bin raftlab
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; }
	@fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-cjk fontconfig; }
	@mkdir -p target/screenshots
	cd tests/browser && node --test --test-reporter=spec --test-concurrency=1 lab.test.mjs lessons.test.mjs history.test.mjs home.test.mjs offline.test.mjs console.test.mjs safety.test.mjs layout.test.mjs live.test.mjs live-faults.test.mjs 2>&1 | tee ../../target/browser-test-output.txt

## Site figures: gzip transfer size, cold first render, frame times with 9 nodes at 1x.
site-bench: dist
	$(CARGO) build --release --example share_link
	./target/release/examples/share_link 10000 > target/big-link.txt
	cd tests/browser && BIG_LINK_FILE=../../target/big-link.txt node bench.mjs

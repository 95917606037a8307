# Switchyard: the two commands are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help run build bin test test-deps fmt-check lint test-rust test-sdk test-web test-reliability reliability sdk web bench bench-engine bench-store bench-realtime bench-realtime-cluster bench-realtime-node bench-lambda bench-webhooks bench-peers lambda

help:
	@echo "make run    build and run the whole product on http://127.0.0.1:8080"
	@echo "make test   installs what the suites need, then format check, clippy (warnings denied),"
	@echo "            the Terraform checks and every test; a timed summary and totals at the end"
	@echo "            (stages alone: make test-deps fmt-check lint test-infra test-rust test-sdk"
	@echo "            test-web test-reliability; scripts/run-tests.py STAGE... times some of them)"
	@echo "make bench  benchmarks, each beside its baseline measured in the same run"
	@echo "make reliability  faults, load, hostile input, tenant isolation (full size)"

build: sdk web
	$(CARGO) build --release -p switchyard-realtime

# The browser SDK bundle (sdk-js/dist), which the server serves at /sdk/v1/switchyard.js.
sdk:
	cd sdk-js && npm ci --no-audit --no-fund --silent && npm run build

# The dashboard (web/dist), which `switchyard serve` serves at /.
web:
	cd web && npm ci --no-audit --no-fund --silent && npm run build

# The whole product on one port (127.0.0.1:8080), embedded store in .switchyard/.
run: build
	./target/release/switchyard serve

# Every stage in order (test-deps fmt-check lint test-infra test-rust test-sdk test-web
# test-reliability), each timed; a summary table and a "total: N passed, N failed" line at the end.
test:
	scripts/run-tests.py

# What the suites need, installed once and idempotent: redis-server and Chromium (apt, waiting for
# apt's lock), moto, schemathesis, pytest, python-hcl2 and the MCP SDK (.venv), checkov
# (.venv/checkov), cargo-lambda and ziglang (.venv), the OpenFeature npm clients; cargo-fuzz is
# built on first use into ~/.cache/switchyard. The suites start redis, moto and switchyard
# themselves on free ports.
test-deps:
	scripts/install-test-deps.sh
	scripts/install-lambda-tools.sh
	scripts/install-infra-tools.sh

# Every Lambda function, built with cargo-lambda and zipped into target/lambda-zips/.
lambda:
	scripts/build-lambdas.sh

fmt-check:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p switchyard-realtime --no-default-features -- -D warnings

# The store and bus suites use the project's own moto and whatever redis-server is on PATH;
# AWS_ENDPOINT_URL, when set, points the DynamoDB suite at another endpoint (LocalStack).
test-rust: test-deps
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server $(CARGO) test --workspace

# The switchyard binary (debug) that the sdk-js, dashboard and reliability suites run.
bin:
	$(CARGO) build -p switchyard-realtime --bins

# sdk-js: unit tests (jsdom), then against the switchyard binary, in Node and in Debian's Chromium.
test-sdk: test-deps sdk bin
	cd sdk-js && npm test
	cd sdk-js && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard npm run test:integration
	cd sdk-js && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard npm run test:browser

# web: component tests, then end to end in Chromium against the switchyard binary.
test-web: test-deps sdk web bin
	cd web && npm test
	cd web && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard npm run e2e

# The reliability suite (RELIABILITY.md), short form: every scenario at a smaller size on the
# switchyard binary, the fuzz targets briefly, and schemathesis with few examples.
test-reliability: test-deps sdk bin
	cd reliability && npm ci --no-audit --no-fund --silent && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard node run.mjs
	scripts/fuzz.sh 15
	SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard scripts/schemathesis.sh 10

# The whole suite at full size on a release build: every scenario, the API's tenant matrix and
# JWT suite, every Lambda function under `cargo lambda watch` (make test runs two), two minutes of
# fuzzing per target, and schemathesis with more examples.
reliability: build test-deps
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server $(CARGO) test -p switchyard-functions --test api_security --test api_hostile_input
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server $(CARGO) test -p switchyard-functions --test lambda_watch -- --include-ignored
	cd reliability && npm ci --no-audit --no-fund --silent && node run.mjs --full
	scripts/fuzz.sh 120
	scripts/schemathesis.sh 100

bench: bench-engine bench-store bench-realtime bench-realtime-node bench-lambda bench-webhooks

# Switchyard beside Unleash Edge (offline, same 20 flags), both loaded by oha in alternating rounds;
# Edge and oha are installed from the Rust registry into target/peers on first use. Switchyard's
# side is the SDK role as the realtime image builds it (no `dashboard` feature), kept as
# target/release/switchyard-realtime; `serve` (the whole product) makes the flags first.
bench-peers:
	$(CARGO) build --release -p switchyard-realtime --no-default-features --bin switchyard
	cp target/release/switchyard target/release/switchyard-realtime
	$(CARGO) build --release -p switchyard-realtime --bin switchyard
	python3 scripts/bench_peers.py

bench-engine:
	$(CARGO) bench -p switchyard-core --bench engine

bench-store:
	$(CARGO) bench -p switchyard-core --bench store

# WebSocket fan-out at 1,000, 10,000 and the most clients one server's descriptor limit allows
# (--max-fit), 50 changes each interleaved with a bare broadcast baseline, servers on core 0 and
# client worker processes on core 1; OFREP throughput; then flagd gRPC sync fan-out (1,000
# SyncFlags streams, 20 changes) and ResolveBoolean req/s, each beside a bare baseline. Each change
# flips a switch (the same for every client); the second run edits a rule on the client's context
# instead, so that every client is evaluated.
bench-realtime: build
	./target/release/switchyard-load 1000 10000 --max-fit --changes 50 --flagd-streams=1000 --flagd-changes=20
	./target/release/switchyard-load 10000 --rule-change --changes 50 --flagd-streams=0

# Three realtime nodes on one Redis (DynamoDB in moto), CLUSTER_CLIENTS clients (30,000 unless
# set), 20 changes, with Redis commands and store reads per change.
CLUSTER_CLIENTS ?= 30000
bench-realtime-cluster: build
	scripts/install-test-deps.sh
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server ./target/release/switchyard-load --cluster $(CLUSTER_CLIENTS)

# One node with NODE_CLIENTS clients (100,000 unless set), 50 changes, beside a bare broadcast:
# one realtime process where the descriptor limit allows, else as many sharing one port
# (--reuse-port) as it needs, on one Redis with DynamoDB in moto.
NODE_CLIENTS ?= 100000
bench-realtime-node: build
	scripts/install-test-deps.sh
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server ./target/release/switchyard-load --one-node $(NODE_CLIENTS) --changes 50

# Webhook deliveries at 100 endpoints (latency from a change to each receiver, deliveries per
# second) beside a bare HTTP client sending the same, interleaved.
bench-webhooks:
	$(CARGO) bench -p switchyard-functions --bench webhooks

# Each function's zipped size, and its cold start (process start to first response) on this host.
bench-lambda: lambda
	$(CARGO) build --release -p switchyard-functions
	@key=$$(mktemp); printf '%064d' 0 > $$key; \
	  python3 scripts/lambda-coldstart.py $$key auth orgs projects flags segments audit; rm -f $$key

# make deploy / destroy / test-infra / test-localstack: see infra/terraform/README.md.
include infra/infra.mk

# Switchyard: the two commands are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help run build test test-deps fmt-check lint test-rust test-sdk test-web test-reliability reliability sdk web bench bench-engine bench-store bench-realtime bench-lambda lambda

help:
	@echo "make run    build and run the whole product on http://127.0.0.1:8080"
	@echo "make test   format check, clippy (warnings denied) and every test"
	@echo "make bench  benchmarks (criterion), numbers side by side with baselines"
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

test: test-deps fmt-check lint test-infra test-rust test-sdk test-web test-reliability

# redis-server (apt) and moto (a project-local .venv): the suites start them on free ports.
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

# The store and bus suites use the project's own moto and whatever redis-server is on PATH;
# AWS_ENDPOINT_URL, when set, points the DynamoDB suite at another endpoint (LocalStack).
test-rust:
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server $(CARGO) test --workspace

# sdk-js: unit tests (jsdom), then against the switchyard binary that test-rust built, in Node and
# in Debian's Chromium.
test-sdk: sdk
	cd sdk-js && npm test
	cd sdk-js && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard npm run test:integration
	cd sdk-js && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard npm run test:browser

# web: component tests, then end to end in Chromium against the binary test-rust built.
test-web: sdk web
	cd web && npm test
	cd web && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard npm run e2e

# The reliability suite (RELIABILITY.md), short form: every scenario at a smaller size on the
# binary test-rust built, the fuzz targets briefly, and schemathesis with few examples.
test-reliability: sdk
	cd reliability && npm ci --no-audit --no-fund --silent && SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard node run.mjs
	scripts/fuzz.sh 15
	SWITCHYARD_BIN=$(CURDIR)/target/debug/switchyard scripts/schemathesis.sh 10

# The whole suite at full size on a release build: every scenario, the API's tenant matrix and
# JWT suite, two minutes of fuzzing per target, and schemathesis with more examples.
reliability: build test-deps
	SWITCHYARD_MOTO_SERVER=$(CURDIR)/.venv/bin/moto_server $(CARGO) test -p switchyard-functions --test api_security
	cd reliability && npm ci --no-audit --no-fund --silent && node run.mjs --full
	scripts/fuzz.sh 120
	scripts/schemathesis.sh 100

bench: bench-engine bench-store bench-realtime bench-lambda

bench-engine:
	$(CARGO) bench -p switchyard-core --bench engine

bench-store:
	$(CARGO) bench -p switchyard-core --bench store

# WebSocket fan-out (1,000 and 10,000 clients) and OFREP throughput, each beside a bare baseline.
bench-realtime: build
	./target/release/switchyard-load 1000 10000

# Each function's zipped size, and its cold start (process start to first response) on this host.
bench-lambda: lambda
	$(CARGO) build --release -p switchyard-functions
	@key=$$(mktemp); printf '%064d' 0 > $$key; \
	  python3 scripts/lambda-coldstart.py $$key auth orgs projects flags segments audit; rm -f $$key

# make deploy / destroy / test-infra / test-localstack: see infra/terraform/README.md.
include infra/infra.mk

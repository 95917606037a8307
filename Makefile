# Switchyard: the two commands are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help run build test test-deps fmt-check lint test-rust bench bench-engine bench-store bench-realtime bench-lambda lambda

help:
	@echo "make run    build and run Switchyard (what is built so far)"
	@echo "make test   format check, clippy (warnings denied) and every test"
	@echo "make bench  benchmarks (criterion), numbers side by side with baselines"

build:
	$(CARGO) build --release -p switchyard-realtime

# The whole product on one port (127.0.0.1:8080), embedded store in .switchyard/.
run: build
	./target/release/switchyard serve

test: test-deps fmt-check lint test-rust

# redis-server (apt) and moto (a project-local .venv): the suites start them on free ports.
test-deps:
	scripts/install-test-deps.sh
	scripts/install-lambda-tools.sh

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

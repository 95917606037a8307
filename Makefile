# Switchyard: the two commands are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help run build test fmt-check lint test-rust bench bench-engine

help:
	@echo "make run    build and run Switchyard (what is built so far)"
	@echo "make test   format check, clippy (warnings denied) and every test"
	@echo "make bench  benchmarks (criterion), numbers side by side with baselines"

build:
	$(CARGO) build --release -p switchyard-realtime

# The server (`switchyard serve`) is not built yet: until it is, `make run` evaluates the example
# flag document with the engine, which is what exists, and says so.
run: build
	@echo "Switchyard: the server (switchyard serve) is not built yet."
	@echo "Evaluating examples/requests.jsonl against examples/flags.json with 'switchyard eval':"
	./target/release/switchyard eval --flags examples/flags.json < examples/requests.jsonl

test: fmt-check lint test-rust

fmt-check:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

bench: bench-engine

bench-engine:
	$(CARGO) bench -p switchyard-core --bench engine

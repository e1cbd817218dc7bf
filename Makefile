# The user's door. `make run` starts the product on its embedded default;
# `make test` runs every test. Both install what is missing first.
BUILD_DIR ?= build
DATA_DIR  ?= data
LISTEN    ?= 127.0.0.1:8080
JOBS      ?= $(shell nproc)

.PHONY: deps configure build run test clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; fi

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@$(BUILD_DIR)/maestro serve --listen $(LISTEN) --data-dir $(DATA_DIR) --demo

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

clean:
	rm -rf $(BUILD_DIR)

# The openCypher TCK (test/tck/README.md): runs every scenario and prints
# the per-folder and total summary. Pass runner flags in TCK_ARGS, e.g.
# `make tck TCK_ARGS="-v --filter clauses/match"`.
.PHONY: tck
tck: build
	@if [ ! -x $(BUILD_DIR)/test/tck/tck_runner ]; then \
	  echo "tck: $(BUILD_DIR)/test/tck/tck_runner was not built (no maestro_engine target yet?)"; \
	  exit 1; fi
	@$(BUILD_DIR)/test/tck/tck_runner $(TCK_ARGS)

# Planner v1 against v2, and both against Kùzu, on the top-20 benchmark
# (not part of `make test`): scale 1 by default; results in
# bench/results/latest.json, report.md and p95.png.
BENCH_SCALE  ?= 1
BENCH_RUNS   ?= 10
BENCH_WARMUP ?= 2
.PHONY: bench
bench: build
	@bash scripts/bench-planner.sh $(BENCH_SCALE) $(BENCH_RUNS) $(BENCH_WARMUP)

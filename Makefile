# Thin wrapper over CMake. `make run` and `make test` are the two commands in the README.
BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_CXX       ?= clang++-14
FUZZ_SECONDS   ?= 60
JOBS           ?= $(shell nproc)
CMAKE_FLAGS    ?=

.PHONY: all setup build run test test-unit test-e2e test-deploy test-browser test-cluster test-asan \
  asan-configure fuzz-configure fuzz-build test-fuzz fuzz bench bench-cluster bench-pipeline \
  bench-scaleout bench-memory format clean

all: build

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Starts the whole system (every service, one process) on the embedded store.
run: build
	@exec scripts/run $(BUILD_DIR)/smartticket

# Every test: unit + end-to-end on the Release build, then unit and end-to-end again with
# the code (the server too) built with AddressSanitizer and UndefinedBehaviorSanitizer, then
# each fuzz target briefly. The sanitizer and fuzz builds start beside the Release tests at the
# lowest CPU priority: they take the cores the tests leave idle (much of the time the tests
# wait on servers, brokers and browsers), and yield them whenever a test needs them.
test: build
	@$(MAKE) --no-print-directory asan-configure fuzz-configure
	@# setsid: the builds are a process group of their own, stopped whole if a test fails.
	@setsid nice -n 19 sh -c 'cmake --build $(ASAN_BUILD_DIR) -j $(JOBS) --target $(ASAN_TARGETS) && \
	  cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)' >$(BUILD_DIR)/background-builds.log 2>&1 & \
	  builds=$$!; \
	  ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS); status=$$?; \
	  if [ $$status -ne 0 ]; then kill -- -$$builds 2>/dev/null; fi; \
	  wait $$builds; exit $$status
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-fuzz

test-unit: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

test-e2e: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L e2e

# The deployment files (deploy/) against the tools that can check them without Docker.
test-deploy: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L deploy

# Distributed mode: scripts/cluster brings up PostgreSQL, RabbitMQ and the five services,
# then the end-to-end suite and the fault tests run against it.
test-cluster: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L cluster

# The web console in headless Chromium (screenshots land in $(BUILD_DIR)/screenshots).
test-browser: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L browser

# The code under test carries the sanitizers: the unit and RabbitMQ suites, and the server the
# end-to-end suite starts (its driver, the Release e2e_tests, is not what is under test).
ASAN_TARGETS = unit_tests smartticket rabbitmq_tests
asan-configure: setup
	@cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSMARTTICKET_SANITIZE=ON \
	  -DSMARTTICKET_BENCH=OFF $(CMAKE_FLAGS) >/dev/null

test-asan: build asan-configure
	@cmake --build $(ASAN_BUILD_DIR) -j $(JOBS) --target $(ASAN_TARGETS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  scripts/gtest-shards $(JOBS) $(ASAN_BUILD_DIR)/unit_tests --gtest_brief=1
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(ASAN_BUILD_DIR)/rabbitmq_tests --gtest_brief=1
	@# The server under the sanitizers, in as many shards as cores (each test starts its own
	@# server on free ports); a leak or error at its exit fails the exit-code checks. Not the
	@# event stream load scenario: it bounds the server's memory, and the sanitizers' own
	@# memory would be measured (it runs in the Release suite).
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  SMARTTICKET_BIN=$(ASAN_BUILD_DIR)/smartticket scripts/gtest-shards $(JOBS) $(BUILD_DIR)/e2e_tests \
	  --gtest_brief=1 --gtest_filter=-EventStreamLoad.*

# The libFuzzer targets (fuzz/): clang, AddressSanitizer and UndefinedBehaviorSanitizer, in
# their own build directory, compiling only the sources they read.
fuzz-configure: setup
	@cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSMARTTICKET_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) $(CMAKE_FLAGS) >/dev/null

fuzz-build: fuzz-configure
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)

# Each fuzz target for 10 seconds (ctest label `fuzz`), from the seeds in fuzz/corpus/.
test-fuzz: fuzz-build
	@ctest --test-dir $(FUZZ_BUILD_DIR) --output-on-failure -j $(JOBS) -L fuzz

# Each fuzz target for FUZZ_SECONDS, one after the other; the inputs found are kept in
# $(FUZZ_BUILD_DIR)/fuzz-work/corpus for the next run, crashes in $(FUZZ_BUILD_DIR)/fuzz-work/crashes.
fuzz: fuzz-build
	@for target in $(FUZZ_BUILD_DIR)/fuzz/fuzz_*; do \
	  fuzz/run $$target $(FUZZ_SECONDS) $(FUZZ_BUILD_DIR)/fuzz-work || exit 1; \
	done

bench: build
	@bench/run $(BUILD_DIR)

# The same workloads through a throwaway local cluster's gateway (bench/cluster).
bench-cluster: build
	@bench/run --cluster $(BUILD_DIR)

# Created -> routed under a steady load (RATE, DURATION), one process then a cluster.
bench-pipeline: build
	@bench/pipeline --both $(BUILD_DIR)

# Routed/s with 1, 2, 4 categorizer processes and Claude (a fake) answering in 300 ms.
bench-scaleout: build
	@bench/scaleout $(BUILD_DIR)

# Resident set of every process idle and after TICKETS (100,000) tickets, both modes.
bench-memory: build
	@bench/memory --both $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)

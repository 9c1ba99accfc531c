# dbguard — build, test and demo on a fresh Debian 12 machine (run as root).
# `make test` and `make demo` install every Debian package they need first.

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

# The two more trees of `make test` (docs/performance.md): the whole suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the libFuzzer targets built with
# clang (also sanitized). Debian 12's default clang (14) cannot compile C++20 lambdas
# that capture structured bindings; clang 16 is packaged in bookworm too.
ASAN_DIR     ?= build-asan
FUZZ_DIR     ?= build-fuzz
FUZZ_CC      ?= clang-16
FUZZ_CXX     ?= clang++-16
FUZZ_SECONDS ?= 300

# Every Debian package the build, the tests and the demo need. Node.js and npm
# (for the end-to-end suite) count as present when the commands exist: this
# machine's Node.js comes from another repository and Debian's npm conflicts with it.
DEB_PACKAGES := build-essential cmake pkg-config git \
  libhyperscan-dev libre2-dev nlohmann-json3-dev libcli11-dev libspdlog-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev libpg-query-dev libprotobuf-c-dev libssl-dev \
  libboost-json1.81-dev rapidjson-dev \
  postgresql postgresql-client shellcheck util-linux docker-compose \
  clang-16 libclang-rt-16-dev llvm-16 lld
# clang-16: the fuzz tree's compiler; libclang-rt-16-dev: its libFuzzer, ASan and UBSan
# runtimes (libclang_rt.fuzzer-x86_64.a); llvm-16: llvm-symbolizer-16, which names the
# frames of sanitizer reports and lets the leak suppressions match. lld: links dbguard
# with its functions in start-up order (guard/startup_order.txt).

.PHONY: all deps build test test-main test-asan test-fuzz fuzz-build fuzz demo bench startup-order clean help install uninstall
all: build

help:
	@echo "make demo   install packages, build, screen a sample of tool calls"
	@echo "make test   install packages, build, run every test (ctest) in build/, then again"
	@echo "            under ASan+UBSan in $(ASAN_DIR)/, then a fuzz smoke in $(FUZZ_DIR)/"
	@echo "make build  build/dbguard"
	@echo "make bench  benchmarks"
	@echo "make startup-order  rewrite guard/startup_order.txt (lld places these functions and data together)"
	@echo "make fuzz   every fuzz target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) s"
	@echo "make install    build/dbguard to \$$(PREFIX)/bin and its hook into ~/.claude/settings.json"
	@echo "make uninstall  the hook out of ~/.claude/settings.json, the binary out of \$$(PREFIX)/bin"

# Installs only what is missing; runs apt-get update once, only when needed.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "dbguard: installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DDBGUARD_WERROR=ON $(CMAKE_ARGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Three trees, one after another; make stops at the first that fails, so `make test`
# fails with it. The plain tree goes first: it is the quickest to tell of a broken test.
test: test-main test-asan test-fuzz

test-main: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The whole suite, sanitized. The e2e suite reuses the Claude Code CLI that build/
# installed (no second download); bench programs are not built (nothing tests them).
$(ASAN_DIR)/CMakeCache.txt:
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDBGUARD_WERROR=ON -DDBGUARD_SANITIZE=ON \
	  -DDBGUARD_E2E_CLI_DIR=$(CURDIR)/$(BUILD_DIR)/e2e-node $(CMAKE_ARGS)

test-asan: deps $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS)

# Only the fuzz targets are built in this tree; its ctest runs the seeds and a short
# smoke of each target (fuzz.smoke.*, DBGUARD_FUZZ_SMOKE_SECONDS each).
$(FUZZ_DIR)/CMakeCache.txt:
	CC=$(FUZZ_CC) CXX=$(FUZZ_CXX) cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDBGUARD_WERROR=ON \
	  -DDBGUARD_SANITIZE=ON -DDBGUARD_FUZZ=ON $(CMAKE_ARGS)

fuzz-build: deps $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target dbguard_fuzz

test-fuzz: fuzz-build
	cd $(FUZZ_DIR) && ctest --output-on-failure -j $(JOBS) -L fuzz

fuzz: fuzz-build
	tests/fuzz/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(JOBS) $(FUZZ_TARGETS)

demo: build
	@$(BUILD_DIR)/dbguard demo

# The per-stage microbenchmarks, then the process-level bench (docs/performance.md),
# which exits 1 when a target is missed and 2 on a wrong decision; make reports that
# status after every program has run. BENCH_ARGS go to dbguard_hook_bench (--runs N).
BENCH_PERFTESTS := parser unwrap matcher classify engine
BENCH_ARGS ?=
# Rewrites guard/startup_order.txt (the functions a hook call runs and the data it
# touches, which lld places together) from the current build, under valgrind. Run it
# after large changes to the hook's code; a stale list only costs start-up speed.
startup-order: build
	@command -v valgrind >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind
	python3 tests/bench/startup_order.py $(BUILD_DIR)/dbguard guard/startup_order.txt
	cmake --build $(BUILD_DIR) -j $(JOBS) --target dbguard

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target dbguard_bench
	@status=0; \
	for t in $(BENCH_PERFTESTS); do \
	  echo "== $${t}_perftest"; $(BUILD_DIR)/tests/bench/$${t}_perftest || status=2; \
	done; \
	echo "== dbguard_hook_bench"; \
	$(BUILD_DIR)/tests/bench/dbguard_hook_bench --json $(BUILD_DIR)/bench.json $(BENCH_ARGS) || \
	  { rc=$$?; [ $$rc -gt $$status ] && status=$$rc; }; \
	echo "bench: JSON report in $(BUILD_DIR)/bench.json"; \
	exit $$status

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)

# One command for a person: the binary into PREFIX, then the fail-closed hook into
# Claude Code's user settings (a backup of them is kept beside them). A staged
# install (DESTDIR, for packaging) only copies the binary.
PREFIX ?= /usr/local
install: build
	install -D -m 0755 $(BUILD_DIR)/dbguard $(DESTDIR)$(PREFIX)/bin/dbguard
	@if [ -z "$(DESTDIR)" ]; then \
	  $(PREFIX)/bin/dbguard install --user && $(PREFIX)/bin/dbguard doctor --cwd "$(CURDIR)"; \
	fi

uninstall:
	@if [ -x $(PREFIX)/bin/dbguard ]; then $(PREFIX)/bin/dbguard uninstall --user; fi
	rm -f $(DESTDIR)$(PREFIX)/bin/dbguard

# Human-facing targets (up, down, down-volumes, backup, backups, restore) live beside the wrappers.
-include wrappers/wrappers.mk

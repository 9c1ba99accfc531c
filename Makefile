# dbguard — build, test and demo on a fresh Debian 12 machine (run as root).
# `make test` and `make demo` install every Debian package they need first.

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

# Every Debian package the build, the tests and the demo need. Node.js and npm
# (for the end-to-end suite) count as present when the commands exist: this
# machine's Node.js comes from another repository and Debian's npm conflicts with it.
DEB_PACKAGES := build-essential cmake pkg-config git \
  libhyperscan-dev libre2-dev nlohmann-json3-dev libcli11-dev libspdlog-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev libpg-query-dev libprotobuf-c-dev libssl-dev \
  postgresql postgresql-client shellcheck util-linux docker-compose

.PHONY: all deps build test demo bench clean help install uninstall
all: build

help:
	@echo "make demo   install packages, build, screen a sample of tool calls"
	@echo "make test   install packages, build, run every test (ctest)"
	@echo "make build  build/dbguard"
	@echo "make bench  benchmarks"
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

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	@$(BUILD_DIR)/dbguard demo

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target dbguard_bench
	$(BUILD_DIR)/tests/dbguard_bench

clean:
	rm -rf $(BUILD_DIR)

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

# Thin wrapper over CMake presets. `make demo` and `make test` are the two commands a
# newcomer needs; both install what is missing first.

JOBS ?= $(shell nproc)
STREAMPRO := build/release/apps/streampro/streampro
DEMO_DATE := 2025-09-09

.PHONY: all bootstrap release debug asan clang demo test test-release test-asan test-clang bench sample format clean

all: release

bootstrap:
	@scripts/bootstrap

release debug asan clang: bootstrap
	@cmake --preset $@ >/dev/null
	@cmake --build --preset $@ -j $(JOBS)

demo: release
	$(STREAMPRO) pipeline --env dev --ingestion-date $(DEMO_DATE)

# Release, sanitizers, and a second compiler (the generator must give the same bytes).
test: test-release test-asan test-clang

test-release: release
	ctest --preset release -j $(JOBS)

test-asan: asan
	ctest --preset asan -j $(JOBS)

test-clang: clang
	ctest --preset clang -j $(JOBS)

bench: release
	bench/generate.sh

# Regenerates the bundled sample (a test checks it matches byte for byte).
sample: release
	$(STREAMPRO) generate --out data/landing --date $(DEMO_DATE)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build

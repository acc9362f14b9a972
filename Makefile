# Thin wrapper over CMake presets. `make demo` and `make test` are the two commands a
# newcomer needs; both install what is missing first.

JOBS ?= $(shell nproc)
STREAMPRO := build/release/apps/streampro/streampro
DEMO_DATE := 2025-09-09

.PHONY: all bootstrap bootstrap-test release debug asan clang demo test test-release test-asan \
	test-clang test-fuzz fuzz fuzz-build fuzz-campaign bench sample format clean

all: release

bootstrap:
	@scripts/bootstrap

# Also Node.js and DuckDB, the independent engine the tests compare with.
bootstrap-test:
	@scripts/bootstrap --test

release debug asan clang: bootstrap
	@cmake --preset $@ >/dev/null
	@cmake --build --preset $@ -j $(JOBS)

demo: release
	$(STREAMPRO) pipeline --env dev --ingestion-date $(DEMO_DATE)

# Release, sanitizers, a second compiler (the generator must give the same bytes), and a
# short fuzzing run of every parser.
test: test-release test-asan test-clang test-fuzz

test-release: bootstrap-test release
	ctest --preset release -j $(JOBS)

test-asan: bootstrap-test asan
	ctest --preset asan -j $(JOBS)

test-clang: bootstrap-test clang
	ctest --preset clang -j $(JOBS)

# libFuzzer on each parser for FUZZ_SECONDS (test-fuzz: 20 s each); see fuzz/CMakeLists.txt.
FUZZ_SECONDS ?= 300
fuzz test-fuzz: bootstrap
	@cmake --preset fuzz -DSTREAMPRO_FUZZ_SECONDS=$(if $(filter test-fuzz,$@),20,$(FUZZ_SECONDS)) >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	ctest --preset fuzz

fuzz-build: bootstrap
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

# A long campaign (docs/fuzzing.md): FUZZ_RUNS executions of each of FUZZ_TARGETS, one
# process at a time, on a work corpus kept in build/fuzz/work; prints counts per target.
FUZZ_RUNS ?= 10000000
FUZZ_TARGETS ?= csv_record json_event_line parquet_footer parquet_page
fuzz-campaign: fuzz-build
	scripts/fuzz-campaign -n $(FUZZ_RUNS) $(FUZZ_TARGETS)

bench: bootstrap-test release
	bench/generate.sh
	bench/formats.sh

# Regenerates the bundled sample (a test checks it matches byte for byte).
sample: release
	$(STREAMPRO) generate --out data/landing --date $(DEMO_DATE)

format:
	@git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build

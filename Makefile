# wasteledger: the two commands of the README.
#   make demo   installs missing Debian packages, builds, runs the demo city
#   make test   installs missing Debian packages, builds (normal and
#               ASan+UBSan, warnings as errors), runs every test
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps build build-asan test demo bench fuzz clean format

all: build

deps:
	@.ci/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWASTELEDGER_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWASTELEDGER_WERROR=ON \
	  -DWASTELEDGER_SANITIZE=ON -DWASTELEDGER_BUILD_BENCH=OFF -DWASTELEDGER_BUILD_CLI=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)

test: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)
	tests/interop/selftest.sh --no-perf

demo: build
	demo/run.sh $(BUILD)/wasteledger

bench: build
	bench/run.sh $(BUILD)

# libFuzzer targets (clang): the CSV and XLSX readers, each import profile,
# mapping files, canonical JSON and signed notes, FUZZ_SECONDS each. The first
# build compiles the library with coverage (several minutes), so it is not
# part of `make test`.
FUZZ_SECONDS ?= 30
fuzz: deps
	tests/fuzz/run.sh $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

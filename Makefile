# hvnet: `make run` installs what is missing, builds in release mode and runs the default
# scenario; `make test` builds and runs the test suite.
SWIFT ?= swift
SCENARIO ?= scenarios/ten-cell-ei.yaml
OUT ?= runs/default

# AVX2 and FMA instructions where this machine has them (scripts/cpu-flags.sh; the SIMD
# right-hand side gains about 8 %); the numbers are the same bit for bit, since Swift never fuses
# a*b + c on its own. AVX-512, where the CPU has it, is chosen at run time (the masked product's
# kernel in Sources/CVectorKernels). `make build CPUFLAGS=` builds for any x86-64.
CPUFLAGS ?= $(shell bash scripts/cpu-flags.sh)

.PHONY: all deps build run test clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product hvnet --static-swift-stdlib $(CPUFLAGS)

run: build
	.build/release/hvnet run $(SCENARIO) --out $(OUT)
	@echo "Plots and data are in $(OUT)/ (open the .svg files in a browser)."

# Tests run optimised (the SIMD right-hand side is 10-100x slower unoptimised), with
# -enable-testing so that they can reach internal API.
TESTFLAGS = -c release -Xswiftc -enable-testing $(CPUFLAGS)

test: deps
	$(SWIFT) build $(TESTFLAGS) --build-tests
	bash scripts/cli-checks.sh .build/release/hvnet
	$(SWIFT) test $(TESTFLAGS) --skip-build

clean:
	rm -rf .build runs

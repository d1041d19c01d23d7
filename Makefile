# hvnet: `make run` installs what is missing, builds in release mode and runs the default
# scenario; `make test` builds and runs the test suite.
SWIFT ?= swift
SCENARIO ?= scenarios/ten-cell-ei.yaml
OUT ?= runs/default

.PHONY: all deps build run test clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product hvnet

run: build
	.build/release/hvnet run $(SCENARIO) --out $(OUT)
	@echo "Plots and data are in $(OUT)/ (open the .svg files in a browser)."

test: deps
	$(SWIFT) build --product hvnet
	bash scripts/cli-checks.sh .build/debug/hvnet
	$(SWIFT) test

clean:
	rm -rf .build runs

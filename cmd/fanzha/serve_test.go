package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestGracefulShutdown stops the server while a submission is half sent:
// the request must still complete and be stored, and serve must return.
func TestGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "grace.db")
	if _, err := runCLI(t, "org", "add", "Eastern Mobile", "--sector", "telecom", "--db", db); err != nil {
		t.Fatal(err)
	}
	a, err := openApp(ctx, appConfig{DSN: db, Region: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := createToken(ctx, a.store, "Eastern Mobile", "contributor", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- a.serve(ctx, "127.0.0.1:0", func(ad net.Addr) { addrc <- ad.String() }) }()
	addr := <-addrc

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/signals", pr)
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "text/csv")
	respc := make(chan *http.Response, 1)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			errc <- err
			return
		}
		respc <- resp
	}()
	fmt.Fprintln(pw, "kind,value,confidence")
	for i := range 500 {
		fmt.Fprintf(pw, "phone,+86139%08d,0.6\n", i)
	}
	time.Sleep(100 * time.Millisecond) // the request is in flight
	cancel()                           // SIGTERM
	time.Sleep(100 * time.Millisecond)
	for i := 500; i < 1000; i++ {
		fmt.Fprintf(pw, "phone,+86139%08d,0.6\n", i)
	}
	pw.Close()
	select {
	case err := <-errc:
		t.Fatalf("in-flight request failed during shutdown: %v", err)
	case resp := <-respc:
		var sum struct{ Accepted int }
		json.NewDecoder(resp.Body).Decode(&sum)
		resp.Body.Close()
		if resp.StatusCode != 200 || sum.Accepted != 1000 {
			t.Fatalf("HTTP %d, accepted %d, want 200 and 1000", resp.StatusCode, sum.Accepted)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no answer")
	}
	if err := <-served; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if n, err := a.store.CountSignals(context.Background()); err != nil || n != 1000 {
		t.Errorf("%d signals stored (%v), want 1000", n, err)
	}
	a.close()
	// After shutdown, new connections are refused.
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkScreenHTTP screens payments through a real HTTP server with
// keep-alive connections, one payment a request and in batches of 1,000,
// and reports decisions per second and the 99th-percentile request time.
// Every decision is stored (SQLite) and every request audited durably.
func BenchmarkScreenHTTP(b *testing.B) {
	for _, per := range []int{1, 1000} {
		b.Run(fmt.Sprintf("batch=%d", per), func(b *testing.B) {
			e := screenEnvB(b)
			ts := httptest.NewServer(e.h)
			defer ts.Close()
			tok := e.tokens["finance/analyst"]
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
			var seq atomic.Int64
			lat := make(chan time.Duration, b.N+64)
			// Banks send many payments at once: 32 requests in flight a
			// core, as a payment switch's connection pool would.
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var body bytes.Buffer
				for pb.Next() {
					body.Reset()
					if per > 1 {
						body.WriteString(`{"payments":[`)
					}
					for i := range per {
						n := seq.Add(1)
						if i > 0 {
							body.WriteByte(',')
						}
						fmt.Fprintf(&body, `{"id":"B%d","time":"2026-11-27T11:00:00+08:00","rail":"bank","amount":"%d.00","from":"62220000%08d","to":"62170000%08d","channel":"app"}`,
							n, 100+n%5000, n%20000, (n*7)%20000+1)
					}
					if per > 1 {
						body.WriteString(`]}`)
					}
					req, _ := http.NewRequest("POST", ts.URL+"/api/v1/screen", bytes.NewReader(body.Bytes()))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					start := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("HTTP %d", resp.StatusCode)
						return
					}
					lat <- time.Since(start)
				}
			})
			b.StopTimer()
			close(lat)
			var ds []time.Duration
			for d := range lat {
				ds = append(ds, d)
			}
			slices.Sort(ds)
			b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "decisions/s")
			if len(ds) > 0 {
				b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

// screenEnvB is screenEnv for a benchmark.
func screenEnvB(b *testing.B) *env {
	e := newEnv(b)
	sc, _, err := NewScreening(b.Context(), e.store, e.srv.registry, nil)
	if err != nil {
		b.Fatal(err)
	}
	e.srv.screening = sc
	if !strings.HasPrefix(e.tokens["finance/analyst"], "fz_") {
		b.Fatal("no token")
	}
	return e
}

package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkLookupHandler is the CPU cost of one GET /api/v1/lookup inside
// the process (no network): token check, parse, lookup, reasons, JSON,
// audit enqueue.
func BenchmarkLookupHandler(b *testing.B) {
	e := newEnv(b)
	var csv strings.Builder
	csv.WriteString("kind,value,typology,confidence\n")
	for i := range 10000 {
		fmt.Fprintf(&csv, "phone,+86138%08d,task_scam,0.7\n", i)
	}
	if code, m := e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(csv.String())); code != 200 {
		b.Fatal(code, m)
	}
	tok := e.tokens["finance/analyst"]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/lookup?q=%%2B86138%08d", i%20000), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

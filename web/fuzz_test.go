package web

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// FuzzBatchBody sends arbitrary bodies to the batch lookup in each form:
// the answer is 200, 400 or 413 with the one error shape, never a panic or
// a 5xx.
func FuzzBatchBody(f *testing.F) {
	f.Add(byte(0), []byte(`["13800138000",{"kind":"domain","value":"a.top"}]`))
	f.Add(byte(1), []byte("\"x\"\n{\"q\":1}\n"))
	f.Add(byte(2), []byte("13800138000\n\n\xff\n"))
	f.Add(byte(0), []byte(`{"items":[null,7,true]}`))
	e := newEnv(f)
	types := []string{"application/json", "application/x-ndjson", "text/plain"}
	f.Fuzz(func(t *testing.T, which byte, body []byte) {
		code, raw := e.raw("POST", "/api/v1/lookup", "police/analyst", types[int(which)%len(types)], body)
		if code != 200 && code != 400 && code != 413 {
			t.Fatalf("status %d: %s", code, raw)
		}
		if code != 200 && !bytes.Contains(raw, []byte(`"error":{"code":`)) {
			t.Fatalf("error without the error shape: %s", raw)
		}
	})
}

// FuzzReportBody sends arbitrary bodies to the public report endpoint.
func FuzzReportBody(f *testing.F) {
	f.Add([]byte(`{"typology":"task_scam","contacts":[{"kind":"phone","value":"+63 917 000 0000"}],"payments":[{"amount":"1.00","to":"6217000012345678"}]}`))
	f.Add([]byte(`{"loss":{"amount":"1e9"},"time":"yesterday"}`))
	f.Add([]byte(`{"contacts":[{"value":"hxxp://x[.]top"}]}`))
	e := newEnv(f)
	e.srv.limiter = newLimiter(1e9, 1e9)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/public/v1/reports", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 201:
		case 400, 413:
			if !bytes.Contains(rec.Body.Bytes(), []byte(`"error":{"code":`)) {
				t.Fatalf("error without the error shape: %s", rec.Body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

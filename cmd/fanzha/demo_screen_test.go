package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/simulate"
)

// TestDemoScreen runs the demo's screening part after its money part: the
// payment to a reported mule is stopped, the ordinary one allowed, and the
// printed curls answer.
func TestDemoScreen(t *testing.T) {
	ctx := context.Background()
	a, err := openApp(ctx, appConfig{DSN: "sqlite:" + filepath.Join(t.TempDir(), "demo.db"), Region: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	var out bytes.Buffer
	tokens, err := loadScenario(ctx, a, simulate.Generate(7, time.Now().UTC()), &out)
	if err != nil {
		t.Fatal(err)
	}
	md, err := loadMoney(ctx, a, tokens, 7, &out)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	sd, err := loadScreen(ctx, a, tokens, md, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	summary := out.String()
	if !strings.Contains(summary, "DEMO-SCREEN-2 allow") || strings.Contains(summary, "DEMO-SCREEN-1 allow") {
		t.Errorf("summary: %s", summary)
	}
	var try bytes.Buffer
	printTryScreen(&try, "http://x", sd)
	h := a.server.Handler()
	lines := strings.Split(strings.TrimSpace(try.String()), "\n")[1:]
	if len(lines) != 2 {
		t.Fatalf("examples: %s", try.String())
	}
	for _, line := range lines {
		f := strings.Fields(line)
		url := strings.TrimPrefix(strings.Trim(f[len(f)-1], "'"), "http://x")
		method, body := "GET", []byte(nil)
		if strings.Contains(line, "-X POST") {
			method = "POST"
			body = []byte(line[strings.Index(line, "-d '")+4 : strings.LastIndex(line, "' '")])
		}
		code, resp := demoCall(ctx, h, method, url, sd.token, "application/json", body)
		if code != http.StatusOK || !bytes.Contains(resp, []byte(`"decision"`)) {
			t.Errorf("%s: HTTP %d %.300s", line, code, resp)
		}
	}
}

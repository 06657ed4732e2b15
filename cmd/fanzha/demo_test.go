package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/simulate"
)

// TestDemoScenario loads the demo scenario through the HTTP handlers and
// checks the registry against the scenario's ground truth.
func TestDemoScenario(t *testing.T) {
	ctx := context.Background()
	a, err := openApp(ctx, appConfig{DSN: "sqlite:" + filepath.Join(t.TempDir(), "demo.db"), Region: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	now := time.Now().UTC()
	sc := simulate.Generate(7, now)
	var out bytes.Buffer
	tokens, err := loadScenario(ctx, a, sc, &out)
	if err != nil {
		t.Fatal(err)
	}
	sectors := map[auth.Sector]bool{}
	for _, tok := range tokens {
		sectors[tok.org.Sector] = true
	}
	if len(sectors) != 6 {
		t.Errorf("demo tokens cover %d sectors, want all 6", len(sectors))
	}
	police := auth.Principal{Org: auth.Org{ID: 1, Sector: auth.Police}, Role: auth.Analyst}
	for _, ring := range sc.Rings {
		for _, p := range ring.Phones {
			ind, err := indicator.Detect(p)
			if err != nil {
				t.Fatalf("ring phone %q: %v", p, err)
			}
			s, ok := a.registry.Lookup(ind, police)
			if !ok || s.Verdict() != registry.VerdictReported {
				t.Errorf("%s phone %s: known=%v verdict %s score %d", ring.Name, p, ok, s.Verdict(), s.Score)
			}
		}
		for _, acct := range ring.Accounts {
			s, ok := a.registry.Lookup(indicator.MustParse(indicator.Card, acct), police)
			if !ok || s.Score < 60 {
				t.Errorf("%s mule account %s: known=%v score %d", ring.Name, acct, ok, s.Score)
			}
		}
	}
	benign, _ := indicator.Detect(sc.Benign[0])
	if s, _ := a.registry.Lookup(benign, registry.PublicViewer); s.Verdict() != registry.VerdictSuspicious {
		t.Errorf("a business named in one careless report is %s to the public, want suspicious", s.Verdict())
	}
	stale := indicator.MustParse(indicator.Phone, "+8613700000000")
	if s, ok := a.registry.Lookup(stale, police); !ok || s.Score != 0 || s.Expired != 1 {
		t.Errorf("expired signal: known=%v %+v", ok, s)
	}
	if !strings.Contains(out.String(), "9 organisations") || !strings.Contains(out.String(), "early warnings raised") {
		t.Errorf("summary: %s", out.String())
	}
}

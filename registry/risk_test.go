package registry

import (
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func obs(org int64, sector auth.Sector, conf float64, age time.Duration, mods ...func(*Signal)) Obs {
	s := Signal{ID: strings.Repeat("x", int(org)) + age.String(), OrgID: org, Sector: sector, Confidence: conf,
		TLP: auth.TLPGreen, LastSeen: now.Add(-age), FirstSeen: now.Add(-age), Typology: "task_scam"}
	for _, m := range mods {
		m(&s)
	}
	return ObsOf(s)
}

func confirmed(s *Signal) { s.Confirmed = true }
func report(s *Signal)    { s.ReportID = "R-1"; s.OrgID = 0; s.Sector = auth.Public }
func expired(s *Signal)   { s.Expires = now.Add(-time.Hour) }

func score(k indicator.Kind, o ...Obs) Summary { return Summarize(k, o, nil, now.Unix()) }

func TestRiskModel(t *testing.T) {
	day := 24 * time.Hour
	one := score(indicator.Phone, obs(1, auth.Telecom, 0.6, 0))
	repeats := score(indicator.Phone, obs(1, auth.Telecom, 0.6, 0), obs(1, auth.Telecom, 0.6, time.Hour), obs(1, auth.Telecom, 0.6, 2*time.Hour))
	independent := score(indicator.Phone, obs(1, auth.Telecom, 0.6, 0), obs(2, auth.Police, 0.6, time.Hour), obs(3, auth.Finance, 0.6, 2*time.Hour))
	tests := []struct {
		name string
		ok   bool
	}{
		{"one signal scores its confidence", one.Score == 60},
		{"repeats from one organisation add less than independent ones", repeats.Score > one.Score && independent.Score > repeats.Score},
		{"three independent organisations exceed 90", independent.Score > 90},
		{"confirmed outweighs suspected", score(indicator.Phone, obs(1, auth.Police, 0.3, 0, confirmed)).Score > score(indicator.Phone, obs(1, auth.Police, 0.9, 0)).Score},
		{"a phone signal halves in 14 days", score(indicator.Phone, obs(1, auth.Telecom, 0.8, 14*day)).Score == 40},
		{"a wallet signal barely decays in 14 days", score(indicator.TRON, obs(1, auth.Police, 0.8, 14*day)).Score >= 78},
		{"expired signals do not count", score(indicator.Phone, obs(1, auth.Telecom, 0.9, 0, expired)).Score == 0},
		{"expired signals are counted as expired", score(indicator.Phone, obs(1, auth.Telecom, 0.9, 0, expired)).Expired == 1},
		{"one public report is suspicious, not reported", score(indicator.Phone, obs(0, auth.Public, publicReportConf, 0, report)).Verdict() == VerdictSuspicious},
		{"three public reports say reported scam", score(indicator.Phone, obs(0, auth.Public, publicReportConf, 0, report), obs(0, auth.Public, publicReportConf, day, report), obs(0, auth.Public, publicReportConf, 2*day, report)).Verdict() == VerdictReported},
		{"a confirmed signal is reported whatever its score", score(indicator.Phone, obs(1, auth.Police, 0.1, 200*day, confirmed)).Verdict() == VerdictReported},
		{"no signals: no reports", score(indicator.Phone).Verdict() == VerdictNoReports},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("failed: one=%d repeats=%d independent=%d", one.Score, repeats.Score, independent.Score)
			}
		})
	}
}

func TestRiskVisibility(t *testing.T) {
	secret := obs(1, auth.Telecom, 0.9, 0, func(s *Signal) { s.TLP = auth.TLPAmberStrict })
	bank := auth.Principal{Org: auth.Org{ID: 2, Sector: auth.Finance}, Role: auth.Analyst}
	owner := auth.Principal{Org: auth.Org{ID: 1, Sector: auth.Telecom}, Role: auth.Analyst}
	vis := func(p auth.Principal) func(Obs) bool { return func(o Obs) bool { return o.Visible(p) } }
	if s := Summarize(indicator.Phone, []Obs{secret}, vis(bank), now.Unix()); s.Score != 0 || s.Signals != 0 {
		t.Errorf("a bank sees a telecom AMBER+STRICT signal: %+v", s)
	}
	if s := Summarize(indicator.Phone, []Obs{secret}, vis(owner), now.Unix()); s.Score != 90 {
		t.Errorf("the owner sees score %d, want 90", s.Score)
	}
}

func TestReasonsSayWhy(t *testing.T) {
	r := Assess(indicator.Phone, []Obs{
		obs(1, auth.Telecom, 0.7, 3*24*time.Hour),
		obs(2, auth.Police, 0.9, 0, confirmed),
		obs(0, auth.Public, publicReportConf, 0, report),
		obs(3, auth.Telecom, 0.5, 0, expired),
	}, nil, now)
	text := strings.Join(r.Reasons, "\n")
	for _, want := range []string{"confirmed", "flagged by 2 independent organisations (police, telecom)", "1 victim report", "typology: task_scam", "last seen today", "lose half their weight every 14 days", "1 expired signal"} {
		if !strings.Contains(text, want) {
			t.Errorf("reasons lack %q:\n%s", want, text)
		}
	}
	if r.Level != LevelCritical || r.Verdict != VerdictReported {
		t.Errorf("level %s verdict %s, want critical reported_scam", r.Level, r.Verdict)
	}
}

func TestSummarizeDoesNotAllocate(t *testing.T) {
	list := []Obs{obs(1, auth.Telecom, 0.6, 0), obs(2, auth.Police, 0.7, time.Hour), obs(1, auth.Telecom, 0.5, 2*time.Hour)}
	viewer := auth.Principal{Org: auth.Org{ID: 9, Sector: auth.Finance}, Role: auth.Analyst}
	allocs := testing.AllocsPerRun(100, func() {
		Summarize(indicator.Phone, list, func(o Obs) bool { return o.Visible(viewer) }, now.Unix())
	})
	if allocs != 0 {
		t.Errorf("Summarize allocates %.0f times per call", allocs)
	}
}

package telecom

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
)

// quality is how the detectors did against a scenario's ground truth.
type quality struct {
	records                                   int
	lines, flagged, truePos                   int // fraud lines, lines flagged, flagged that are fraud
	byPattern                                 map[string][2]int
	legitFlagged                              []string
	victims, warned, warnedTrue, warnedGraded int
	missedWarnings                            map[string]int
}

func (q quality) precision() float64 { return ratio(q.truePos, q.flagged) }
func (q quality) recall() float64 {
	found := 0
	for _, v := range q.byPattern {
		found += v[0]
	}
	return ratio(found, q.lines)
}
func (q quality) warnRecall() float64    { return ratio(q.warnedTrue, q.victims) }
func (q quality) warnPrecision() float64 { return ratio(q.warnedTrue, q.warned) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// evaluate runs a simulated scenario through ParseCDR and the Engine and
// scores the suspects and warnings against its ground truth.
func evaluate(t testing.TB, cfg simulate.TelecomConfig) quality {
	t.Helper()
	e := NewEngine(Config{})
	opts := indicator.Options{}
	line := 1
	truth, err := simulate.GenerateTelecom(cfg, func(rec []string) error {
		line++
		fields := make(map[string]string, len(rec))
		for i, col := range simulate.CDRColumns {
			fields[col] = rec[i]
		}
		c, le := ParseCDR(records.Row{Line: line, Fields: fields}, opts)
		if le != nil {
			return fmt.Errorf("simulated record rejected: %v", le)
		}
		e.Add(c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Flush()
	norm := func(s string) string {
		i, err := opts.Detect(s)
		if err != nil {
			t.Fatalf("truth number %q: %v", s, err)
		}
		return i.Value()
	}
	q := quality{records: truth.Records, byPattern: map[string][2]int{}, missedWarnings: map[string]int{}}
	fraud := map[string]string{}
	for _, l := range truth.FraudLines {
		fraud[norm(l.Number)] = l.Kind
	}
	legit := map[string]string{}
	for _, l := range truth.Legit {
		legit[norm(l.Number)] = l.Kind
	}
	flagged := map[string]bool{}
	for _, s := range e.Suspects() {
		if s.Detector == SuspectContact {
			continue // contact with registry suspects; none are loaded here
		}
		flagged[s.Indicator.Value()] = true
	}
	q.lines = len(fraud)
	for n, kind := range fraud {
		v := q.byPattern[kind]
		if flagged[n] {
			v[0]++
		}
		v[1]++
		q.byPattern[kind] = v
	}
	for n := range flagged {
		q.flagged++
		if fraud[n] != "" {
			q.truePos++
		}
		if kind := legit[n]; kind != "" {
			q.legitFlagged = append(q.legitFlagged, kind+" "+n)
		}
	}
	sort.Strings(q.legitFlagged)
	type pair struct{ sub, sus string }
	victims := map[pair]string{}
	for _, v := range truth.Victims {
		victims[pair{norm(v.Subscriber), norm(v.Suspect)}] = v.Grade
	}
	q.victims = len(victims)
	warned := map[pair]bool{}
	for _, w := range e.Warnings() {
		p := pair{w.Subscriber.Value(), w.Suspect.Value()}
		warned[p] = true
		q.warned++
		if g, ok := victims[p]; ok {
			q.warnedTrue++
			if g == w.Grade {
				q.warnedGraded++
			}
		}
	}
	for p, g := range victims {
		if !warned[p] {
			q.missedWarnings[g]++
		}
	}
	return q
}

func (q quality) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records; fraud lines: precision %.3f recall %.3f (%d flagged, %d of %d lines)", q.records, q.precision(), q.recall(), q.flagged, q.truePos, q.lines)
	kinds := make([]string, 0, len(q.byPattern))
	for k := range q.byPattern {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "; %s %d/%d", k, q.byPattern[k][0], q.byPattern[k][1])
	}
	fmt.Fprintf(&b, "\nwarnings: precision %.3f recall %.3f (%d raised, %d of %d victims, grade agrees on %d); missed by grade %v; legitimate lines flagged: %v",
		q.warnPrecision(), q.warnRecall(), q.warned, q.warnedTrue, q.victims, q.warnedGraded, q.missedWarnings, q.legitFlagged)
	return b.String()
}

// TestQualityOnSimulatedScenarios holds the detectors to issue 3's floors
// on scenarios of several seeds and fraud shares.
func TestQualityOnSimulatedScenarios(t *testing.T) {
	for _, cfg := range []simulate.TelecomConfig{
		{Subscribers: 20000, Days: 3, Seed: 11, FraudShare: 0.02},
		{Subscribers: 30000, Days: 2, Seed: 12, FraudShare: 0.01},
		{Subscribers: 40000, Days: 2, Seed: 13, FraudShare: 0.005},
		{Subscribers: 200000, Days: 1, Seed: 14, FraudShare: 0.002},
		{Subscribers: 300000, Days: 1, Seed: 15, FraudShare: 0.001},
	} {
		t.Run(fmt.Sprintf("seed%d_share%g", cfg.Seed, cfg.FraudShare), func(t *testing.T) {
			if cfg.Subscribers > 50000 && os.Getenv("FANZHA_TELECOM_LARGE") == "" {
				t.Skip("large scenario: set FANZHA_TELECOM_LARGE=1 to run it")
			}
			q := evaluate(t, cfg)
			t.Log(q)
			if q.precision() < 0.95 || q.recall() < 0.9 {
				t.Errorf("fraud lines: precision %.3f recall %.3f, want ≥ 0.95 and ≥ 0.9", q.precision(), q.recall())
			}
			if q.warnRecall() < 0.9 || q.warnPrecision() < 0.8 {
				t.Errorf("warnings: precision %.3f recall %.3f, want ≥ 0.8 and ≥ 0.9", q.warnPrecision(), q.warnRecall())
			}
			for _, l := range q.legitFlagged {
				if !strings.HasPrefix(l, "overseas") && !strings.HasPrefix(l, "roaming") {
					t.Errorf("legitimate line flagged: %s", l)
				}
			}
		})
	}
}

package telecom

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// synth generates a stream of CDRs in time order: ordinary subscribers
// calling a circle of friends, couriers, a bank short code, and fraud lines
// calling strangers. Numbers are parsed once up front, as an ingest would
// hand them over.
type synth struct {
	rng   *rand.Rand
	subs  []indicator.Indicator
	fraud []indicator.Indicator
	cour  []indicator.Indicator
	bank  indicator.Indicator
	t0    time.Time
	step  time.Duration
	n     int
}

func newSynth(subscribers, fraudLines int, perDay int) *synth {
	s := &synth{rng: rand.New(rand.NewPCG(42, 1)), t0: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	s.step = 24 * time.Hour / time.Duration(perDay)
	for i := 0; i < subscribers; i++ {
		s.subs = append(s.subs, indicator.MustParse(indicator.Phone, fmt.Sprintf("+86139%08d", i)))
	}
	for i := 0; i < fraudLines; i++ {
		s.fraud = append(s.fraud, indicator.MustParse(indicator.Phone, fmt.Sprintf("+86170%08d", i)))
	}
	for i := 0; i < 20; i++ {
		s.cour = append(s.cour, indicator.MustParse(indicator.Phone, fmt.Sprintf("+86158%08d", i)))
	}
	s.bank = indicator.MustParse(indicator.Phone, "95588")
	return s
}

func (s *synth) next() CDR {
	s.n++
	c := CDR{ID: "r" + itoa(s.n), Start: s.t0.Add(time.Duration(s.n) * s.step)}
	r := s.rng.Float64()
	ns := len(s.subs)
	switch {
	case r < 0.02 && len(s.fraud) > 0: // fraud lines: strangers, mostly unanswered
		c.Caller = s.fraud[s.rng.IntN(len(s.fraud))]
		c.Callee = s.subs[s.rng.IntN(ns)]
		if s.rng.Float64() < 0.3 {
			c.Duration = time.Duration(3+s.rng.IntN(25)) * time.Second
			if s.rng.Float64() < 0.03 {
				c.Duration = time.Duration(300+s.rng.IntN(1500)) * time.Second
			}
		}
	case r < 0.04: // couriers: answered, called back
		k := s.rng.IntN(len(s.cour))
		sub := s.subs[s.rng.IntN(ns)]
		c.Caller, c.Callee = s.cour[k], sub
		if s.rng.Float64() < 0.3 {
			c.Caller, c.Callee = sub, s.cour[k]
		}
		if s.rng.Float64() < 0.75 {
			c.Duration = time.Duration(15+s.rng.IntN(60)) * time.Second
		}
	case r < 0.07: // the bank's SMS
		c.Caller, c.Callee, c.SMS = s.bank, s.subs[s.rng.IntN(ns)], true
	default: // friends
		i := s.rng.IntN(ns)
		f := (i + 1 + s.rng.IntN(12)*7919) % ns
		c.Caller, c.Callee = s.subs[i], s.subs[f]
		c.SMS = s.rng.Float64() < 0.2
		if !c.SMS && s.rng.Float64() < 0.8 {
			c.Duration = time.Duration(10+s.rng.IntN(900)) * time.Second
		}
		c.Cell = "C" + itoa(i%500)
	}
	return c
}

// BenchmarkEngine feeds 1,000,000 synthetic records (200,000 subscribers,
// 500,000 records a day, 2% from 300 fraud lines) per op.
func BenchmarkEngine(b *testing.B) {
	const records = 1_000_000
	s := newSynth(200_000, 300, 500_000)
	cdrs := make([]CDR, records)
	for i := range cdrs {
		cdrs[i] = s.next()
	}
	b.ReportAllocs()
	b.ResetTimer()
	var e *Engine
	var peak uint64
	for n := 0; n < b.N; n++ {
		e = NewEngine(Config{})
		for i, c := range cdrs {
			e.Add(c)
			if i%200_000 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		e.Flush()
	}
	b.StopTimer()
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
	fraud, legit := 0, 0
	for _, sus := range e.Suspects() {
		if strings.HasPrefix(sus.Indicator.Value(), "+86170") {
			fraud++
		} else {
			legit++
		}
	}
	b.ReportMetric(float64(fraud)/float64(len(s.fraud)), "recall")
	b.ReportMetric(float64(legit), "false-suspects")
	b.ReportMetric(float64(len(e.Warnings())), "warnings")
}

// BenchmarkReadCDRs measures parsing a CSV of CDRs into the engine.
func BenchmarkReadCDRs(b *testing.B) {
	s := newSynth(50_000, 100, 500_000)
	var sb strings.Builder
	sb.WriteString(strings.Join(CDRColumns, ",") + "\n")
	const rows = 100_000
	for i := 0; i < rows; i++ {
		c := s.next()
		typ := "voice"
		if c.SMS {
			typ = "sms"
		}
		fmt.Fprintf(&sb, "%s,%s,%s,%s,%d,%s,,,%s,,\n", c.ID, c.Start.Format(time.RFC3339), c.Caller.Value(), c.Callee.Value(), int(c.Duration/time.Second), typ, c.Cell)
	}
	body := sb.String()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		e := NewEngine(Config{})
		sum, err := ReadCDRs(strings.NewReader(body), records.CSV, indicator.Options{}, func(c CDR) error {
			e.Add(c)
			return nil
		})
		if err != nil || sum.Accepted != rows {
			b.Fatalf("%+v %v", sum, err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

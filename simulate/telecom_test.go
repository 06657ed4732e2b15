package simulate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

type cdrRow struct {
	id, caller, callee, typ, imei, imsi, cell, trunk, origin string
	start                                                    time.Time
	dur                                                      int
}

// genTelecom runs the generator into memory.
func genTelecom(t testing.TB, cfg TelecomConfig) ([]cdrRow, TelecomTruth) {
	t.Helper()
	var rows []cdrRow
	truth, err := GenerateTelecom(cfg, func(rec []string) error {
		if len(rec) != len(CDRColumns) {
			t.Fatalf("record has %d fields, want %d", len(rec), len(CDRColumns))
		}
		start, err := time.Parse(time.RFC3339, rec[1])
		if err != nil {
			t.Fatalf("record %s: start %q: %v", rec[0], rec[1], err)
		}
		d, err := strconv.Atoi(rec[4])
		if err != nil {
			t.Fatalf("record %s: duration %q: %v", rec[0], rec[4], err)
		}
		rows = append(rows, cdrRow{id: rec[0], start: start, caller: rec[2], callee: rec[3], dur: d,
			typ: rec[5], imei: rec[6], imsi: rec[7], cell: rec[8], trunk: rec[9], origin: rec[10]})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, truth
}

var (
	smallCfg = TelecomConfig{Subscribers: 2000, Days: 3, Seed: 7, FraudShare: 0.02}
	// Big enough for every pattern to run at its working volume.
	patternCfg = TelecomConfig{Subscribers: 20000, Days: 3, Seed: 11, FraudShare: 0.02}
)

var patternRun struct {
	rows  []cdrRow
	truth TelecomTruth
}

func patternScenario(t *testing.T) ([]cdrRow, TelecomTruth) {
	if patternRun.rows == nil {
		patternRun.rows, patternRun.truth = genTelecom(t, patternCfg)
	}
	return patternRun.rows, patternRun.truth
}

func TestTelecomDeterministic(t *testing.T) {
	write := func(cfg TelecomConfig) ([]byte, []byte) {
		dir := t.TempDir()
		if _, err := WriteTelecom(cfg, dir); err != nil {
			t.Fatal(err)
		}
		cdr, err := os.ReadFile(filepath.Join(dir, "cdr.csv"))
		if err != nil {
			t.Fatal(err)
		}
		truth, err := os.ReadFile(filepath.Join(dir, "truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		return cdr, truth
	}
	cfg := TelecomConfig{Subscribers: 1000, Days: 2, Seed: 42, FraudShare: 0.01}
	a, at := write(cfg)
	b, bt := write(cfg)
	if !bytes.Equal(a, b) || !bytes.Equal(at, bt) {
		t.Fatal("same config gave different output")
	}
	cfg.Seed = 43
	c, _ := write(cfg)
	if bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same records")
	}
	var truth TelecomTruth
	if err := json.Unmarshal(at, &truth); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"id", "start", "caller", "callee", "duration", "type",
		"caller_imei", "caller_imsi", "cell", "trunk", "origin_country"}) {
		t.Fatalf("header %v does not follow FORMATS.md", recs[0])
	}
	if truth.Records != len(recs)-1 {
		t.Fatalf("truth counts %d records, file has %d", truth.Records, len(recs)-1)
	}
}

func TestTelecomConfigErrors(t *testing.T) {
	for _, cfg := range []TelecomConfig{
		{Subscribers: 5, Days: 1},
		{Subscribers: 100, Days: 0},
		{Subscribers: 100, Days: 1, FraudShare: 0.9},
		{Subscribers: 100, Days: 1, Region: "US"},
	} {
		if _, err := GenerateTelecom(cfg, func([]string) error { return nil }); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	begin := time.Now()
	rows, _ := genTelecom(t, TelecomConfig{Subscribers: 1000, Days: 3, Region: "CN-JS"})
	if el := time.Since(begin); el > time.Second {
		t.Errorf("1,000 subscribers x 3 days took %v", el)
	}
	for _, r := range rows {
		if strings.HasPrefix(r.trunk, "MSC-") && !strings.HasPrefix(r.trunk, "MSC-JS-") {
			t.Fatalf("region CN-JS: trunk %s", r.trunk)
		}
	}
}

func isNumber(s string) bool {
	digits := strings.TrimPrefix(s, "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return false
	}
	if s[0] == '+' {
		return len(digits) >= 8 && len(digits) <= 15
	}
	return len(digits) >= 5 && len(digits) <= 20 && (strings.HasPrefix(digits, "95") || strings.HasPrefix(digits, "106"))
}

func TestTelecomRows(t *testing.T) {
	rows, _ := genTelecom(t, smallCfg)
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, cst)
	end := start.AddDate(0, 0, smallCfg.Days)
	ids := map[string]bool{}
	for i, r := range rows {
		if ids[r.id] {
			t.Fatalf("duplicate id %s", r.id)
		}
		ids[r.id] = true
		if i > 0 && r.start.Before(rows[i-1].start) {
			t.Fatalf("%s at %v is before the previous record", r.id, r.start)
		}
		if r.start.Before(start) || !r.start.Before(end) {
			t.Fatalf("%s at %v is outside the scenario", r.id, r.start)
		}
		if r.dur < 0 || (r.typ == "sms" && r.dur != 0) || (r.typ != "sms" && r.typ != "voice") {
			t.Fatalf("%s: type %q duration %d", r.id, r.typ, r.dur)
		}
		if !isNumber(r.caller) || !isNumber(r.callee) || r.caller == r.callee {
			t.Fatalf("%s: caller %q callee %q", r.id, r.caller, r.callee)
		}
		if len(r.origin) != 2 || strings.ToUpper(r.origin) != r.origin || r.trunk == "" {
			t.Fatalf("%s: trunk %q origin %q", r.id, r.trunk, r.origin)
		}
		if (r.imei == "") != (r.imsi == "") || (r.imei != "" && (len(r.imei) != 15 || luhnDigit(r.imei[:14]) != r.imei[14:])) {
			t.Fatalf("%s: imei %q imsi %q", r.id, r.imei, r.imsi)
		}
		if r.imsi != "" && (len(r.imsi) != 15 || !strings.HasPrefix(r.imsi, "460")) {
			t.Fatalf("%s: imsi %q", r.id, r.imsi)
		}
	}
}

// TestTelecomTruth checks that the truth matches the records.
func TestTelecomTruth(t *testing.T) {
	for _, cfg := range []TelecomConfig{smallCfg, {Subscribers: 5000, Days: 2, Seed: 3, FraudShare: 0.002}, patternCfg} {
		var rows []cdrRow
		var truth TelecomTruth
		if cfg == patternCfg {
			rows, truth = patternScenario(t)
		} else {
			rows, truth = genTelecom(t, cfg)
		}
		if truth.Records != len(rows) {
			t.Fatalf("truth has %d records, emitted %d", truth.Records, len(rows))
		}
		fraud := map[string]TruthLine{}
		patterns := map[string]int{}
		for _, l := range truth.FraudLines {
			fraud[l.Number] = l
			patterns[l.Kind]++
		}
		kinds := map[string]int{}
		for _, l := range truth.Legit {
			if _, dup := fraud[l.Number]; dup {
				t.Fatalf("%s is both fraud and legitimate", l.Number)
			}
			kinds[l.Kind]++
		}
		for _, k := range []string{"mass_outreach", "spoofed_cli", "simbox", "wangiri"} {
			if patterns[k] == 0 {
				t.Errorf("%+v: no %s line", cfg, k)
			}
		}
		for _, k := range []string{"courier", "hotline", "bank_sms", "school", "overseas", "roaming"} {
			if kinds[k] == 0 {
				t.Errorf("%+v: no %s line", cfg, k)
			}
		}
		// First contact of each pair with a fraud line.
		first := map[[2]string]time.Time{}
		fraudRows := 0
		for _, r := range rows {
			if _, ok := fraud[r.caller]; ok {
				fraudRows++
				if _, seen := first[[2]string{r.callee, r.caller}]; !seen {
					first[[2]string{r.callee, r.caller}] = r.start
				}
			} else if _, ok := fraud[r.callee]; ok {
				if _, seen := first[[2]string{r.caller, r.callee}]; !seen {
					first[[2]string{r.caller, r.callee}] = r.start
				}
			}
		}
		if fraudRows != truth.FraudRecords {
			t.Errorf("truth counts %d fraud records, rows have %d", truth.FraudRecords, fraudRows)
		}
		share := float64(fraudRows) / float64(len(rows))
		if math.Abs(share-cfg.FraudShare) > 0.3*cfg.FraudShare {
			t.Errorf("%+v: fraud lines made %.4f of the records", cfg, share)
		}
		grades := map[string]int{}
		for _, v := range truth.Victims {
			grades[v.Grade]++
			if _, ok := fraud[v.Suspect]; !ok {
				t.Fatalf("victim %s: suspect %s is not a fraud line", v.Subscriber, v.Suspect)
			}
			f, ok := first[[2]string{v.Subscriber, v.Suspect}]
			if !ok || !f.Equal(v.FirstContact) {
				t.Fatalf("victim %s of %s: first contact %v, records say %v", v.Subscriber, v.Suspect, v.FirstContact, f)
			}
			if want := victimGrade(&pairState{answered: int32(v.Answered), longest: int32(v.LongestCall), callback: v.CalledBack}); want != v.Grade {
				t.Fatalf("victim %+v: grade should be %s", v, want)
			}
		}
		t.Logf("%+v: %d records, %.4f fraud, %d fraud lines %v, legit %v, victims %v",
			cfg, len(rows), share, len(truth.FraudLines), patterns, kinds, grades)
		if cfg == patternCfg {
			for _, g := range []string{"high", "medium", "low"} {
				if grades[g] == 0 {
					t.Errorf("no %s-grade victim", g)
				}
			}
		}
	}
}

type lineStats struct {
	out, in, answered, sms, outAnswered int
	callees                             map[string]int
	dayCallees                          map[int]map[string]bool
	trunks, origins, imeis, imsis       map[string]int
	durs                                []int
}

func statsByLine(rows []cdrRow) map[string]*lineStats {
	st := map[string]*lineStats{}
	get := func(n string) *lineStats {
		s := st[n]
		if s == nil {
			s = &lineStats{callees: map[string]int{}, dayCallees: map[int]map[string]bool{},
				trunks: map[string]int{}, origins: map[string]int{}, imeis: map[string]int{}, imsis: map[string]int{}}
			st[n] = s
		}
		return s
	}
	for _, r := range rows {
		c := get(r.caller)
		c.out++
		c.callees[r.callee]++
		day := r.start.YearDay()
		if c.dayCallees[day] == nil {
			c.dayCallees[day] = map[string]bool{}
		}
		c.dayCallees[day][r.callee] = true
		c.trunks[r.trunk]++
		c.origins[r.origin]++
		c.imeis[r.imei]++
		c.imsis[r.imsi]++
		if r.typ == "sms" {
			c.sms++
		} else if r.dur > 0 {
			c.outAnswered++
			c.durs = append(c.durs, r.dur)
		}
		get(r.callee).in++
	}
	return st
}

func maxDay(s *lineStats) int {
	m := 0
	for _, d := range s.dayCallees {
		m = max(m, len(d))
	}
	return m
}

func median(x []int) int {
	if len(x) == 0 {
		return 0
	}
	y := slices.Clone(x)
	slices.Sort(y)
	return y[len(y)/2]
}

func TestTelecomPatterns(t *testing.T) {
	rows, truth := patternScenario(t)
	st := statsByLine(rows)
	busy := map[string]int{} // lines of each kind with a full working volume
	for _, l := range truth.FraudLines {
		s := st[l.Number]
		voice := s.out - s.sms
		answer := float64(s.outAnswered) / float64(max(1, voice))
		repeat := 1 - float64(len(s.callees))/float64(max(1, s.out))
		switch l.Kind {
		case "mass_outreach":
			if s.out >= 300 {
				busy[l.Kind]++
				if maxDay(s) < 200 || answer < 0.12 || answer > 0.45 || repeat > 0.1 || s.in > s.out/20 || median(s.durs) > 60 {
					t.Errorf("mass outreach %s: %d distinct callees on its busiest day, %.2f answered, %.2f repeats, %d incoming, median answered %d s",
						l.Number, maxDay(s), answer, repeat, s.in, median(s.durs))
				}
			}
		case "spoofed_cli":
			if !strings.HasPrefix(l.Number, "+86") || s.imeis[""] != s.out || !strings.HasPrefix(l.Trunk, "INTL-GW-") ||
				!slices.Contains(spoofOrigins, l.Origin) || len(s.origins) != 1 {
				t.Errorf("spoofed %s: trunk %s origin %s imeis %v", l.Number, l.Trunk, l.Origin, s.imeis)
			}
			if s.out >= 100 {
				busy[l.Kind]++
			}
		case "simbox":
			if s.in > 0 && s.answered > 0 {
				t.Errorf("SIM box %s answered an incoming call", l.Number)
			}
			busy[l.Kind]++
		case "wangiri":
			if s.outAnswered > 0 || s.origins["CN"] > 0 || strings.HasPrefix(l.Number, "+86") {
				t.Errorf("wangiri %s: %d answered, origins %v", l.Number, s.outAnswered, s.origins)
			}
			if s.out >= 200 {
				busy[l.Kind]++
			}
		}
	}
	for _, k := range []string{"mass_outreach", "spoofed_cli", "simbox", "wangiri"} {
		if busy[k] == 0 {
			t.Errorf("no %s line at working volume", k)
		}
	}
	// SIM boxes: one IMEI behind many SIMs, machine-regular gaps.
	byIMEI := map[string][]cdrRow{}
	simbox := map[string]bool{}
	for _, l := range truth.FraudLines {
		if l.Kind == "simbox" {
			simbox[l.Number] = true
		}
	}
	for _, r := range rows {
		if simbox[r.caller] {
			byIMEI[r.imei] = append(byIMEI[r.imei], r)
		}
	}
	rotating := 0
	for imei, rs := range byIMEI {
		sims := map[string]bool{}
		var gaps []int
		for i, r := range rs {
			sims[r.imsi] = true
			if i > 0 && rs[i-1].dur > 0 && rs[i].start.Sub(rs[i-1].start) < time.Hour {
				gaps = append(gaps, int(rs[i].start.Sub(rs[i-1].start).Seconds())-rs[i-1].dur)
			}
		}
		if len(sims) >= 4 {
			rotating++
		}
		if len(gaps) > 20 {
			slices.Sort(gaps)
			if spread := gaps[len(gaps)*9/10] - gaps[len(gaps)/10]; spread > 3 {
				t.Errorf("SIM box IMEI %s: gaps spread %d s", imei, spread)
			}
		}
	}
	if rotating == 0 {
		t.Error("no IMEI rotates SIMs")
	}
	// Wangiri: bursts and a few callbacks.
	wangiriBack := 0
	for _, v := range truth.Victims {
		if v.Pattern == "wangiri" && v.CalledBack {
			wangiriBack++
		}
	}
	if wangiriBack == 0 {
		t.Error("no Wangiri callback")
	}
	// Legitimate high-volume callers behave as they do.
	for _, l := range truth.Legit {
		s := st[l.Number]
		if s == nil {
			s = &lineStats{callees: map[string]int{}}
		}
		voice := s.out - s.sms
		answer := float64(s.outAnswered) / float64(max(1, voice))
		switch l.Kind {
		case "courier":
			if s.in < 10 || answer < 0.7 || maxDay(s) < 30 || maxDay(s) > 250 || median(s.durs) > 90 {
				t.Errorf("courier %s: %d incoming, %.2f answered, %d callees on the busiest day, median %d s", l.Number, s.in, answer, maxDay(s), median(s.durs))
			}
		case "hotline":
			if s.in < 2*s.out || s.in < 50 {
				t.Errorf("hotline %s: %d incoming, %d outgoing", l.Number, s.in, s.out)
			}
		case "bank_sms":
			if s.sms != s.out || len(s.callees) < 100 {
				t.Errorf("bank %s: %d sms of %d, %d recipients", l.Number, s.sms, s.out, len(s.callees))
			}
		case "school":
			if s.sms < 100 || len(s.callees) > 500 {
				t.Errorf("school %s: %d sms, %d recipients", l.Number, s.sms, len(s.callees))
			}
		}
	}
	// Roaming subscribers call home through international gateways during
	// their trip only, with their own SIM.
	trips := map[string]TruthLine{}
	for _, l := range truth.Legit {
		if l.Kind == "roaming" {
			trips[l.Number] = l
		}
	}
	abroad := 0
	for _, r := range rows {
		trip, ok := trips[r.caller]
		if !ok {
			continue
		}
		in := !r.start.Before(trip.FirstSeen) && !r.start.After(trip.LastSeen)
		if in != (r.origin == trip.Origin) || (in && (r.imsi != trip.IMSI || !strings.HasPrefix(r.trunk, "INTL-GW-") || r.cell != "")) {
			t.Fatalf("roamer %s (%s %v..%v): record %+v", r.caller, trip.Origin, trip.FirstSeen, trip.LastSeen, r)
		}
		if in {
			abroad++
		}
	}
	if abroad == 0 {
		t.Error("no call from a roaming subscriber")
	}
	logKinds(t, truth, st, patternCfg.Days)
	// Ordinary subscribers: circles, both ways, minutes-long calls.
	fraudOrLegit := map[string]bool{}
	for _, l := range append(slices.Clone(truth.FraudLines), truth.Legit...) {
		fraudOrLegit[l.Number] = true
	}
	var durs []int
	pairs := map[[2]string]bool{}
	both, all, answered, voice := 0, 0, 0, 0
	for _, r := range rows {
		if fraudOrLegit[r.caller] || fraudOrLegit[r.callee] {
			continue
		}
		pairs[[2]string{r.caller, r.callee}] = true
		if r.typ == "voice" {
			voice++
			if r.dur > 0 {
				answered++
				durs = append(durs, r.dur)
			}
		}
	}
	for p := range pairs {
		all++
		if pairs[[2]string{p[1], p[0]}] {
			both++
		}
	}
	if m := median(durs); m < 45 || m > 180 {
		t.Errorf("ordinary calls: median %d s", m)
	}
	if a := float64(answered) / float64(voice); a < 0.7 || a > 0.9 {
		t.Errorf("ordinary calls: %.2f answered", a)
	}
	if f := float64(both) / float64(all); f < 0.3 {
		t.Errorf("ordinary contacts: only %.2f of pairs go both ways", f)
	}
}

// TestTelecom10M streams ten million records when FANZHA_SIM_10M is set
// and reports throughput and peak heap.
func TestTelecom10M(t *testing.T) {
	if os.Getenv("FANZHA_SIM_10M") == "" {
		t.Skip("set FANZHA_SIM_10M=1")
	}
	cfg := TelecomConfig{Subscribers: 300_000, Days: 7, Seed: 1, FraudShare: 0.01}
	var n int
	var peak uint64
	var ms runtime.MemStats
	begin := time.Now()
	truth, err := GenerateTelecom(cfg, func(rec []string) error {
		n++
		if n%250_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(begin)
	t.Logf("%d records in %v: %.0f records/s, peak heap %d MB, %d fraud lines, %d victims",
		n, el, float64(n)/el.Seconds(), peak>>20, len(truth.FraudLines), len(truth.Victims))
}

func BenchmarkGenerateTelecom(b *testing.B) {
	cfg := TelecomConfig{Subscribers: 50_000, Days: 2, Seed: 1, FraudShare: 0.01}
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		w := csv.NewWriter(discard{})
		truth, err := GenerateTelecom(cfg, w.Write)
		if err != nil {
			b.Fatal(err)
		}
		w.Flush()
		records += truth.Records
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// logKinds prints what each kind of line looks like in figures (go test -v).
func logKinds(t *testing.T, truth TelecomTruth, st map[string]*lineStats, days int) {
	type agg struct {
		lines, out, in, voice, answered, sms, callees, busiest int
		durs                                                   []int
	}
	kinds := map[string]*agg{}
	var order []string
	for _, l := range append(slices.Clone(truth.FraudLines), truth.Legit...) {
		a := kinds[l.Kind]
		if a == nil {
			a = &agg{}
			kinds[l.Kind] = a
			order = append(order, l.Kind)
		}
		s := st[l.Number]
		if s == nil {
			continue
		}
		a.lines++
		a.out += s.out
		a.in += s.in
		a.voice += s.out - s.sms
		a.sms += s.sms
		a.answered += s.outAnswered
		a.callees += len(s.callees)
		a.busiest = max(a.busiest, maxDay(s))
		a.durs = append(a.durs, s.durs...)
	}
	for _, k := range order {
		a := kinds[k]
		if a.lines == 0 {
			continue
		}
		t.Logf("%-13s %4d lines: %7.1f out and %6.1f in per line-day, %4.0f%% sms, %3.0f%% of calls answered (median %4d s), %5.2f callees per record, busiest line-day %d distinct callees",
			k, a.lines, float64(a.out)/float64(a.lines*days), float64(a.in)/float64(a.lines*days),
			100*float64(a.sms)/float64(max(1, a.out)), 100*float64(a.answered)/float64(max(1, a.voice)), median(a.durs),
			float64(a.callees)/float64(max(1, a.out)), a.busiest)
	}
}

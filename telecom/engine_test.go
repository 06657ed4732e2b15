package telecom

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

// scen builds small hand-made traffic: each test adds the lines it is
// about on top of ordinary subscribers calling their friends.
type scen struct {
	rng  *rand.Rand
	t0   time.Time
	cdrs []CDR
}

func newScen(seed uint64) *scen {
	return &scen{rng: rand.New(rand.NewPCG(seed, 7)), t0: time.Date(2026, 11, 20, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))}
}

func ph(s string) indicator.Indicator { return indicator.MustParse(indicator.Phone, s) }

type mod func(*CDR)

func imei(v string) mod   { return func(c *CDR) { c.CallerIMEI = v } }
func imsi(v string) mod   { return func(c *CDR) { c.CallerIMSI = v } }
func cell(v string) mod   { return func(c *CDR) { c.Cell = v } }
func trunk(v string) mod  { return func(c *CDR) { c.Trunk = v } }
func origin(v string) mod { return func(c *CDR) { c.OriginCountry = v } }

func (s *scen) call(at time.Duration, from, to string, dur int, mods ...mod) {
	c := CDR{ID: fmt.Sprintf("r%d", len(s.cdrs)), Start: s.t0.Add(at), Caller: ph(from), Callee: ph(to), Duration: time.Duration(dur) * time.Second}
	for _, m := range mods {
		m(&c)
	}
	s.cdrs = append(s.cdrs, c)
}

func (s *scen) sms(at time.Duration, from, to string, mods ...mod) {
	s.call(at, from, to, 0, append(mods, func(c *CDR) { c.SMS = true })...)
}

// between is a random time in [a, b) hours.
func (s *scen) between(a, b float64) time.Duration {
	return time.Duration((a + s.rng.Float64()*(b-a)) * float64(time.Hour))
}

func (s *scen) dur(lo, hi int) int { return lo + s.rng.IntN(hi-lo+1) }

// sub is an ordinary subscriber; stranger is a number the lines under test
// call (in a pool of their own so that they have no social traffic).
func sub(i int) string      { return fmt.Sprintf("+86139%08d", i) }
func stranger(i int) string { return fmt.Sprintf("+86137%08d", i) }

// background adds n subscribers calling and texting a circle of friends
// through one day: answered mostly, minutes long, both ways.
func (s *scen) background(n int) {
	for i := 0; i < n; i++ {
		calls := 2 + s.rng.IntN(8)
		for k := 0; k < calls; k++ {
			f := (i + 1 + s.rng.IntN(8)) % n
			d := 0
			if s.rng.Float64() < 0.8 {
				d = s.dur(20, 900)
			}
			s.call(s.between(0, 16), sub(i), sub(f), d, cell(fmt.Sprintf("C%d", i%5)), imei(fmt.Sprintf("35%013d", i)), imsi(fmt.Sprintf("46000%010d", i)))
		}
		if s.rng.Float64() < 0.5 {
			s.sms(s.between(0, 16), sub(i), sub((i+3)%n))
		}
	}
}

func (s *scen) run(cfg Config) *Engine {
	sort.SliceStable(s.cdrs, func(i, j int) bool { return s.cdrs[i].Start.Before(s.cdrs[j].Start) })
	e := NewEngine(cfg)
	for _, c := range s.cdrs {
		e.Add(c)
	}
	e.Flush()
	return e
}

func flagged(e *Engine) map[string]Suspect {
	m := map[string]Suspect{}
	for _, s := range e.Suspects() {
		m[s.Indicator.Value()+" "+s.Detector] = s
	}
	return m
}

type knownMap map[string]int

func (k knownMap) Risk(ind indicator.Indicator) (int, bool) {
	r, ok := k[ind.Value()]
	return r, ok
}

type knownFunc func(indicator.Indicator) (int, bool)

func (k knownFunc) Risk(ind indicator.Indicator) (int, bool) { return k(ind) }

// Lines under test.
const (
	fraudLine = "+8617012345678"
	courier   = "+8615800000001"
	hotline   = "+861065529988"
	school    = "+862787654321"
	wangiriNo = "+224621234567"
	relative  = "+14155550123"
	spoofedNo = "+8613812345678"
	roamer    = "+8613900000001"
	knownNo   = "+639171234567"
)

func (s *scen) massFraud(from string, n int) {
	for i := 0; i < n; i++ {
		d := 0
		if s.rng.Float64() < 0.3 {
			d = s.dur(4, 25)
		}
		s.call(s.between(1, 9), from, stranger(i), d)
	}
}

// detectorCase is traffic for one detector or one legitimate pattern.
type detectorCase struct {
	name    string
	build   func(s *scen)
	known   knownMap
	want    map[string][]string // "number detector" -> substrings of the reasons
	notWant []string            // numbers no detector may flag
}

func TestDetectors(t *testing.T) {
	tests := []detectorCase{
		{
			name:  "mass outreach fraud",
			build: func(s *scen) { s.massFraud(fraudLine, 150) },
			want: map[string][]string{fraudLine + " " + MassOutreach: {
				"150 distinct callees in 24 h", "% of 150 calls unanswered", "median answered call ", "no incoming calls", "0% repeat contacts"}},
		},
		{
			name: "SMS blaster",
			build: func(s *scen) {
				for i := 0; i < 300; i++ {
					at := s.between(1, 12)
					s.sms(at, fraudLine, stranger(i))
					if i%60 == 0 { // a rare "who is this?"
						s.sms(at+time.Hour, stranger(i), fraudLine)
					}
				}
			},
			want: map[string][]string{fraudLine + " " + MassOutreach: {
				"300 SMS to 300 numbers it never called in 24 h", "2% wrote or called back", "0% texted more than once", "5 incoming calls and SMS"}},
		},
		{
			name: "person texting friends and a shop texting customers who answer",
			build: func(s *scen) {
				for i := 0; i < 120; i++ {
					at := s.between(1, 12)
					s.sms(at, sub(1), stranger(i)) // New Year greetings
					s.sms(at, "+8613912345678", stranger(200+i))
					if i%3 == 0 {
						s.sms(at+10*time.Minute, stranger(i), sub(1))
						s.call(at+20*time.Minute, stranger(200+i), "+8613912345678", s.dur(20, 120))
					}
				}
			},
			notWant: []string{sub(1), "+8613912345678"},
		},
		{
			name: "fixed line sending notices nobody answers",
			build: func(s *scen) {
				for i := 0; i < 400; i++ {
					s.sms(s.between(16, 17), "+861062345678", stranger(i))
				}
			},
			notWant: []string{"+861062345678"},
		},
		{
			name: "courier",
			build: func(s *scen) {
				for i := 0; i < 150; i++ {
					at := s.between(1, 11)
					d := 0
					if s.rng.Float64() < 0.7 {
						d = s.dur(15, 70)
					}
					s.call(at, courier, stranger(i), d)
					if i%3 == 0 { // customers call back
						s.call(at+20*time.Minute, stranger(i), courier, s.dur(10, 40))
					}
					if i%8 == 0 { // and get a second delivery
						s.call(at+2*time.Hour, courier, stranger(i), s.dur(15, 40))
					}
				}
			},
			notWant: []string{courier},
		},
		{
			name: "courier with short calls and no callbacks",
			build: func(s *scen) {
				for i := 0; i < 200; i++ {
					d := 0
					if s.rng.Float64() < 0.8 {
						d = s.dur(8, 20)
					}
					s.call(s.between(1, 11), courier, stranger(i), d)
				}
			},
			notWant: []string{courier},
		},
		{
			name: "bank short code sending SMS and calling",
			build: func(s *scen) {
				for i := 0; i < 3000; i++ {
					s.sms(s.between(0, 12), "95588", stranger(i))
					s.sms(s.between(0, 12), "1069000012345", stranger(i))
				}
				for i := 0; i < 300; i++ {
					d := 0
					if s.rng.Float64() < 0.3 {
						d = s.dur(5, 20)
					}
					s.call(s.between(0, 12), "95588", stranger(i), d)
				}
			},
			notWant: []string{"95588", "1069000012345"},
		},
		{
			name: "hotline mostly incoming",
			build: func(s *scen) {
				for i := 0; i < 600; i++ {
					s.call(s.between(0, 12), stranger(i), hotline, s.dur(0, 600))
				}
				for i := 0; i < 60; i++ {
					d := 0
					if i%2 == 0 {
						d = s.dur(10, 200)
					}
					s.call(s.between(6, 12), hotline, stranger(i), d)
				}
			},
			notWant: []string{hotline},
		},
		{
			name: "school calling and texting parents",
			build: func(s *scen) {
				for i := 0; i < 90; i++ {
					d := 0
					if s.rng.Float64() < 0.8 {
						d = s.dur(40, 200)
					}
					s.call(s.between(1, 9), school, stranger(i), d)
				}
				for i := 0; i < 30; i++ {
					s.call(s.between(2, 10), stranger(i*2), school, s.dur(30, 300))
				}
				for i := 0; i < 500; i++ {
					s.sms(s.between(15, 15.5), school, stranger(i))
				}
			},
			notWant: []string{school},
		},
		{
			name: "school robocall: answered, short, nobody calls back",
			build: func(s *scen) {
				for i := 0; i < 400; i++ {
					d := 0
					if s.rng.Float64() < 0.85 {
						d = s.dur(25, 35)
					}
					s.call(s.between(7, 8), school, stranger(i), d)
				}
			},
			notWant: []string{school},
		},
		{
			name: "spoofed caller ID from abroad",
			build: func(s *scen) {
				for i := 0; i < 6; i++ {
					s.call(s.between(1, 5), spoofedNo, stranger(i), s.dur(0, 30), trunk("GW-INTL-2"), origin("MM"))
				}
				// A subscriber roaming in Japan calls home with a home SIM.
				for i := 0; i < 3; i++ {
					s.call(s.between(1, 5), roamer, sub(i), s.dur(60, 300), origin("JP"), trunk("INTL-1"), imsi("460001234567890"))
				}
				// A foreign number through the same gateway is not spoofing.
				s.call(s.between(1, 5), relative, sub(5), 300, trunk("GW-INTL-2"), origin("US"))
			},
			want:    map[string][]string{spoofedNo + " " + SpoofedCLI: {"6 calls presenting this domestic number entered from abroad", "origin MM", "trunk GW-INTL-2", "no SIM"}},
			notWant: []string{roamer, relative},
		},
		{
			name: "spoofing learned from a trunk carrying foreign traffic",
			build: func(s *scen) {
				for i := 0; i < 40; i++ {
					s.call(time.Duration(i)*time.Minute, fmt.Sprintf("+63917%07d", i), sub(i%20), 60, trunk("T9"))
				}
				for i := 0; i < 3; i++ {
					s.call(time.Hour+time.Duration(i)*time.Minute, spoofedNo, stranger(i), 20, trunk("T9"))
				}
			},
			want: map[string][]string{spoofedNo + " " + SpoofedCLI: {"3 calls", "trunk T9"}},
		},
		{
			name: "SIM box cycling SIMs in one IMEI",
			build: func(s *scen) {
				for k := 0; k < 8; k++ {
					for i := 0; i < 12; i++ {
						s.call(s.between(1, 10), fmt.Sprintf("+86171000000%02d", k), stranger(k*100+i), s.dur(0, 20), imei("359000000000001"), imsi(fmt.Sprintf("4600700000000%02d", k)))
					}
				}
				// A dual-SIM phone: two SIMs, one handset.
				for i := 0; i < 30; i++ {
					from := "+8613600000001"
					if i%2 == 1 {
						from = "+8613600000002"
					}
					s.call(s.between(1, 10), from, sub(i%10), s.dur(30, 300), imei("359000000000002"), imsi("46000999999999"+from[len(from)-1:]))
				}
			},
			want:    map[string][]string{"+8617100000000 " + SIMBox: {"IMEI 359000000000001 carried 8 SIMs", "96 outgoing calls, 0 received"}, "+8617100000007 " + SIMBox: nil},
			notWant: []string{"+8613600000001", "+8613600000002"},
		},
		{
			name: "SIM box: outgoing-only lines on one cell dialling at a steady pace",
			build: func(s *scen) {
				for k := 0; k < 5; k++ {
					start := s.between(1, 2)
					for i := 0; i < 20; i++ {
						at := start + time.Duration(i*90+s.rng.IntN(10))*time.Second
						d := 0
						if i%2 == 0 {
							d = s.dur(20, 60)
						}
						s.call(at, fmt.Sprintf("+86172000000%02d", k), stranger(k*100+i), d, cell("CELL-77"))
					}
				}
			},
			want: map[string][]string{"+8617200000000 " + SIMBox: {"cell CELL-77: 5 SIMs with only outgoing calls", "machine-like"}, "+8617200000004 " + SIMBox: nil},
		},
		{
			name: "wangiri one-ring burst",
			build: func(s *scen) {
				for i := 0; i < 60; i++ {
					s.call(2*time.Hour+time.Duration(i*40)*time.Second, wangiriNo, stranger(i), 0)
				}
				for i := 0; i < 3; i++ {
					s.call(3*time.Hour+time.Duration(i)*time.Minute, stranger(i*7), wangiriNo, s.dur(60, 200))
				}
				// A relative abroad calls the family: answered.
				for i := 0; i < 10; i++ {
					s.call(s.between(1, 10), relative, sub(i%4), s.dur(60, 900))
				}
			},
			want:    map[string][]string{wangiriNo + " " + Wangiri: {"60 calls to 60 callees", "100% unanswered", "up to 60 calls in one hour", "3 callees called back"}},
			notWant: []string{relative},
		},
		{
			name: "a known suspect in contact",
			build: func(s *scen) {
				s.call(2*time.Hour, knownNo, sub(1), 480)
				s.call(3*time.Hour, knownNo, sub(2), 10)
			},
			known: knownMap{knownNo: 85, sub(3): 20},
			want:  map[string][]string{knownNo + " " + SuspectContact: {"known to the registry with risk 85"}},
		},
	}
	for _, tt := range tests {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", tt.name, seed), func(t *testing.T) {
				testScenario(t, seed, tt)
			})
		}
	}
}

func testScenario(t *testing.T, seed uint64, tt detectorCase) {
	s := newScen(seed)
	s.background(200)
	tt.build(s)
	cfg := Config{}
	if tt.known != nil {
		cfg.Known = tt.known
	}
	e := s.run(cfg)
	got := flagged(e)
	for key, subs := range tt.want {
		sus, ok := got[key]
		if !ok {
			t.Errorf("%s not flagged; got %v", key, keys(got))
			continue
		}
		if sus.Score < 60 || sus.Score > 100 {
			t.Errorf("%s score %d", key, sus.Score)
		}
		all := strings.Join(sus.Reasons, "; ")
		for _, sub := range subs {
			if !strings.Contains(all, sub) {
				t.Errorf("%s reasons %q lack %q", key, all, sub)
			}
		}
		if sus.FirstSeen.IsZero() || sus.LastSeen.Before(sus.FirstSeen) {
			t.Errorf("%s seen %v .. %v", key, sus.FirstSeen, sus.LastSeen)
		}
	}
	for key := range got {
		num := strings.Fields(key)[0]
		if _, ok := tt.want[key]; ok {
			continue
		}
		if strings.HasPrefix(num, "+86139") {
			t.Errorf("ordinary subscriber flagged: %s %v", key, got[key].Reasons)
		}
		if slices.Contains(tt.notWant, num) {
			t.Errorf("legitimate line flagged: %s %v", key, got[key].Reasons)
		}
		if len(tt.want) > 0 && !wantsNumber(tt.want, num) && !strings.HasPrefix(key, "+8617") {
			t.Errorf("unexpected suspect %s %v", key, got[key].Reasons)
		}
	}
	if len(tt.want) == 0 && len(got) > 0 {
		t.Errorf("flagged %v", keys(got))
	}
}

func wantsNumber(want map[string][]string, num string) bool {
	for k := range want {
		if strings.HasPrefix(k, num+" ") {
			return true
		}
	}
	return false
}

func keys(m map[string]Suspect) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s(%d: %s)", k, v.Score, strings.Join(v.Reasons, "; ")))
	}
	sort.Strings(out)
	return out
}

func TestWarnings(t *testing.T) {
	s := newScen(2)
	s.background(100)
	// The victims' contacts come first, before the line has made enough
	// calls to be identified; v8 is reached after.
	m := time.Minute
	s.call(10*m, fraudLine, "+8618800000001", 7*60)          // v1: one long call
	s.call(11*m, fraudLine, "+8618800000002", 3*60)          // v2: medium call
	s.call(12*m, fraudLine, "+8618800000003", 30)            // v3: two answered calls
	s.call(40*m, fraudLine, "+8618800000003", 25)            //
	s.call(13*m, fraudLine, "+8618800000004", 20)            // v4: three answered calls
	s.call(30*m, fraudLine, "+8618800000004", 20)            //
	s.call(50*m, "+8618800000004", fraudLine, 20)            //
	s.call(14*m, fraudLine, "+8618800000005", 0)             // v5: missed, called back
	s.call(20*m, "+8618800000005", fraudLine, 40)            //
	s.call(15*m, fraudLine, "+8618800000006", 15)            // v6: one short answered call: no warning
	s.sms(16*m, "+8618800000007", fraudLine)                 // v7: texted the line
	s.call(9*time.Hour, fraudLine, "+8618800000008", 360)    // v8: after identification
	s.call(9*time.Hour+m, fraudLine, "+8618800000002", 400)  // v2 again: escalates to high
	s.call(9*time.Hour+2*m, fraudLine, "+8618800000001", 60) // v1 again: nothing new
	s.massFraud(fraudLine, 150)
	sort.SliceStable(s.cdrs, func(i, j int) bool { return s.cdrs[i].Start.Before(s.cdrs[j].Start) })
	e := NewEngine(Config{})
	var drained []Warning
	for i, c := range s.cdrs {
		e.Add(c)
		if i%50 == 0 {
			_, w := e.Drain()
			drained = append(drained, w...)
		}
	}
	e.Flush()
	_, w := e.Drain()
	drained = append(drained, w...)

	if _, ok := flagged(e)[fraudLine+" "+MassOutreach]; !ok {
		t.Fatalf("line not flagged: %v", keys(flagged(e)))
	}
	got := map[string]Warning{}
	for _, w := range e.Warnings() {
		if _, dup := got[w.Subscriber.Value()]; dup {
			t.Errorf("two warnings for %v", w.Subscriber)
		}
		got[w.Subscriber.Value()] = w
	}
	tests := []struct {
		victim string
		grade  string
		reason string
	}{
		{"+8618800000001", GradeHigh, "answered a call of 7 min"},
		{"+8618800000002", GradeHigh, "answered a call of 7 min"},
		{"+8618800000003", GradeMedium, "2 answered calls, 55 s in all"},
		{"+8618800000004", GradeHigh, "3 answered calls"},
		{"+8618800000005", GradeMedium, "called the line back"},
		{"+8618800000006", "", ""},
		{"+8618800000007", GradeLow, "sent it 1 SMS"},
		{"+8618800000008", GradeHigh, "answered a call of 6 min"},
	}
	for _, tt := range tests {
		w, ok := got[tt.victim]
		if tt.grade == "" {
			if ok {
				t.Errorf("%s warned: %+v", tt.victim, w)
			}
			continue
		}
		if !ok {
			t.Errorf("%s not warned", tt.victim)
			continue
		}
		if w.Grade != tt.grade || !strings.Contains(w.Reason, tt.reason) || !strings.Contains(w.Reason, "flagged by mass_outreach") {
			t.Errorf("%s: %s %q, want %s with %q", tt.victim, w.Grade, w.Reason, tt.grade, tt.reason)
		}
		if w.Suspect.Value() != fraudLine || w.Score <= 0 || w.Score > 100 {
			t.Errorf("%s: %+v", tt.victim, w)
		}
	}
	if w := got["+8618800000001"]; !w.FirstContact.Equal(s.t0.Add(10 * m)) {
		t.Errorf("first contact %v, want %v", w.FirstContact, s.t0.Add(10*m))
	}
	// Drained: one per pair, plus v2's escalation from medium to high.
	count := map[string][]string{}
	for _, w := range drained {
		count[w.Subscriber.Value()] = append(count[w.Subscriber.Value()], w.Grade)
	}
	if g := count["+8618800000002"]; !slices.Equal(g, []string{GradeMedium, GradeHigh}) {
		t.Errorf("v2 drained %v, want medium then high", g)
	}
	if g := count["+8618800000001"]; len(g) != 1 {
		t.Errorf("v1 drained %v, want once", g)
	}
	for v := range count {
		if strings.HasPrefix(v, "+86137") || strings.HasPrefix(v, "+86139") {
			t.Errorf("warned a stranger who only had a short call: %v", v)
		}
	}
}

func TestWarningGrades(t *testing.T) {
	e := NewEngine(Config{})
	tests := []struct {
		name  string
		a     contactAgg
		grade string
	}{
		{"5 min call", contactAgg{answered: 1, longest: 300, talk: 300}, GradeHigh},
		{"4 min call", contactAgg{answered: 1, longest: 240, talk: 240}, GradeMedium},
		{"2 min call", contactAgg{answered: 1, longest: 120, talk: 120}, GradeMedium},
		{"90 s call", contactAgg{answered: 1, longest: 90, talk: 90}, GradeLow},
		{"30 s call", contactAgg{answered: 1, longest: 30, talk: 30}, GradeLow},
		{"hung up in 20 s", contactAgg{answered: 1, longest: 20, talk: 20}, ""},
		{"unanswered callback", contactAgg{tries: 1}, GradeLow},
		{"many medium calls", contactAgg{answered: 2, longest: 299, talk: 600}, GradeHigh},
		{"three answered", contactAgg{answered: 3, longest: 20, talk: 60}, GradeHigh},
		{"two answered", contactAgg{answered: 2, longest: 20, talk: 40}, GradeMedium},
		{"callback", contactAgg{answered: 1, callbacks: 1, longest: 10, talk: 10}, GradeMedium},
		{"two callbacks", contactAgg{answered: 2, callbacks: 2, longest: 10, talk: 20}, GradeHigh},
		{"sms reply", contactAgg{smsFrom: 1}, GradeLow},
		{"unanswered attempts", contactAgg{contacts: 5}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			str, why := e.strength(&tt.a)
			if g := grade(str); g != tt.grade {
				t.Errorf("grade %q (strength %d, %v), want %q", g, str, why, tt.grade)
			}
			if tt.grade != "" && len(why) == 0 {
				t.Errorf("no reason")
			}
		})
	}
}

func TestWangiriCallbackWarned(t *testing.T) {
	s := newScen(3)
	s.background(50)
	for i := 0; i < 40; i++ {
		s.call(time.Hour+time.Duration(i*30)*time.Second, wangiriNo, stranger(i), 0)
	}
	s.call(2*time.Hour, stranger(4), wangiriNo, 95)
	e := s.run(Config{})
	ws := e.Warnings()
	if len(ws) != 1 || ws[0].Subscriber.Value() != stranger(4) || ws[0].Grade != GradeMedium || !strings.Contains(ws[0].Reason, "wangiri") {
		t.Fatalf("warnings %+v", ws)
	}
}

func TestKnownSuspectWarning(t *testing.T) {
	s := newScen(4)
	s.call(time.Hour, knownNo, sub(1), 600)
	s.call(2*time.Hour, sub(2), knownNo, 30)
	e := s.run(Config{Known: knownMap{knownNo: 90}})
	ws := e.Warnings()
	if len(ws) != 2 || ws[0].Subscriber.Value() != sub(1) || ws[0].Grade != GradeHigh || !strings.Contains(ws[0].Reason, "suspect_contact") ||
		ws[1].Subscriber.Value() != sub(2) || ws[1].Grade != GradeMedium || !strings.Contains(ws[1].Reason, "called the line back") {
		t.Fatalf("warnings %+v", ws)
	}
}

// TestOwnVerdictNotKnownAgain: a line the engine flagged lands in the
// registry; the registry then knowing it must not make a second,
// suspect_contact suspect of the same line.
func TestOwnVerdictNotKnownAgain(t *testing.T) {
	s := newScen(6)
	s.massFraud(fraudLine, 150)
	s.background(50)
	for i := 0; i < 40; i++ { // more traffic after the line was flagged and reported
		s.call(12*time.Hour+time.Duration(i)*time.Minute, fraudLine, stranger(500+i), 0)
	}
	// The registry learns of the line when the engine's verdict lands.
	var e *Engine
	reported := knownFunc(func(ind indicator.Indicator) (int, bool) {
		if e == nil {
			return 0, false
		}
		_, ok := flagged(e)[ind.Value()+" "+MassOutreach]
		return 95, ok
	})
	sort.SliceStable(s.cdrs, func(i, j int) bool { return s.cdrs[i].Start.Before(s.cdrs[j].Start) })
	e = NewEngine(Config{Known: reported})
	for _, c := range s.cdrs {
		e.Add(c)
	}
	e.Flush()
	got := flagged(e)
	if _, ok := got[fraudLine+" "+MassOutreach]; !ok {
		t.Fatalf("mass outreach not flagged: %v", keys(got))
	}
	if _, ok := got[fraudLine+" "+SuspectContact]; ok {
		t.Errorf("the line's own verdict came back as suspect_contact: %v", keys(got))
	}
}

func TestSpoofedWarningsOnlyForSpoofedCalls(t *testing.T) {
	s := newScen(5)
	// The owner of the number talks to family at home; scammers present
	// the same number from abroad.
	s.call(30*time.Minute, spoofedNo, sub(1), 900, imsi("460001111111111"))
	for i := 0; i < 3; i++ {
		s.call(time.Hour+time.Duration(i)*time.Minute, spoofedNo, stranger(i), 20+i*200, origin("KH"))
	}
	e := s.run(Config{})
	if _, ok := flagged(e)[spoofedNo+" "+SpoofedCLI]; !ok {
		t.Fatalf("not flagged: %v", keys(flagged(e)))
	}
	// 20 s, 220 s and 420 s calls: none, medium, high; the owner's own
	// 15 min call with family is not the scammer's.
	ws := e.Warnings()
	if len(ws) != 2 || ws[0].Subscriber.Value() != stranger(2) || ws[0].Grade != GradeHigh ||
		ws[1].Subscriber.Value() != stranger(1) || ws[1].Grade != GradeMedium {
		t.Fatalf("warnings %+v", ws)
	}
}

func TestExposure(t *testing.T) {
	s := newScen(6)
	s.background(50)
	s.massFraud(fraudLine, 100)
	s.call(9*time.Hour, fraudLine, sub(7), 420)
	e := s.run(Config{})
	cs := e.Exposure(ph(sub(7)), s.t0)
	if len(cs) != 1 {
		t.Fatalf("exposure %+v", cs)
	}
	c := cs[0]
	if c.Suspect.Value() != fraudLine || c.Outgoing || c.Duration != 7*time.Minute || c.Score < 60 || !slices.Contains(c.Detectors, MassOutreach) || !c.Time.Equal(s.t0.Add(9*time.Hour)) {
		t.Errorf("contact %+v", c)
	}
	if cs := e.Exposure(ph(sub(7)), s.t0.Add(10*time.Hour)); len(cs) != 0 {
		t.Errorf("since later: %+v", cs)
	}
	if cs := e.Exposure(ph(sub(8)), s.t0); len(cs) != 0 {
		t.Errorf("unexposed subscriber: %+v", cs)
	}
	if cs := e.Exposure(ph("+8613000000000"), s.t0); cs != nil {
		t.Errorf("unknown subscriber: %+v", cs)
	}
}

func TestDuplicatesLateAndExpiry(t *testing.T) {
	s := newScen(7)
	e := NewEngine(Config{})
	c := CDR{ID: "x1", Start: s.t0, Caller: ph(sub(1)), Callee: ph(sub(2)), Duration: time.Minute}
	e.Add(c)
	e.Add(c)
	c2 := c
	c2.ID = "x2"
	e.Add(c2) // same call time, another record: kept
	e.Add(CDR{ID: "self", Start: s.t0, Caller: ph(sub(1)), Callee: ph(sub(1))})
	e.Add(CDR{ID: "late-ok", Start: s.t0.Add(-time.Hour), Caller: ph(sub(3)), Callee: ph(sub(2))})
	st := e.Stats()
	if st.Records != 3 || st.Duplicates != 1 || st.Ignored != 1 {
		t.Fatalf("stats %+v", st)
	}
	// Five days of traffic among changing subscribers: only the last
	// window's numbers stay.
	for day := 0; day < 5; day++ {
		for i := 0; i < 200; i++ {
			at := s.t0.Add(time.Duration(day)*24*time.Hour + time.Duration(i)*5*time.Minute)
			e.Add(CDR{ID: fmt.Sprintf("d%d-%d", day, i), Start: at, Caller: ph(sub(day*1000 + i)), Callee: ph(sub(day*1000 + i + 1)), Duration: time.Minute})
		}
	}
	e.Add(CDR{ID: "old", Start: s.t0, Caller: ph(sub(1)), Callee: ph(sub(2))})
	st = e.Stats()
	if st.Late != 1 {
		t.Errorf("late %d", st.Late)
	}
	if st.Lines > 2*201+10 {
		t.Errorf("%d lines held after 5 days, want about one window's", st.Lines)
	}
}

func TestSuspectsDrainOnce(t *testing.T) {
	s := newScen(8)
	s.massFraud(fraudLine, 200)
	sort.SliceStable(s.cdrs, func(i, j int) bool { return s.cdrs[i].Start.Before(s.cdrs[j].Start) })
	e := NewEngine(Config{})
	n := 0
	for _, c := range s.cdrs {
		e.Add(c)
		sus, _ := e.Drain()
		n += len(sus)
	}
	e.Flush()
	sus, _ := e.Drain()
	n += len(sus)
	if n != 1 || len(e.Suspects()) != 1 {
		t.Errorf("drained %d suspects, hold %d", n, len(e.Suspects()))
	}
}

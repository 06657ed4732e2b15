package simulate

// Telecom traffic: call detail records in the FORMATS.md `cdr` shape for a
// population of subscribers, the legitimate high-volume callers an operator
// carries, and the fraud lines that prey on them, with the ground truth a
// detector is scored against.
//
// Everything is driven by behaviour, not by markers: fraud lines use the same
// number ranges, trunks and devices as everyone else where they would in
// life, and legitimate callers share the traits detectors look at (many
// distinct callees, short calls, foreign trunks, bursts of messages).
//
// Records are produced hour by hour: every actor adds the calls it starts in
// the hour and schedules the replies, callbacks and follow-ups they cause into
// later hours; each hour is sorted and streamed out. Memory is what the
// population needs plus an hour of traffic, whatever the number of records.

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TelecomConfig sizes a telecom scenario. The zero values of FraudShare,
// Start and Region have defaults; the same config always gives byte-identical
// records and truth.
type TelecomConfig struct {
	Subscribers int       // ordinary subscribers of the operator
	Days        int       // length of the scenario
	Seed        uint64    // PCG seed
	FraudShare  float64   // share of records made by fraud lines, 0.001..0.02 is realistic; 0 means 0.01
	Start       time.Time // rounded down to the hour; zero means Monday 2026-11-16 00:00 +08:00
	Region      string    // "CN" (default) or a subdivision such as "CN-SH"; names the home trunks
}

// CDRColumns are the columns GenerateTelecom emits, in the FORMATS.md order.
var CDRColumns = []string{"id", "start", "caller", "callee", "duration", "type",
	"caller_imei", "caller_imsi", "cell", "trunk", "origin_country"}

// TruthLine is one number in the ground truth: a fraud line with its pattern,
// or a legitimate line with its kind.
type TruthLine struct {
	Number string `json:"number"`
	// Kind is the fraud pattern (mass_outreach, spoofed_cli, simbox, wangiri,
	// sms_blast)
	// or the legitimate kind (courier, hotline, bank_sms, school, overseas,
	// roaming).
	Kind   string `json:"kind"`
	IMEI   string `json:"imei,omitempty"`
	IMSI   string `json:"imsi,omitempty"`
	Cell   string `json:"cell,omitempty"`
	Trunk  string `json:"trunk,omitempty"`
	Origin string `json:"origin_country,omitempty"`
	// Group names lines run by the same hands: the successive numbers of one
	// call centre, the SIMs of one SIM box, the numbers of one spoofing
	// campaign or Wangiri operation.
	Group    string `json:"group,omitempty"`
	Records  int    `json:"records"`  // records it originated
	Incoming int    `json:"incoming"` // records it received
	// FirstSeen and LastSeen bound its records; for roaming subscribers they
	// bound the trip abroad.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// TruthVictim is a person at risk after contact with a fraud line, as an
// early-warning system should grade them.
type TruthVictim struct {
	Subscriber   string    `json:"subscriber"` // may be another operator's customer
	Suspect      string    `json:"suspect"`
	Pattern      string    `json:"pattern"`
	FirstContact time.Time `json:"first_contact"` // first record between the two, either way
	Grade        string    `json:"grade"`         // high, medium, low
	Why          string    `json:"why"`
	LongestCall  int       `json:"longest_call"` // seconds, answered calls either way
	Answered     int       `json:"answered"`     // answered calls either way
	CalledBack   bool      `json:"called_back"`
}

// Victim grades: a conversation of five minutes or more is high; two to five
// minutes, repeated answered contact or calling the suspect back is medium; a
// short answered call (30 s to 2 min) is low. Hanging up within 30 s is not
// a risk and not recorded.
const (
	gradeHighSec   = 300
	gradeMediumSec = 120
	gradeLowSec    = 30
)

// TelecomTruth is the ground truth of a scenario.
type TelecomTruth struct {
	Records      int           `json:"records"`
	FraudRecords int           `json:"fraud_records"` // records originated by fraud lines
	FraudLines   []TruthLine   `json:"fraud_lines"`
	Legit        []TruthLine   `json:"legit"`
	Victims      []TruthVictim `json:"victims"`
}

// WriteTelecomCSV streams the scenario's records to w as the FORMATS.md
// `cdr` CSV, header first, and returns the ground truth.
func WriteTelecomCSV(cfg TelecomConfig, w io.Writer) (TelecomTruth, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(CDRColumns); err != nil {
		return TelecomTruth{}, err
	}
	truth, err := GenerateTelecom(cfg, cw.Write)
	if err != nil {
		return truth, err
	}
	cw.Flush()
	return truth, cw.Error()
}

// WriteTelecom writes dir/cdr.csv (header and records) and dir/truth.json.
func WriteTelecom(cfg TelecomConfig, dir string) (TelecomTruth, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return TelecomTruth{}, err
	}
	f, err := os.Create(filepath.Join(dir, "cdr.csv"))
	if err != nil {
		return TelecomTruth{}, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	truth, err := WriteTelecomCSV(cfg, bw)
	if err != nil {
		return truth, err
	}
	if err := bw.Flush(); err != nil {
		return truth, err
	}
	if err := f.Close(); err != nil {
		return truth, err
	}
	js, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return truth, err
	}
	return truth, os.WriteFile(filepath.Join(dir, "truth.json"), append(js, '\n'), 0o644)
}

// GenerateTelecom streams the scenario's records to emit in CDRColumns order
// and start-time order, and returns the ground truth. emit may keep the
// strings but not the slice, which is reused; an error from emit stops the
// generation and is returned.
func GenerateTelecom(cfg TelecomConfig, emit func(rec []string) error) (TelecomTruth, error) {
	g, err := newTelecom(cfg)
	if err != nil {
		return TelecomTruth{}, err
	}
	hours := cfg.Days * 24
	for h := range hours {
		g.cur = h
		hs := g.t0 + int64(h)*hourSec
		if h%24 == 0 {
			g.startDay(h / 24)
		}
		g.hour(hs)
		batch := g.buckets[h]
		delete(g.buckets, h)
		slices.SortFunc(batch, func(a, b tevent) int {
			if c := cmp.Compare(a.t, b.t); c != 0 {
				return c
			}
			return cmp.Compare(a.seq, b.seq)
		})
		for i := range batch {
			g.account(&batch[i])
			if err := emit(g.format(&batch[i])); err != nil {
				return TelecomTruth{}, err
			}
		}
	}
	return g.truth(), nil
}

const (
	hourSec = 3600
	daySec  = 86400
	cstOff  = 8 * hourSec
)

var cst = time.FixedZone("CST", cstOff)

// Line kinds.
const (
	kSub uint8 = iota
	kCourier
	kHotline
	kBankSMS
	kSchool
	kOverseas
	kMass
	kSpoof
	kSimbox
	kWangiri
	kSMSBlast
)

var kindNames = [...]string{"subscriber", "courier", "hotline", "bank_sms", "school", "overseas",
	"mass_outreach", "spoofed_cli", "simbox", "wangiri", "sms_blast"}

// A party is a number in an event: 0..n-1 an ordinary subscriber (its
// identifiers are computed, not stored), n.. a line of the lines table, and a
// negative value a number outside the population (its E.164 digits, negated).
type tevent struct {
	t      int64
	seq    uint64
	caller int64
	callee int64
	dur    int32
	cell   int32 // -1: none
	route  int16
	sms    bool
}

type troute struct{ trunk, origin string }

type tline struct {
	number, imei, imsi string
	cell               int32
	route              int16
	kind               uint8
	group              string
	records, incoming  int
	first, last        int64
}

type pairKey struct{ victim, suspect int64 }

type pairState struct {
	first    int64
	answered int32
	longest  int32
	callback bool
}

type tgen struct {
	cfg        TelecomConfig
	r          *rand.Rand
	salt       uint64
	n          int
	t0, tEnd   int64
	cur        int
	seq        uint64
	buckets    map[int][]tevent
	nextMobile uint64

	adjOff []int32
	adj    []int32
	act    talias
	nCells int
	nMSC   int
	routes []troute
	rindex map[troute]int16
	icx    []int16
	lines  []tline

	couriers []courier
	hotlines []hotline
	banks    []bank
	schools  []school
	overseas []overseasLine
	roamers  []int

	mass    []fslot
	blast   []fslot
	spoof   []fslot
	boxes   []simbox
	wangiri []wslot

	pairs        map[pairKey]*pairState
	records      int
	fraudRecords int

	rec      []string
	buf      []byte
	dateDay  int64
	datePref string
}

// Ordinary subscribers originate subDaily calls and messages a day on
// average (individual rates vary twentyfold); replies and callbacks add about
// a third.
const (
	subDaily     = 3.5
	subAnswer    = 0.8
	subCallback  = 0.55
	smsReply     = 0.55
	smsReplyMore = 0.45
	roamShare    = 0.004
	abroadShare  = 0.02
	blockSize    = 120 // a neighbourhood: family, colleagues, friends
)

// Hourly activity of ordinary subscribers (local time).
var subHour = norm24([]float64{0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.4, 1.2, 2.8, 4.2, 5.2, 5.4,
	4.6, 4.2, 4.8, 5.2, 5.4, 5.6, 5.2, 5.8, 6.2, 5.8, 3.6, 1.4})

func norm24(w []float64) [24]float64 {
	var out [24]float64
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	for i, x := range w {
		out[i] = x / sum
	}
	return out
}

func hoursOf(spec map[int]float64) [24]float64 {
	w := make([]float64, 24)
	for h, x := range spec {
		w[h] = x
	}
	return norm24(w)
}

var (
	courierHour = hoursOf(map[int]float64{8: 0.3, 9: 1, 10: 1.3, 11: 1.2, 12: 0.5, 13: 0.8, 14: 1.2, 15: 1.3, 16: 1.2, 17: 1, 18: 0.6, 19: 0.3})
	hotlineHour = hoursOf(map[int]float64{8: 0.6, 9: 1.2, 10: 1.4, 11: 1.3, 12: 0.8, 13: 1, 14: 1.3, 15: 1.3, 16: 1.2, 17: 1, 18: 0.8, 19: 0.7, 20: 0.6, 21: 0.3})
	abroadHour  = hoursOf(map[int]float64{7: 0.5, 8: 0.6, 12: 0.6, 13: 0.5, 18: 0.8, 19: 1.2, 20: 1.5, 21: 1.5, 22: 1.2, 23: 0.6, 0: 0.3, 10: 0.4, 15: 0.4})
	massHour    = hoursOf(map[int]float64{9: 1, 10: 1, 11: 1, 12: 0.3, 13: 0.6, 14: 1, 15: 1, 16: 1, 17: 1, 18: 0.4, 19: 0.7, 20: 0.6})
	spoofHour   = hoursOf(map[int]float64{9: 0.5, 10: 1, 11: 1, 12: 0.6, 13: 0.6, 14: 1, 15: 1, 16: 1, 17: 1, 18: 0.8, 19: 0.9, 20: 0.9, 21: 0.6})
	schoolHour  = hoursOf(map[int]float64{8: 1, 9: 1, 10: 1, 11: 0.8, 12: 0.3, 13: 0.8, 14: 1, 15: 1, 16: 1.2, 17: 0.8})
)

var mobilePrefixes = []int64{130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 147, 150, 151, 152,
	153, 155, 156, 157, 158, 159, 166, 170, 171, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184,
	185, 186, 187, 188, 189, 191, 195, 198, 199}

var tacs = []string{"35391110", "35328111", "86891404", "86769204", "35260011", "86446303",
	"35875711", "86072004", "35467011", "86012305"}

// Foreign ranges: country code, ISO country, national prefix, digits after it.
type frange struct {
	cc, iso, prefix string
	digits          int
}

var abroadRanges = []frange{
	{"1", "US", "", 10}, {"44", "GB", "7", 9}, {"81", "JP", "90", 8}, {"61", "AU", "4", 8},
	{"65", "SG", "9", 7}, {"60", "MY", "1", 8}, {"852", "HK", "9", 7}, {"886", "TW", "9", 8},
	{"66", "TH", "8", 8}, {"63", "PH", "9", 9}, {"82", "KR", "10", 8}, {"33", "FR", "6", 8},
}

// Ranges Wangiri operators rent: premium and high-termination-rate numbers.
var premiumRanges = []frange{
	{"222", "MR", "4", 7}, {"216", "TN", "9", 7}, {"269", "KM", "3", 6}, {"375", "BY", "29", 7},
	{"371", "LV", "90", 6}, {"44", "GB", "70", 8}, {"252", "SO", "90", 7}, {"882", "GB", "16", 8},
}

var roamCountries = []string{"TH", "JP", "KR", "SG", "MY", "US", "FR", "AU"}

// Countries scam call centres dial from when they spoof domestic numbers.
var spoofOrigins = []string{"PH", "KH", "MM", "TH"}

var intlHubs = []string{"HK", "SG", "BJ", "SH", "GZ"}

func newTelecom(cfg TelecomConfig) (*tgen, error) {
	if cfg.Subscribers < 10 {
		return nil, errors.New("simulate: telecom needs at least 10 subscribers")
	}
	if cfg.Subscribers > 50_000_000 {
		return nil, errors.New("simulate: telecom supports at most 50 million subscribers")
	}
	if cfg.Days < 1 {
		return nil, errors.New("simulate: telecom needs at least one day")
	}
	if cfg.FraudShare == 0 {
		cfg.FraudShare = 0.01
	}
	if cfg.FraudShare < 0 || cfg.FraudShare > 0.5 {
		return nil, fmt.Errorf("simulate: fraud share %v out of range 0..0.5", cfg.FraudShare)
	}
	if cfg.Region == "" {
		cfg.Region = "CN"
	}
	if cfg.Region != "CN" && !(strings.HasPrefix(cfg.Region, "CN-") && len(cfg.Region) == 5) {
		return nil, fmt.Errorf("simulate: region %q: only CN and CN-XX are modelled", cfg.Region)
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, 11, 16, 0, 0, 0, 0, cst) // a Monday
	}
	g := &tgen{
		cfg:     cfg,
		r:       rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5851f42d4c957f2d)),
		salt:    mix64(cfg.Seed ^ 0x2545f4914f6cdd1d),
		n:       cfg.Subscribers,
		t0:      cfg.Start.Truncate(time.Hour).Unix(),
		buckets: map[int][]tevent{},
		pairs:   map[pairKey]*pairState{},
		rindex:  map[troute]int16{},
		rec:     make([]string, len(CDRColumns)),
		dateDay: -1,
	}
	g.tEnd = g.t0 + int64(cfg.Days)*daySec
	g.nextMobile = uint64(g.n)
	g.nCells = max(60, g.n/150)
	g.setupRoutes()
	g.setupSubscribers()
	g.setupServices()
	g.setupFraud()
	return g, nil
}

// --- hashing, numbers and distributions ---

func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// h is a per-subscriber attribute that needs no storage.
func (g *tgen) h(i int, salt uint64) uint64 {
	return mix64(uint64(i)*0x9e3779b97f4a7c15 ^ salt ^ g.salt)
}

func (g *tgen) hu(i int, salt uint64) float64 { return float64(g.h(i, salt)>>11) / (1 << 53) }

// mobileDigits maps j one-to-one onto Chinese mobile numbers (the suffix is
// an affine bijection of j), so subscribers, service and fraud lines and
// outside numbers never collide.
func (g *tgen) mobileDigits(j uint64) int64 {
	p := mobilePrefixes[mix64(j^g.salt^0x51)%uint64(len(mobilePrefixes))]
	s := (j*7652413 + g.salt%100_000_000) % 100_000_000
	return 86*100_000_000_000 + p*100_000_000 + int64(s)
}

func (g *tgen) imsi(j uint64) string {
	mnc := [...]string{"00", "02", "07", "00", "08"}[mix64(j^g.salt^0x52)%5]
	s := (j*3456789013 + g.salt%10_000_000_000) % 10_000_000_000
	return "460" + mnc + pad(int64(s), 10)
}

func (g *tgen) imei(j uint64) string {
	tac := tacs[mix64(j^g.salt^0x53)%uint64(len(tacs))]
	body := tac + pad(int64((j*123457+g.salt%1_000_000)%1_000_000), 6)
	return body + luhnDigit(body)
}

func pad(v int64, width int) string {
	s := strconv.FormatInt(v, 10)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

func (g *tgen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// newMobile hands out a fresh mobile number index for a line or an outside
// number.
func (g *tgen) newMobile() uint64 { j := g.nextMobile; g.nextMobile++; return j }

func (g *tgen) offnet() int64 { return -g.mobileDigits(g.newMobile()) }

func (g *tgen) foreign(fr frange) string {
	return "+" + fr.cc + fr.prefix + g.digits(fr.digits)
}

func (g *tgen) logn(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// dur is a log-normal duration in whole seconds clamped to [lo, hi].
func (g *tgen) dur(median, sigma float64, lo, hi int) int {
	return min(hi, max(lo, int(g.logn(median, sigma)+0.5)))
}

func (g *tgen) after(t int64, median, sigma float64) int64 {
	return t + 1 + int64(g.logn(median, sigma))
}

func (g *tgen) poisson(l float64) int { return poisson(g.r, l) }

// poisson draws from a Poisson distribution of mean l: by counting
// uniform draws for small means, by the normal approximation for large.
func poisson(r *rand.Rand, l float64) int {
	if l <= 0 {
		return 0
	}
	if l > 30 {
		return max(0, int(l+math.Sqrt(l)*r.NormFloat64()+0.5))
	}
	limit, p, k := math.Exp(-l), 1.0, 0
	for {
		p *= r.Float64()
		if p <= limit {
			return k
		}
		k++
	}
}

func (g *tgen) chance(p float64) bool { return g.r.Float64() < p }

// talias samples subscribers by activity in constant time (Vose).
type talias struct {
	prob  []float32
	alias []int32
}

func newAlias(w []float64) talias {
	n := len(w)
	a := talias{prob: make([]float32, n), alias: make([]int32, n)}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	scaled := make([]float64, n)
	var small, large []int32
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.prob[s], a.alias[s] = float32(scaled[s]), l
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range append(small, large...) {
		a.prob[i], a.alias[i] = 1, i
	}
	return a
}

func (a talias) sample(r *rand.Rand) int {
	i := r.IntN(len(a.prob))
	if r.Float32() < a.prob[i] {
		return i
	}
	return int(a.alias[i])
}

// --- setup ---

func (g *tgen) route(trunk, origin string) int16 {
	k := troute{trunk, origin}
	if i, ok := g.rindex[k]; ok {
		return i
	}
	g.routes = append(g.routes, k)
	g.rindex[k] = int16(len(g.routes) - 1)
	return int16(len(g.routes) - 1)
}

func (g *tgen) regionCode(k int) string {
	if g.cfg.Region != "CN" {
		return g.cfg.Region[3:]
	}
	return [...]string{"SH", "BJ", "GZ", "SZ", "HZ", "NJ", "CD", "WH"}[k%8]
}

func (g *tgen) areaCode() string {
	codes := map[string]string{"SH": "21", "BJ": "10", "GZ": "20", "SZ": "755", "HZ": "571",
		"NJ": "25", "CD": "28", "WH": "27", "GD": "20", "JS": "25", "ZJ": "571", "SC": "28"}
	if c, ok := codes[g.regionCode(g.r.IntN(8))]; ok {
		return c
	}
	return "21"
}

// landline is a fixed number: area code and 8 digits (7 after a 3-digit code).
func (g *tgen) landline() string {
	ac := g.areaCode()
	return "+86" + ac + string(rune('2'+g.r.IntN(7))) + g.digits(9-len(ac))
}

func (g *tgen) setupRoutes() {
	// Home switches first: route index k < nMSC is MSC k.
	g.nMSC = 8
	for k := range g.nMSC {
		g.route(fmt.Sprintf("MSC-%s-%02d", g.regionCode(k), k+1), "CN")
	}
	g.icx = []int16{g.route("ICX-CUCC-01", "CN"), g.route("ICX-CTCC-01", "CN"), g.route("ICX-CBN-01", "CN")}
}

func (g *tgen) intlRoute(origin string) int16 {
	hub := intlHubs[mix64(uint64(len(origin))*31+uint64(origin[0])*7+uint64(origin[1]))%uint64(len(intlHubs))]
	return g.route("INTL-GW-"+hub+"-0"+strconv.Itoa(1+int(origin[1])%3), origin)
}

func (g *tgen) setupSubscribers() {
	n := g.n
	// Social circles: most contacts live in one's neighbourhood block, some
	// nearby, a few anywhere. Edges go both ways.
	deg := make([]int32, n+1)
	type edge struct{ a, b int32 }
	edges := make([]edge, 0, n*16)
	nb := (n + blockSize - 1) / blockSize
	for i := range n {
		k := min(60, max(4, int(g.logn(15, 0.5))))
		blk := i / blockSize
		for range k {
			var j int
			switch u := g.r.Float64(); {
			case u < 0.7:
				j = blk*blockSize + g.r.IntN(blockSize)
			case u < 0.85:
				j = ((blk+g.r.IntN(11)-5+nb)%nb)*blockSize + g.r.IntN(blockSize)
			default:
				j = g.r.IntN(n)
			}
			if j >= n || j == i {
				continue
			}
			edges = append(edges, edge{int32(i), int32(j)})
			deg[i]++
			deg[j]++
		}
	}
	g.adjOff = make([]int32, n+1)
	for i := range n {
		g.adjOff[i+1] = g.adjOff[i] + deg[i]
	}
	g.adj = make([]int32, g.adjOff[n])
	fill := deg[:n]
	copy(fill, g.adjOff[:n])
	for _, e := range edges {
		g.adj[fill[e.a]] = e.b
		fill[e.a]++
		g.adj[fill[e.b]] = e.a
		fill[e.b]++
	}
	// Shuffle each list so the skew towards its head picks a random few as
	// the closest contacts.
	for i := range n {
		l := g.adj[g.adjOff[i]:g.adjOff[i+1]]
		g.r.Shuffle(len(l), func(a, b int) { l[a], l[b] = l[b], l[a] })
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Exp(0.8 * g.r.NormFloat64())
	}
	g.act = newAlias(w)
	for i := range n {
		if g.roamer(i) {
			g.roamers = append(g.roamers, i)
		}
	}
}

func (g *tgen) roamer(i int) bool { return g.hu(i, 0x701) < roamShare }

// roamWindow is the trip abroad of a roaming subscriber, in scenario days.
func (g *tgen) roamWindow(i int) (from, to int, country string) {
	h := g.h(i, 0x702)
	from = int(h % uint64(g.cfg.Days))
	to = min(g.cfg.Days, from+1+int(h>>20%3))
	return from, to, roamCountries[h>>40%uint64(len(roamCountries))]
}

func (g *tgen) roaming(i int, t int64) (bool, string) {
	if !g.roamer(i) {
		return false, ""
	}
	from, to, c := g.roamWindow(i)
	d := int((t - g.t0) / daySec)
	return d >= from && d < to, c
}

func (g *tgen) homeCell(i int) int32 {
	return int32((i/blockSize*3 + int(g.h(i, 0x703)%3)) % g.nCells)
}

func (g *tgen) subRoute(i int) int16 { return int16(mix64(uint64(i/2000)^g.salt) % uint64(g.nMSC)) }

func (g *tgen) cellRoute(c int32) int16 { return int16(mix64(uint64(c/30)^g.salt) % uint64(g.nMSC)) }

func (g *tgen) addLine(l tline) int64 {
	l.first = math.MaxInt64
	g.lines = append(g.lines, l)
	return int64(g.n + len(g.lines) - 1)
}

func (g *tgen) line(p int64) *tline { return &g.lines[p-int64(g.n)] }

func (g *tgen) isLine(p int64) bool { return p >= int64(g.n) }

func (g *tgen) mobileLine(kind uint8, cell int32, group string) int64 {
	j := g.newMobile()
	route := int16(0)
	if cell >= 0 {
		route = g.cellRoute(cell)
	}
	return g.addLine(tline{number: "+" + strconv.FormatInt(g.mobileDigits(j), 10),
		imei: g.imei(j), imsi: g.imsi(j), cell: cell, route: route, kind: kind, group: group})
}

type courier struct {
	line    int64
	lo      int
	span    int
	outside []int64
	cells   []int32
	vol     float64
}

type hotline struct {
	line int64
	vol  float64
}

type bank struct {
	line     int64
	frac     float64
	salt     uint64
	tx       float64 // notifications per customer per day
	voice    float64 // customer calls per customer per day
	batchDay int
	batchMin int
}

type school struct {
	line     int64
	lo, size int
}

type overseasLine struct {
	line int64
	rel  int
}

func (g *tgen) setupServices() {
	n := g.n
	for k := range max(2, n/400) {
		lo := g.r.IntN(n)
		c := courier{lo: lo, span: min(n, 400+g.r.IntN(500)), cells: []int32{}, vol: 60 + 80*g.r.Float64()}
		hc := g.homeCell(lo)
		for x := range 3 + g.r.IntN(3) {
			c.cells = append(c.cells, (hc+int32(x))%int32(g.nCells))
		}
		c.line = g.mobileLine(kCourier, -1, "courier-"+strconv.Itoa(k+1))
		g.line(c.line).route = g.cellRoute(hc)
		for range 100 + g.r.IntN(150) {
			c.outside = append(c.outside, g.offnet())
		}
		g.couriers = append(g.couriers, c)
	}
	ent := []int16{g.route("ENT-SIP-01", "CN"), g.route("ENT-SIP-02", "CN")}
	for k := range max(2, n/2500) {
		l := g.addLine(tline{number: "+86400" + strconv.Itoa(1+g.r.IntN(9)) + g.digits(6), cell: -1,
			route: ent[k%2], kind: kHotline, group: "hotline-" + strconv.Itoa(k+1)})
		g.hotlines = append(g.hotlines, hotline{line: l, vol: 80 + 200*g.r.Float64()})
	}
	smsc := []int16{g.route("SMSC-SP-01", "CN"), g.route("SMSC-SP-02", "CN")}
	shortCodes := []struct {
		code, bank string
		frac       float64
	}{{"95588", "ICBC", 0.3}, {"95533", "CCB", 0.25}, {"95599", "ABC", 0.22}, {"95566", "BOC", 0.18}, {"95555", "CMB", 0.12}}
	batchDay := min(1, g.cfg.Days-1)
	for k, sc := range shortCodes {
		l := g.addLine(tline{number: sc.code, cell: -1, route: smsc[k%2], kind: kBankSMS, group: sc.bank})
		g.banks = append(g.banks, bank{line: l, frac: sc.frac, salt: mix64(uint64(k) + 0x800), tx: 0.45,
			voice: 0.01, batchDay: batchDay, batchMin: 10 * k})
	}
	// 106 senders carry verification codes and notices for banks and apps.
	for k, num := range []string{"1069" + g.digits(8), "10657" + g.digits(7)} {
		l := g.addLine(tline{number: num, cell: -1, route: smsc[k%2], kind: kBankSMS, group: "sp-106-" + strconv.Itoa(k+1)})
		g.banks = append(g.banks, bank{line: l, frac: 1, salt: 0, tx: 0.12, batchDay: -1})
	}
	pstn := g.route("PSTN-"+g.regionCode(0)+"-01", "CN")
	for k := range max(1, n/1500) {
		size := min(n, 150+g.r.IntN(250))
		l := g.addLine(tline{number: g.landline(), cell: -1, route: pstn, kind: kSchool, group: "school-" + strconv.Itoa(k+1)})
		g.schools = append(g.schools, school{line: l, lo: g.r.IntN(n), size: size})
	}
	for i := range n {
		if g.hu(i, 0x704) >= abroadShare {
			continue
		}
		fr := abroadRanges[g.h(i, 0x705)%uint64(len(abroadRanges))]
		l := g.addLine(tline{number: g.foreign(fr), cell: -1, route: g.intlRoute(fr.iso), kind: kOverseas})
		g.overseas = append(g.overseas, overseasLine{line: l, rel: i})
	}
}

// legitPerDay estimates the records a day of legitimate traffic makes, to
// size the fraud lines for FraudShare.
func (g *tgen) legitPerDay() float64 {
	meanSMS := 0.275
	voiceRows := 1 + (1-subAnswer*0.97)*subCallback*0.97
	smsRows := 1 + smsReply/(1-smsReplyMore)
	total := float64(g.n) * subDaily * 0.985 * ((1-meanSMS)*voiceRows + meanSMS*smsRows)
	total += float64(len(g.overseas)) * (0.35*1.1 + 0.12)
	for _, c := range g.couriers {
		total += c.vol*(1+0.18*(0.55+0.45+0.3)) + 10
	}
	for _, h := range g.hotlines {
		total += h.vol * (1 + 0.88*0.1 + 0.12)
	}
	for _, b := range g.banks {
		total += float64(g.n) * b.frac * (b.tx + b.voice)
		if b.batchDay >= 0 {
			total += float64(g.n) * b.frac * 0.3 / float64(g.cfg.Days)
		}
	}
	for _, s := range g.schools {
		total += float64(s.size)*(5*1.3+1)/7 + 15*5/7.0
	}
	return total
}

// --- fraud ---

// fslot is one seat of a call centre (mass outreach) or one presented
// number of a spoofing campaign; its number changes when blocked or burnt.
type fslot struct {
	kind    uint8
	line    int64
	end     int64
	vol     float64 // calls a working day
	today   float64
	offDay  int
	walk    twalk
	group   string
	imei    string
	cell    int32
	route   int16
	pAnswer float64
}

// twalk visits subscribers without repeats (an affine walk modulo n), as a
// lead list would.
type twalk struct{ off, step, k int }

func (g *tgen) newWalk() twalk {
	w := twalk{off: g.r.IntN(g.n), step: 1 + g.r.IntN(g.n)}
	for gcd(w.step, g.n) != 1 {
		w.step++
	}
	return w
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (w *twalk) next(n int) int64 {
	w.k++
	return int64((w.off + w.k*w.step) % n)
}

type simbox struct {
	group string
	cell  int32
	walk  twalk
	ports []sport
}

type sport struct {
	imei    string
	sims    []int64
	cur     int
	onSim   int
	batch   int
	quota   float64
	left    int
	next    int64
	gap     int64 // seconds between the end of a call and the next dial
	timeout int64 // seconds an unanswered call rings
}

type wslot struct {
	line   int64
	end    int64
	vol    float64
	group  string
	bursts []int64 // today's burst start times
	sizes  []int
}

func (g *tgen) setupFraud() {
	share := g.cfg.FraudShare
	perDay := share / (1 - share) * g.legitPerDay()
	slots := func(part, perLine float64, least int) (int, float64) {
		k := max(least, int(part/perLine+0.5))
		return k, part / float64(k)
	}
	k, v := slots(0.32*perDay, 400, 1)
	for s := range k {
		f := fslot{kind: kMass, vol: v, walk: g.newWalk(), group: "callcentre-" + strconv.Itoa(s/3+1),
			offDay: g.r.IntN(7), cell: int32(g.r.IntN(g.nCells)), pAnswer: 0.2 + 0.12*g.r.Float64()}
		f.end = g.t0 - int64(g.r.IntN(2*daySec))
		g.mass = append(g.mass, f)
	}
	// SMS blasters: phones texting links to strangers ("your parcel is
	// held", "part-time work, 300 a day"); few reply, a few call back.
	k, v = slots(0.08*perDay, 500, 1)
	for s := range k {
		f := fslot{kind: kSMSBlast, vol: v, walk: g.newWalk(), group: "sms-blast-" + strconv.Itoa(s/2+1),
			offDay: -1, cell: int32(g.r.IntN(g.nCells))}
		f.end = g.t0 - int64(g.r.IntN(2*daySec))
		g.blast = append(g.blast, f)
	}
	k, v = slots(0.25*perDay, 150, 2)
	for s := range k {
		c := s / 4
		origin := spoofOrigins[(c+int(g.salt%4))%len(spoofOrigins)]
		f := fslot{kind: kSpoof, vol: v, walk: g.newWalk(), group: "spoof-campaign-" + strconv.Itoa(c+1),
			offDay: -1, cell: -1, route: g.intlRoute(origin), pAnswer: 0.28 + 0.12*g.r.Float64()}
		f.end = g.t0 - int64(g.r.IntN(daySec))
		g.spoof = append(g.spoof, f)
	}
	k, v = slots(0.25*perDay, 120, 4)
	for left, b := k, 0; left > 0; b++ {
		box := simbox{group: "simbox-" + strconv.Itoa(b+1), cell: int32(g.r.IntN(g.nCells)), walk: g.newWalk()}
		// Odd boxes are one handset cycling SIMs; even boxes are gateways with
		// a port (and an IMEI) per channel, all on one cell.
		size, ports := min(left, 5), 1
		if b%2 == 1 {
			size = min(left, 16)
			ports = (size + 3) / 4
		}
		left -= size
		tac := tacs[g.r.IntN(len(tacs))]
		serial := g.r.IntN(900_000)
		for p := range ports {
			body := tac + pad(int64(serial+p), 6)
			port := sport{imei: body + luhnDigit(body), batch: 8 + g.r.IntN(30),
				gap: 6 + int64(g.r.IntN(15)), timeout: 25 + int64(g.r.IntN(4))*5}
			for s := p; s < size; s += ports {
				port.sims = append(port.sims, g.simCard(&box, port.imei))
				port.quota += v
			}
			box.ports = append(box.ports, port)
		}
		g.boxes = append(g.boxes, box)
	}
	k, v = slots(0.1*perDay, 600, 1)
	for s := range k {
		w := wslot{vol: v, group: "wangiri-" + strconv.Itoa(s+1)}
		w.end = g.t0 - 1
		g.wangiri = append(g.wangiri, w)
	}
}

func (g *tgen) simCard(b *simbox, imei string) int64 {
	p := g.mobileLine(kSimbox, b.cell, b.group)
	g.line(p).imei = imei
	return p
}

// renew gives a slot its next number when the current one is burnt.
func (g *tgen) renew(f *fslot, at int64) {
	switch f.kind {
	case kSMSBlast:
		f.line = g.mobileLine(kSMSBlast, f.cell, f.group)
		f.end = at + int64(daySec+g.r.IntN(2*daySec))
	case kMass:
		if f.imei == "" || g.chance(0.4) {
			f.imei = ""
		}
		if g.chance(0.3) {
			f.cell = int32(g.r.IntN(g.nCells))
		}
		f.line = g.mobileLine(kMass, f.cell, f.group)
		if f.imei == "" {
			f.imei = g.line(f.line).imei
		} else {
			g.line(f.line).imei = f.imei // a new SIM in the same handset
		}
		f.end = at + int64(2*daySec+g.r.IntN(3*daySec))
	case kSpoof:
		var num string
		if g.chance(0.55) {
			num = "+" + strconv.FormatInt(g.mobileDigits(g.newMobile()), 10)
		} else {
			num = g.landline()
		}
		f.line = g.addLine(tline{number: num, cell: -1, route: f.route, kind: kSpoof, group: f.group})
		f.end = at + int64(daySec/2+g.r.IntN(3*daySec/2))
	}
}

func (g *tgen) renewWangiri(w *wslot, at int64) {
	fr := premiumRanges[g.r.IntN(len(premiumRanges))]
	w.line = g.addLine(tline{number: g.foreign(fr), cell: -1, route: g.intlRoute(fr.iso), kind: kWangiri, group: w.group})
	w.end = at + int64(daySec+g.r.IntN(2*daySec))
}

// fraudDur is how long an answered call from a fraud line lasts: most
// people hang up at once, some listen, a few are drawn in.
func (g *tgen) fraudDur() int {
	switch u := g.r.Float64(); {
	case u < 0.66:
		return g.dur(9, 0.6, 1, 29)
	case u < 0.85:
		return g.dur(55, 0.4, 30, 119)
	case u < 0.93:
		return g.dur(190, 0.25, 120, 299)
	default:
		return g.dur(900, 0.6, 300, 5400)
	}
}

func (g *tgen) fraudTarget(w *twalk) int64 {
	if g.chance(0.5) {
		return w.next(g.n)
	}
	return g.offnet()
}

// fraudCall places one call from a fraud line and the contact it leads to:
// the line calling a hooked victim again, the victim calling back.
func (g *tgen) fraudCall(t int64, from, to int64, pAnswer float64, lineEnd int64) int {
	d := 0
	if g.chance(pAnswer) {
		d = g.fraudDur()
	}
	g.push(g.call(t, from, to, d, false))
	kind := g.line(from).kind
	pBack := 0.015
	switch {
	case d >= gradeMediumSec:
		pBack = 0.35
		if kind != kSimbox { // a box only relays; the call centre keeps in touch over its own lines
			tr := t
			for k := 0; k < 3 && g.chance(0.55); k++ {
				tr = g.after(tr, 16*hourSec, 0.6)
				if tr >= lineEnd {
					break
				}
				dd := 0
				if g.chance(0.85) {
					dd = g.dur(720, 0.7, 60, 5400)
				}
				g.push(g.call(tr, from, to, dd, false))
			}
		}
	case d >= gradeLowSec:
		pBack = 0.06
	case d > 0:
		pBack = 0.02
	}
	if g.chance(pBack) {
		tb := g.after(t+int64(d), float64(2*hourSec), 1.0)
		dd := 0
		if kind == kMass && tb < lineEnd && g.chance(0.9) {
			if d >= gradeMediumSec {
				dd = g.dur(600, 0.8, 30, 5400)
			} else {
				dd = g.dur(60, 1.1, 5, 3600)
			}
		}
		// Spoofed numbers do not ring back to the caller and SIM boxes
		// reject incoming calls: those callbacks fail.
		g.push(g.call(tb, to, from, dd, false))
	}
	return d
}

// blastSMS sends one scam text: now and then a recipient texts back
// ("who is this?"), and a few call the number to ask about the parcel or
// the job — the ones being drawn in.
func (g *tgen) blastSMS(t int64, from, to int64, lineEnd int64) {
	g.push(g.call(t, from, to, 0, true))
	switch u := g.r.Float64(); {
	case u < 0.01:
		g.push(g.call(g.after(t, float64(hourSec), 1.0), to, from, 0, true))
	case u < 0.025:
		tb := g.after(t, float64(2*hourSec), 1.0)
		d := 0
		if tb < lineEnd {
			d = g.fraudDur()
		}
		g.push(g.call(tb, to, from, d, false))
	}
}

// --- the clock ---

func (g *tgen) startDay(d int) {
	ds := g.t0 + int64(d)*daySec
	wd := weekday(ds)
	ds -= (ds + cstOff) % daySec // plans below are in local clock time
	for i := range g.mass {
		f := &g.mass[i]
		f.today = f.vol * (0.75 + 0.5*g.r.Float64()) * 7 / 6
		if wd == f.offDay {
			f.today = 0
		}
	}
	for i := range g.spoof {
		f := &g.spoof[i]
		f.today = f.vol * (0.75 + 0.5*g.r.Float64())
	}
	for i := range g.blast {
		f := &g.blast[i]
		f.today = f.vol * (0.75 + 0.5*g.r.Float64())
	}
	for b := range g.boxes {
		box := &g.boxes[b]
		for p := range box.ports {
			port := &box.ports[p]
			if d > 0 { // blocked SIMs are swapped for fresh ones
				for s := range port.sims {
					if g.chance(0.2) {
						port.sims[s] = g.simCard(box, port.imei)
					}
				}
			}
			port.left = int(port.quota*(0.9+0.2*g.r.Float64()) + 0.5)
			port.next = ds + int64(8*hourSec+g.r.IntN(2*hourSec))
		}
	}
	for i := range g.wangiri {
		w := &g.wangiri[i]
		nb := 1 + g.r.IntN(3)
		w.bursts, w.sizes = w.bursts[:0], w.sizes[:0]
		for range nb {
			hd := []int{10, 12, 17, 18, 19, 20, 21, 22, 23, 0, 1}[g.r.IntN(11)]
			w.bursts = append(w.bursts, ds+int64(hd*hourSec+g.r.IntN(40*60)))
			w.sizes = append(w.sizes, int(w.vol*(0.8+0.4*g.r.Float64())/float64(nb)+0.5))
		}
	}
}

func weekday(t int64) int { return int(((t+cstOff)/daySec + 4) % 7) } // 1970-01-01 was a Thursday

func localHour(t int64) int { return int((t + cstOff) % daySec / hourSec) }

func (g *tgen) hour(hs int64) {
	hd, wd := localHour(hs), weekday(hs)
	g.ordinary(hs, hd, wd)
	g.abroad(hs, hd)
	g.courierHour(hs, hd)
	g.hotlineHour(hs, hd)
	g.bankHour(hs, hd)
	g.schoolHour(hs, hd, wd)
	g.fraudHour(hs, hd)
}

func (g *tgen) push(e tevent) {
	if e.t >= g.tEnd {
		return
	}
	b := int((e.t - g.t0) / hourSec)
	if b < g.cur { // cannot happen: everything is scheduled after its cause
		b, e.t = g.cur, g.t0+int64(g.cur)*hourSec
	}
	e.seq = g.seq
	g.seq++
	g.buckets[b] = append(g.buckets[b], e)
}

// call makes an event with the caller's cell and route at t.
func (g *tgen) call(t int64, from, to int64, d int, sms bool) tevent {
	e := tevent{t: t, caller: from, callee: to, dur: int32(d), sms: sms, cell: -1}
	switch {
	case from < 0:
		e.route = g.icx[(-from)%int64(len(g.icx))]
	case from < int64(g.n):
		i := int(from)
		if abroad, c := g.roaming(i, t); abroad {
			e.route = g.intlRoute(c)
			return e
		}
		e.route = g.subRoute(i)
		hd, wd := localHour(t), weekday(t)
		if wd >= 1 && wd <= 5 && hd >= 9 && hd < 18 {
			e.cell = int32(g.h(i, 0x706) % uint64(g.nCells))
		} else {
			e.cell = g.homeCell(i)
		}
		if g.chance(0.12) {
			e.cell = (e.cell + 1) % int32(g.nCells)
		}
	default:
		l := g.line(from)
		e.cell, e.route = l.cell, l.route
	}
	return e
}

// --- legitimate traffic ---

func (g *tgen) contact(i int) int64 {
	lo, hi := g.adjOff[i], g.adjOff[i+1]
	if hi == lo || g.chance(0.03) { // a stranger: a seller, a plumber, a wrong number
		j := g.r.IntN(g.n)
		if j == i {
			j = (j + 1) % g.n
		}
		return int64(j)
	}
	u := g.r.Float64()
	return int64(g.adj[lo+int32(float64(hi-lo)*u*u)])
}

func (g *tgen) ordinary(hs int64, hd, wd int) {
	lam := float64(g.n) * subDaily * subHour[hd]
	if wd == 0 || wd == 6 {
		lam *= 0.95
	}
	for range g.poisson(lam) {
		i := g.act.sample(g.r)
		t := hs + g.r.Int64N(hourSec)
		to := g.contact(i)
		if g.chance(0.1 + 0.35*g.hu(i, 0x707)) {
			g.smsThread(t, int64(i), to)
			continue
		}
		pAns := subAnswer
		if hd < 7 || hd >= 23 {
			pAns = 0.55
		}
		g.voice(t, int64(i), to, pAns, 75, 1.05, subCallback)
	}
}

// voice is an ordinary call: answered, or missed and often returned.
func (g *tgen) voice(t int64, a, b int64, pAns, median, sigma, pBack float64) {
	if g.chance(pAns) {
		g.push(g.call(t, a, b, g.dur(median, sigma, 1, 7200), false))
		return
	}
	g.push(g.call(t, a, b, 0, false))
	if g.chance(pBack) {
		d := 0
		if g.chance(0.85) {
			d = g.dur(median, sigma, 1, 7200)
		}
		g.push(g.call(g.after(t+30, 600, 1.2), b, a, d, false))
	}
}

func (g *tgen) smsThread(t int64, a, b int64) {
	p := smsReply
	for range 8 {
		g.push(g.call(t, a, b, 0, true))
		if !g.chance(p) {
			return
		}
		p = smsReplyMore
		t = g.after(t+5, 90, 1.2)
		a, b = b, a
	}
}

func (g *tgen) abroad(hs int64, hd int) {
	w := abroadHour[hd]
	for _, o := range g.overseas {
		if g.chance(0.35 * w) {
			g.voice(hs+g.r.Int64N(hourSec), o.line, int64(o.rel), 0.8, 720, 0.8, 0.5)
		}
		if g.chance(0.12 * w) {
			g.voice(hs+g.r.Int64N(hourSec), int64(o.rel), o.line, 0.85, 600, 0.8, 0.3)
		}
	}
}

func (g *tgen) courierHour(hs int64, hd int) {
	w := courierHour[hd]
	if w == 0 {
		return
	}
	for ci := range g.couriers {
		c := &g.couriers[ci]
		customer := func() int64 {
			if g.chance(0.7) {
				return int64((c.lo + g.r.IntN(c.span)) % g.n)
			}
			return c.outside[g.r.IntN(len(c.outside))]
		}
		cell := c.cells[(hd+g.r.IntN(2))%len(c.cells)]
		for range g.poisson(c.vol * w) {
			t, to := hs+g.r.Int64N(hourSec), customer()
			e := g.call(t, c.line, to, 0, false)
			e.cell = cell
			if g.chance(0.82) {
				e.dur = int32(g.dur(30, 0.55, 5, 300))
				g.push(e)
				continue
			}
			g.push(e)
			if g.chance(0.55) { // "your parcel is in locker 12, code 4831"
				s := g.call(t+30+g.r.Int64N(120), c.line, to, 0, true)
				s.cell = cell
				g.push(s)
			}
			switch u := g.r.Float64(); {
			case u < 0.45:
				d := 0
				if g.chance(0.9) {
					d = g.dur(35, 0.5, 5, 300)
				}
				g.push(g.call(g.after(t, 720, 0.9), to, c.line, d, false))
			case u < 0.75:
				r := g.call(t+600+g.r.Int64N(900), c.line, to, 0, false)
				r.cell = cell
				if g.chance(0.7) {
					r.dur = int32(g.dur(30, 0.55, 5, 300))
				}
				g.push(r)
			}
		}
		for range g.poisson(10 * w) {
			d := 0
			if g.chance(0.85) {
				d = g.dur(40, 0.6, 5, 400)
			}
			g.push(g.call(hs+g.r.Int64N(hourSec), customer(), c.line, d, false))
		}
	}
}

func (g *tgen) hotlineHour(hs int64, hd int) {
	w := hotlineHour[hd]
	if w == 0 {
		return
	}
	for _, hl := range g.hotlines {
		for range g.poisson(hl.vol * w) {
			t, cust := hs+g.r.Int64N(hourSec), int64(g.r.IntN(g.n))
			if g.chance(0.88) {
				g.push(g.call(t, cust, hl.line, g.dur(210, 0.7, 20, 3600), false))
				if g.chance(0.1) { // follow-up on a ticket
					g.hotlineOut(t+daySec-2*hourSec+g.r.Int64N(4*hourSec), hl.line, cust)
				}
				continue
			}
			g.push(g.call(t, cust, hl.line, 0, false)) // abandoned in the queue
			switch u := g.r.Float64(); {
			case u < 0.7:
				g.hotlineOut(g.after(t, 2400, 0.6), hl.line, cust)
			case u < 1:
				g.push(g.call(g.after(t, 900, 0.8), cust, hl.line, g.dur(210, 0.7, 20, 3600), false))
			}
		}
	}
}

func (g *tgen) hotlineOut(t int64, from, to int64) {
	d := 0
	if g.chance(0.78) {
		d = g.dur(160, 0.6, 15, 1800)
	}
	g.push(g.call(t, from, to, d, false))
}

func (g *tgen) customer(b *bank) int64 {
	for range 64 {
		i := g.r.IntN(g.n)
		if b.frac >= 1 || g.hu(i, b.salt) < b.frac {
			return int64(i)
		}
	}
	return int64(g.r.IntN(g.n))
}

func (g *tgen) bankHour(hs int64, hd int) {
	day := int((hs - g.t0) / daySec)
	for bi := range g.banks {
		b := &g.banks[bi]
		base := float64(g.n) * b.frac
		for range g.poisson(base * b.tx * subHour[hd]) {
			g.push(g.call(hs+g.r.Int64N(hourSec), b.line, g.customer(b), 0, true))
		}
		for range g.poisson(base * b.voice * hotlineHour[hd]) {
			g.push(g.call(hs+g.r.Int64N(hourSec), g.customer(b), b.line, g.dur(200, 0.6, 15, 2400), false))
		}
		if day == b.batchDay && hd == 10 { // statements and notices, sent in one run
			at := hs + int64(b.batchMin*60)
			for range int(base * 0.3) {
				g.push(g.call(at+g.r.Int64N(600), b.line, g.customer(b), 0, true))
			}
		}
	}
}

func (g *tgen) schoolHour(hs int64, hd, wd int) {
	schoolDay := wd >= 1 && wd <= 5
	for _, s := range g.schools {
		parent := func() int64 { return int64((s.lo + g.r.IntN(s.size)) % g.n) }
		notice := (schoolDay && hd == 16) || (wd == 0 && hd == 19) || (schoolDay && hd == 7 && g.chance(0.3))
		if notice {
			at := hs + int64(g.r.IntN(30)*60)
			for p := range s.size {
				g.push(g.call(at+g.r.Int64N(300), s.line, int64((s.lo+p)%g.n), 0, true))
			}
		}
		if !schoolDay || schoolHour[hd] == 0 {
			continue
		}
		for range g.poisson(7 * schoolHour[hd]) {
			g.voice(hs+g.r.Int64N(hourSec), s.line, parent(), 0.8, 110, 0.6, 0.5)
		}
		for range g.poisson(9 * schoolHour[hd]) {
			g.voice(hs+g.r.Int64N(hourSec), parent(), s.line, 0.7, 90, 0.6, 0.3)
		}
	}
}

// --- fraud traffic ---

func (g *tgen) fraudHour(hs int64, hd int) {
	for _, slots := range [][]fslot{g.mass, g.spoof} {
		for i := range slots {
			f := &slots[i]
			if hs >= f.end {
				g.renew(f, max(hs, f.end))
			}
			w := massHour[hd]
			if f.kind == kSpoof {
				w = spoofHour[hd]
			}
			for range g.poisson(f.today * w) {
				t := hs + g.r.Int64N(hourSec)
				g.fraudCall(t, f.line, g.fraudTarget(&f.walk), f.pAnswer, f.end)
			}
		}
	}
	for i := range g.blast {
		f := &g.blast[i]
		if hs >= f.end {
			g.renew(f, max(hs, f.end))
		}
		for range g.poisson(f.today * massHour[hd]) {
			g.blastSMS(hs+g.r.Int64N(hourSec), f.line, g.fraudTarget(&f.walk), f.end)
		}
	}
	he := hs + hourSec
	for b := range g.boxes {
		box := &g.boxes[b]
		for p := range box.ports {
			port := &box.ports[p]
			for port.left > 0 && port.next < he {
				t := max(port.next, hs)
				d := g.fraudCall(t, port.sims[port.cur], g.fraudTarget(&box.walk), 0.3, g.tEnd)
				busy := port.timeout
				if d > 0 {
					busy = int64(d)
				}
				port.next = t + busy + port.gap + g.r.Int64N(3) - 1
				port.left--
				if port.onSim++; port.onSim >= port.batch {
					port.onSim, port.cur = 0, (port.cur+1)%len(port.sims)
				}
			}
		}
	}
	for i := range g.wangiri {
		w := &g.wangiri[i]
		for k, at := range w.bursts {
			if at < hs || at >= he {
				continue
			}
			if at >= w.end {
				g.renewWangiri(w, at)
			}
			g.burst(w, at, w.sizes[k])
		}
	}
}

// burst is one Wangiri run: a ring or two to each number, dialled through
// sequential blocks and the operator's subscribers, hoping for callbacks.
func (g *tgen) burst(w *wslot, t int64, size int) {
	seqBase := g.mobileDigits(g.newMobile())
	for k := range size {
		var to int64
		if g.chance(0.5) {
			to = int64(g.r.IntN(g.n))
		} else {
			to = -(seqBase + int64(k))
		}
		g.push(g.call(t, w.line, to, 0, false))
		if g.chance(0.02) {
			tb := g.after(t, 1200, 1.0)
			for c := 0; c < 2; c++ {
				d := 0
				if tb < w.end && g.chance(0.9) {
					d = g.dur(70, 0.7, 5, 1200)
				}
				g.push(g.call(tb, to, w.line, d, false))
				if !g.chance(0.2) {
					break
				}
				tb = g.after(tb+int64(d), 1800, 1.0)
			}
		}
		t += g.r.Int64N(3)
	}
}

// --- output ---

func (g *tgen) kind(p int64) uint8 {
	if p >= int64(g.n) {
		return g.lines[p-int64(g.n)].kind
	}
	return kSub
}

func isFraudKind(k uint8) bool { return k >= kMass }

// account updates the truth with a record about to be emitted, so the
// truth describes exactly the records written.
func (g *tgen) account(e *tevent) {
	g.records++
	if g.isLine(e.caller) {
		l := g.line(e.caller)
		l.records++
		l.first, l.last = min(l.first, e.t), max(l.last, e.t)
	}
	if g.isLine(e.callee) {
		l := g.line(e.callee)
		l.incoming++
		l.first, l.last = min(l.first, e.t), max(l.last, e.t)
	}
	cf, ef := isFraudKind(g.kind(e.caller)), isFraudKind(g.kind(e.callee))
	var key pairKey
	switch {
	case cf:
		g.fraudRecords++
		if ef {
			return
		}
		key = pairKey{e.callee, e.caller}
	case ef:
		key = pairKey{e.caller, e.callee}
	default:
		return
	}
	st := g.pairs[key]
	if st == nil {
		st = &pairState{first: e.t}
		g.pairs[key] = st
	}
	if !cf {
		st.callback = true
	}
	if e.dur > 0 && !e.sms {
		st.answered++
		st.longest = max(st.longest, e.dur)
	}
}

func (g *tgen) number(p int64) string {
	switch {
	case p < 0:
		return "+" + strconv.FormatInt(-p, 10)
	case p < int64(g.n):
		return "+" + strconv.FormatInt(g.mobileDigits(uint64(p)), 10)
	}
	return g.lines[p-int64(g.n)].number
}

func (g *tgen) appendTime(b []byte, t int64) []byte {
	local := t + cstOff
	day := local / daySec
	if day != g.dateDay {
		g.dateDay = day
		g.datePref = time.Unix(day*daySec, 0).UTC().Format("2006-01-02T")
	}
	s := local % daySec
	b = append(b, g.datePref...)
	for _, v := range [3]int64{s / 3600, s / 60 % 60, s % 60} {
		b = append(b, byte('0'+v/10), byte('0'+v%10), ':')
	}
	return append(b[:len(b)-1], "+08:00"...)
}

// format renders e into the reused record: fields are built in one buffer
// and cut from one string.
func (g *tgen) format(e *tevent) []string {
	b := g.buf[:0]
	var ends [11]int
	b = append(b, "CDR"...)
	b = append(b, pad(int64(g.records), 10)...)
	ends[0] = len(b)
	b = g.appendTime(b, e.t)
	ends[1] = len(b)
	b = append(b, g.number(e.caller)...)
	ends[2] = len(b)
	b = append(b, g.number(e.callee)...)
	ends[3] = len(b)
	b = strconv.AppendInt(b, int64(e.dur), 10)
	ends[4] = len(b)
	if e.sms {
		b = append(b, "sms"...)
	} else {
		b = append(b, "voice"...)
	}
	ends[5] = len(b)
	switch p := e.caller; {
	case p >= 0 && p < int64(g.n):
		b = append(b, g.imei(uint64(p))...)
		ends[6] = len(b)
		b = append(b, g.imsi(uint64(p))...)
	case p >= int64(g.n):
		l := g.line(p)
		b = append(b, l.imei...)
		ends[6] = len(b)
		b = append(b, l.imsi...)
	default:
		ends[6] = len(b)
	}
	ends[7] = len(b)
	if e.cell >= 0 {
		b = append(b, "460-00-"...)
		b = strconv.AppendInt(b, int64(100000+e.cell/3), 10)
		b = append(b, '-', byte('1'+e.cell%3))
	}
	ends[8] = len(b)
	rt := g.routes[e.route]
	b = append(b, rt.trunk...)
	ends[9] = len(b)
	b = append(b, rt.origin...)
	ends[10] = len(b)
	g.buf = b
	return splitRecord(b, ends[:], g.rec)
}

// splitRecord cuts one row written field after field into b (field i ends
// at ends[i]) into rec: one string for the whole row, its fields sharing
// it, rather than one allocation a field.
func splitRecord(b []byte, ends []int, rec []string) []string {
	row := string(b)
	start := 0
	for i, end := range ends {
		rec[i] = row[start:end]
		start = end
	}
	return rec
}

func (g *tgen) cellName(c int32) string {
	if c < 0 {
		return ""
	}
	return "460-00-" + strconv.Itoa(int(100000+c/3)) + "-" + strconv.Itoa(int(1+c%3))
}

func (g *tgen) truthLine(l *tline) TruthLine {
	tl := TruthLine{Number: l.number, Kind: kindNames[l.kind], IMEI: l.imei, IMSI: l.imsi,
		Cell: g.cellName(l.cell), Trunk: g.routes[l.route].trunk, Origin: g.routes[l.route].origin,
		Group: l.group, Records: l.records, Incoming: l.incoming}
	if l.kind == kCourier {
		tl.Cell = "" // on the move
	}
	if l.records+l.incoming > 0 {
		tl.FirstSeen, tl.LastSeen = time.Unix(l.first, 0).In(cst), time.Unix(l.last, 0).In(cst)
	}
	return tl
}

func (g *tgen) truth() TelecomTruth {
	tr := TelecomTruth{Records: g.records, FraudRecords: g.fraudRecords,
		FraudLines: []TruthLine{}, Legit: []TruthLine{}, Victims: []TruthVictim{}}
	for i := range g.lines {
		l := &g.lines[i]
		if l.records+l.incoming == 0 {
			continue
		}
		if isFraudKind(l.kind) {
			tr.FraudLines = append(tr.FraudLines, g.truthLine(l))
		} else {
			tr.Legit = append(tr.Legit, g.truthLine(l))
		}
	}
	for _, i := range g.roamers {
		from, to, c := g.roamWindow(i)
		if from >= to {
			continue
		}
		tr.Legit = append(tr.Legit, TruthLine{Number: g.number(int64(i)), Kind: "roaming",
			IMEI: g.imei(uint64(i)), IMSI: g.imsi(uint64(i)), Trunk: g.routes[g.intlRoute(c)].trunk, Origin: c,
			FirstSeen: time.Unix(g.t0+int64(from)*daySec, 0).In(cst),
			LastSeen:  time.Unix(g.t0+int64(to)*daySec-1, 0).In(cst)})
	}
	for k, st := range g.pairs {
		grade := victimGrade(st)
		if grade == "" {
			continue
		}
		var why []string
		if st.longest > 0 {
			why = append(why, fmt.Sprintf("longest answered call %d s", st.longest))
		}
		if st.answered > 1 {
			why = append(why, fmt.Sprintf("%d answered calls", st.answered))
		}
		if st.callback {
			why = append(why, "called the suspect back")
		}
		tr.Victims = append(tr.Victims, TruthVictim{Subscriber: g.number(k.victim), Suspect: g.number(k.suspect),
			Pattern: kindNames[g.kind(k.suspect)], FirstContact: time.Unix(st.first, 0).In(cst), Grade: grade,
			Why: strings.Join(why, ", "), LongestCall: int(st.longest), Answered: int(st.answered), CalledBack: st.callback})
	}
	slices.SortFunc(tr.Victims, func(a, b TruthVictim) int {
		if c := a.FirstContact.Compare(b.FirstContact); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Subscriber, b.Subscriber), cmp.Compare(a.Suspect, b.Suspect))
	})
	return tr
}

func victimGrade(st *pairState) string {
	switch {
	case st.longest >= gradeHighSec:
		return "high"
	case st.longest >= gradeMediumSec || st.answered >= 2 || st.callback:
		return "medium"
	case st.longest >= gradeLowSec:
		return "low"
	}
	return ""
}

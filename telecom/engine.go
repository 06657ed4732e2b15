package telecom

import (
	"hash/maphash"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/fanzha/fanzha/indicator"
)

// The detector names, as they appear in Suspect.Detector and the
// FORMATS.md "Detector outputs".
const (
	MassOutreach   = "mass_outreach"
	SpoofedCLI     = "spoofed_cli"
	SIMBox         = "simbox"
	Wangiri        = "wangiri"
	SuspectContact = "suspect_contact"
)

type detector uint8

const (
	dMass detector = iota
	dSpoof
	dSIMBox
	dWangiri
	dKnown
	numDetectors
)

var detectorNames = [numDetectors]string{MassOutreach, SpoofedCLI, SIMBox, Wangiri, SuspectContact}

// Suspect is a line a detector flagged, in the FORMATS.md "Detector outputs"
// shape. Reasons are in figures, so an analyst can check them.
type Suspect struct {
	Indicator indicator.Indicator
	Score     int // 0..100
	Detector  string
	Reasons   []string
	FirstSeen time.Time // first traffic of the line in the window when flagged
	LastSeen  time.Time // latest traffic of the line
}

// Warning is a subscriber who is, or recently was, in contact with a
// suspect line in a way that puts them at risk: an early warning for
// dissuasion (预警劝阻). There is one per (subscriber, suspect).
type Warning struct {
	Subscriber   indicator.Indicator
	Suspect      indicator.Indicator
	FirstContact time.Time
	Score        int    // 0..100
	Grade        string // high, medium or low
	Reason       string
}

// Warning grades.
const (
	GradeHigh   = "high"
	GradeMedium = "medium"
	GradeLow    = "low"
)

// Contact is one call or SMS between a subscriber and a current suspect.
type Contact struct {
	Suspect   indicator.Indicator
	Time      time.Time
	Outgoing  bool // the subscriber called or texted the suspect
	SMS       bool
	Duration  time.Duration
	Score     int      // the suspect's highest score
	Detectors []string // the detectors that flagged the suspect
}

// Known tells what the registry already knows about an indicator: its risk
// score (0..100) when it has one.
type Known interface {
	Risk(ind indicator.Indicator) (score int, ok bool)
}

// Config tunes the Engine. The zero value of every field means its default.
type Config struct {
	Window        time.Duration // sliding window of traffic kept and scored; 24 h
	DefaultRegion string        // region whose numbers are domestic; "" = CN
	SuspectScore  int           // a detector flags a line at this score; 60

	MassMinCallees     int // mass outreach looks at lines with this many distinct callees; 20
	WangiriMinCallees  int // Wangiri looks at international lines with this many distinct callees; 8
	SIMBoxMinSIMs      int // SIMs on one IMEI that make it a SIM box; 4
	SIMBoxMinCellLines int // outgoing-only machine-like lines on one cell that make a SIM box; 4

	// InternationalTrunks names ingress trunks that carry international
	// traffic. Trunks whose name says so ("INTL-3", "igw_2") and trunks
	// that mostly carry foreign numbers or origins are recognised anyway.
	InternationalTrunks []string

	HighCall   time.Duration // an answered call this long with a suspect is a high warning; 5 min
	MediumCall time.Duration // and this long a medium one; 2 min
	LowCall    time.Duration // and this long a low one; 30 s

	Known        Known // the registry; may be nil
	KnownMinRisk int   // a known indicator at this risk is a suspect; 50

	// Retention is how long a suspect and its warnings are kept after the
	// line's last traffic; 7 days. Drain them to keep them longer.
	Retention time.Duration
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur(&c.Window, 24*time.Hour)
	def(&c.SuspectScore, 60)
	def(&c.MassMinCallees, 20)
	def(&c.WangiriMinCallees, 8)
	def(&c.SIMBoxMinSIMs, 4)
	def(&c.SIMBoxMinCellLines, 4)
	defDur(&c.HighCall, 5*time.Minute)
	defDur(&c.MediumCall, 2*time.Minute)
	defDur(&c.LowCall, 30*time.Second)
	def(&c.KnownMinRisk, 50)
	defDur(&c.Retention, 7*24*time.Hour)
	if c.DefaultRegion == "" {
		c.DefaultRegion = "CN"
	}
	c.DefaultRegion = strings.ToUpper(c.DefaultRegion)
	return c
}

// Stats counts what the Engine did with the records it was given.
type Stats struct {
	Records    int // added to the window
	Duplicates int // re-sent records (same id, caller, callee and start), ignored
	Late       int // older than the window when they arrived, ignored
	Ignored    int // without a caller or callee, or calling itself
	Lines      int // numbers with traffic in the window now
	Suspects   int
	Warnings   int
}

// Engine runs every detector over a stream of CDRs fed roughly in time
// order (a record may be late by less than the window). It keeps one
// window of traffic per number, so memory follows the traffic of one
// window. An Engine is not safe for concurrent use: partition the stream
// by caller across Engines, or feed one from one goroutine.
type Engine struct {
	cfg      Config
	ccPrefix string // "+86"
	ccShared bool   // the country code is shared by several regions (+1, +7…)
	homeMCC  []string
	intl     map[string]bool
	opts     indicator.Options

	window  uint32
	base    int64 // Unix seconds of relative time 0
	loc     *time.Location
	started bool
	now     uint32
	sweepAt uint32

	lines map[lineKey]*line // by keyOf(number)
	// byIdx holds every line at its idx. Traffic events name the other
	// party by this index rather than a pointer, so the millions of them in
	// the window hold no pointers and the garbage collector never scans
	// them. An index is freed only when its line is dropped, which happens
	// once every event naming it has expired.
	byIdx   []*line
	freeIdx []uint32
	flagged map[indicator.Indicator]*lineSuspect
	devices map[string]*device // by IMEI
	cells   map[string]*cellState
	trunks  map[string]*trunkStat
	warns   map[pairKey]*warnState

	newSus  []Suspect
	newWarn []Warning
	stats   Stats

	// scratch for evaluations
	peerIdx map[uint32]int32
	peers   []peerAgg
	durs    []uint32
	times   []uint32
}

// NewEngine returns an Engine with cfg, defaults filled in.
func NewEngine(cfg Config) *Engine {
	cfg = cfg.withDefaults()
	e := &Engine{
		cfg:     cfg,
		opts:    indicator.Options{DefaultRegion: cfg.DefaultRegion},
		window:  uint32(cfg.Window / time.Second),
		lines:   make(map[lineKey]*line),
		byIdx:   []*line{nil}, // index 0 names no line
		flagged: make(map[indicator.Indicator]*lineSuspect),
		devices: make(map[string]*device),
		cells:   make(map[string]*cellState),
		trunks:  make(map[string]*trunkStat),
		warns:   make(map[pairKey]*warnState),
		intl:    make(map[string]bool),
		peerIdx: make(map[uint32]int32),
		loc:     time.UTC,
	}
	if cc := phonenumbers.GetCountryCodeForRegion(cfg.DefaultRegion); cc > 0 {
		e.ccPrefix = "+" + itoa(cc)
		e.ccShared = len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 1
	}
	e.homeMCC = homeMCCs[cfg.DefaultRegion]
	for _, t := range cfg.InternationalTrunks {
		e.intl[t] = true
	}
	return e
}

// homeMCCs are the mobile country codes of a region: a call from a
// domestic number entering from abroad with a SIM of one of these is a
// roaming subscriber, not a spoofed caller ID.
var homeMCCs = map[string][]string{
	"CN": {"460", "461"}, "HK": {"454"}, "MO": {"455"}, "TW": {"466"},
	"US": {"310", "311", "312", "313", "314", "315", "316"}, "CA": {"302"},
	"GB": {"234", "235"}, "PH": {"515"}, "SG": {"525"}, "MY": {"502"},
	"TH": {"520"}, "VN": {"452"}, "ID": {"510"}, "IN": {"404", "405", "406"},
	"JP": {"440", "441"}, "KR": {"450"}, "KH": {"456"}, "MM": {"414"},
	"LA": {"457"}, "AU": {"505"}, "DE": {"262"}, "FR": {"208"}, "RU": {"250"},
}

// ev is one call or SMS in a line's window: 24 bytes, kept twice (at the
// caller and at the callee).
type ev struct {
	peer uint32 // index of the other party's line in Engine.byIdx
	t    uint32 // seconds since Engine.base
	meta uint32 // duration in seconds | evSMS | evSpoof
	idh  uint32 // hash of the record id (outgoing side only), for re-sent records
}

const (
	evSMS   = 1 << 31
	evSpoof = 1 << 30 // the caller ID was presented from abroad
	durMask = 1<<30 - 1
)

func (x ev) sms() bool   { return x.meta&evSMS != 0 }
func (x ev) spoof() bool { return x.meta&evSpoof != 0 }
func (x ev) dur() uint32 { return x.meta & durMask }

// line is the state of one number.
type line struct {
	ind     indicator.Indicator
	idx     uint32 // its place in Engine.byIdx
	out, in []ev   // sorted by t

	outSeq, evalSeq uint32 // outgoing records seen, and at the last evaluation
	kind            uint8
	last            uint32
	cell            string // where it last called from
	spoofs          []spoofEv
	spoofN          uint32 // spoofed calls ever seen
	knownAt         uint32 // when the registry was last asked, +1; 0 = never
	sus             *lineSuspect
	dev             *device // the handset it last called from: most calls come from the same one
}

const (
	kShort     = 1 << iota // short code or service number without E.164 form
	kDomestic              // E.164 in the default region
	kDescribed             // kService and kPremium are known
	kService               // toll-free, UAN or shared-cost: a company line
	kPremium               // premium rate
	kMobile                // a mobile number: one that can text people from a SIM
)

type spoofEv struct {
	t      uint32
	origin string
	trunk  string
	imsi   string
}

// maxSpoofs bounds the spoofed calls remembered per line; their count is
// what matters, and that saturates the score long before.
const maxSpoofs = 64

// lineSuspect is what is known about a flagged line; it outlives the line's
// traffic state for Config.Retention.
type lineSuspect struct {
	ind      indicator.Indicator
	det      [numDetectors]*Suspect
	mask     uint8
	last     uint32
	contacts map[indicator.Indicator]*contactAgg
	full     bool // contacts include all traffic, not only spoofed calls
}

func (s *lineSuspect) score() int {
	m := 0
	for _, d := range s.det {
		if d != nil && d.Score > m {
			m = d.Score
		}
	}
	return m
}

func (s *lineSuspect) detectors() []string {
	var out []string
	for i, d := range s.det {
		if d != nil {
			out = append(out, detectorNames[i])
		}
	}
	return out
}

// best is the detector with the highest score.
func (s *lineSuspect) best() *Suspect {
	var b *Suspect
	for _, d := range s.det {
		if d != nil && (b == nil || d.Score > b.Score) {
			b = d
		}
	}
	return b
}

type device struct {
	imei    string
	sims    []simSeen
	calls   uint32
	flagged bool
	gone    bool // dropped from Engine.devices by the sweep
}

type simSeen struct {
	l    *line
	imsi string
	last uint32
}

type cellState struct {
	lines map[*line]cellLine
}

type cellLine struct {
	at      uint32
	regular bool
	calls   int
}

type trunkStat struct {
	total, foreign int
	named          int8 // whether the name says international: 1 yes, -1 no, 0 not read yet
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n >= 10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = byte('0' + n)
	return string(b[i:])
}

// hash32 is FNV-1a of s.
func hash32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// rel converts a time to engine seconds; ok is false when it cannot be held.
func (e *Engine) rel(t time.Time) (uint32, bool) {
	s := t.Unix() - e.base
	if s < 0 || s > math.MaxUint32 {
		return 0, false
	}
	return uint32(s), true
}

func (e *Engine) abs(t uint32) time.Time { return time.Unix(e.base+int64(t), 0).In(e.loc) }

func (e *Engine) cutoff() uint32 {
	if e.now > e.window {
		return e.now - e.window
	}
	return 0
}

// windowText is the window in words for reasons: "24 h", "90 min".
func (e *Engine) windowText() string {
	w := e.cfg.Window
	if w%time.Hour == 0 {
		return itoa(int(w/time.Hour)) + " h"
	}
	return itoa(int(w/time.Minute)) + " min"
}

// Add feeds one record to every detector. Records should come roughly in
// time order; one older than the window is counted as late and ignored,
// and a re-sent record (same id, caller, callee and start) is ignored.
func (e *Engine) Add(c CDR) {
	if c.Caller.IsZero() || c.Callee.IsZero() || c.Caller == c.Callee {
		e.stats.Ignored++
		return
	}
	if !e.started {
		e.started = true
		e.base = c.Start.Unix() - 10*365*86400
		e.loc = c.Start.Location()
		e.sweepAt = 0
	}
	t, ok := e.rel(c.Start)
	if !ok {
		e.stats.Late++
		return
	}
	if t > e.now {
		e.now = t
	}
	if e.now >= e.sweepAt {
		e.sweep()
	}
	cut := e.cutoff()
	if t < cut {
		e.stats.Late++
		return
	}
	caller, callee := e.lineKeyed(c.Caller, c.callerKey), e.lineKeyed(c.Callee, c.calleeKey)
	idh := hash32(c.ID)
	if caller.isDup(t, idh, callee) {
		e.stats.Duplicates++
		return
	}
	e.stats.Records++
	// Old records are dropped when a line is scored and by the sweep, not
	// here: touching both ends of every line's window costs cache misses.

	d := uint32(c.Duration / time.Second)
	if d > durMask {
		d = durMask
	}
	meta := d
	if c.SMS {
		meta = evSMS
	}
	e.learnTrunk(c, caller)
	if !c.SMS && e.spoofed(c, caller) {
		meta |= evSpoof
	}
	x := ev{peer: callee.idx, t: t, meta: meta, idh: idh}
	insert(&caller.out, x)
	insert(&callee.in, ev{peer: caller.idx, t: t, meta: meta})
	caller.outSeq++
	if t > caller.last {
		caller.last = t
	}
	if t > callee.last {
		callee.last = t
	}
	// Contacts of lines already flagged; a line flagged by this record
	// counts it when its contacts are summed up at flagging.
	if s := caller.sus; s != nil {
		if t > s.last {
			s.last = t
		}
		e.contact(s, callee, x, true)
	}
	if s := callee.sus; s != nil {
		if t > s.last {
			s.last = t
		}
		e.contact(s, caller, x, false)
	}
	if c.Cell != "" && caller.cell != c.Cell {
		caller.cell = strings.Clone(c.Cell)
	}
	if x.spoof() {
		e.noteSpoof(caller, c, t)
	}
	if c.CallerIMEI != "" && caller.kind&kShort == 0 {
		e.noteDevice(c, caller, t)
	}
	if e.cfg.Known != nil {
		e.checkKnown(caller)
		e.checkKnown(callee)
	}
	if n := uint32(len(caller.out)); n >= minEval && caller.outSeq-caller.evalSeq >= 1+n/8 {
		e.evaluate(caller)
	}
}

// minEval is the fewest outgoing records in the window worth scoring.
const minEval = 6

// Flush scores every line with records not yet scored. Lines are scored as
// their traffic grows (every eighth more records), so call Flush at the end
// of a batch to score the last ones.
func (e *Engine) Flush() {
	for _, l := range e.lines {
		if (l.outSeq != l.evalSeq || l.sus != nil) && len(l.out) >= minEval {
			e.evaluate(l)
		}
		if l.sus != nil && l.sus.det[dSpoof] != nil {
			l.expire(e.cutoff())
			e.scoreSpoof(l)
		}
	}
	for _, d := range e.devices {
		if d.flagged {
			e.checkDevice(d.imei, d)
		}
	}
}

// lineKeyed returns the state of a number, making it when new; k is the
// number's key when the caller worked it out already, else zero.
func (e *Engine) lineKeyed(ind indicator.Indicator, k lineKey) *line {
	if k == (lineKey{}) {
		k = keyOf(ind)
	}
	if l := e.lines[k]; l != nil {
		return l
	}
	// The engine keeps what it stores for a whole window: copy the text
	// out of the record it came in, or each line would pin its record.
	ind = indicator.Stored(ind.Kind(), strings.Clone(ind.Value()))
	l := &line{ind: ind}
	v := ind.Value()
	switch {
	case !strings.HasPrefix(v, "+"):
		l.kind |= kShort
	case e.ccPrefix != "" && strings.HasPrefix(v, e.ccPrefix):
		if !e.ccShared {
			l.kind |= kDomestic
		} else if d := e.opts.Describe(ind).Phone; d != nil && d.Region == e.cfg.DefaultRegion {
			l.kind |= kDomestic
		}
	}
	l.sus = e.flagged[ind]
	if n := len(e.freeIdx); n > 0 {
		l.idx = e.freeIdx[n-1]
		e.freeIdx = e.freeIdx[:n-1]
		e.byIdx[l.idx] = l
	} else {
		l.idx = uint32(len(e.byIdx))
		e.byIdx = append(e.byIdx, l)
	}
	e.lines[k] = l
	return l
}

// Strings the engine keeps (numbers, IMEIs, IMSIs, cells, trunks) are
// cloned when first stored: records arrive as substrings of one line of
// input, and keeping a substring keeps the whole line alive.

// lineKey is a number's two keyed 64-bit hashes. Lines are found by it
// rather than by the number's text: every record looks up two lines among
// hundreds of thousands, and comparing the text would cost one more cache
// miss each time. With secret per-process seeds, two numbers share both
// hashes with probability 2^-128.
type lineKey struct{ a, b uint64 }

var lineSeedA, lineSeedB = maphash.MakeSeed(), maphash.MakeSeed()

func keyOf(ind indicator.Indicator) lineKey {
	k := uint64(ind.Kind()) * 0x9e3779b97f4a7c15
	return lineKey{maphash.String(lineSeedA, ind.Value()) ^ k, maphash.String(lineSeedB, ind.Value()) ^ k}
}

// lineOf returns the line of a number, or nil.
func (e *Engine) lineOf(ind indicator.Indicator) *line { return e.lines[keyOf(ind)] }

// at returns the line an event names.
func (e *Engine) at(idx uint32) *line { return e.byIdx[idx] }

// describe works out, once, whether a line is a company service number or
// premium rate; it costs microseconds, so only lines being scored ask.
func (e *Engine) describe(l *line) {
	if l.kind&kDescribed != 0 {
		return
	}
	l.kind |= kDescribed
	if l.kind&kShort != 0 {
		l.kind |= kService
		return
	}
	d := e.opts.Describe(l.ind).Phone
	if d == nil {
		return
	}
	switch d.Type {
	case "toll_free", "uan", "shared_cost":
		l.kind |= kService
	case "premium_rate":
		l.kind |= kPremium
	case "mobile", "fixed_line_or_mobile":
		l.kind |= kMobile
	}
}

func (l *line) isDup(t, idh uint32, peer *line) bool {
	if n := len(l.out); n == 0 || l.out[n-1].t < t {
		return false // later than anything the line sent: the usual case
	}
	i := sort.Search(len(l.out), func(i int) bool { return l.out[i].t >= t })
	for ; i < len(l.out) && l.out[i].t == t; i++ {
		if l.out[i].idh == idh && l.out[i].peer == peer.idx {
			return true
		}
	}
	return false
}

// expire drops the records older than cut.
func (l *line) expire(cut uint32) {
	l.out = expireEvs(l.out, cut)
	l.in = expireEvs(l.in, cut)
	i := 0
	for i < len(l.spoofs) && l.spoofs[i].t < cut {
		i++
	}
	if i > 0 {
		l.spoofs = append(l.spoofs[:0], l.spoofs[i:]...)
	}
}

func expireEvs(s []ev, cut uint32) []ev {
	i := 0
	for i < len(s) && s[i].t < cut {
		i++
	}
	if i == len(s) {
		return nil
	}
	return s[i:]
}

// insert adds x keeping s sorted by time; records come roughly in order,
// so it moves few.
func insert(s *[]ev, x ev) {
	a := append(*s, x)
	i := len(a) - 1
	for i > 0 && a[i-1].t > x.t {
		a[i] = a[i-1]
		i--
	}
	a[i] = x
	*s = a
}

// sweep drops state older than the window, every quarter window of stream
// time, so memory follows the traffic of one window.
func (e *Engine) sweep() {
	e.sweepAt = e.now + e.window/4 + 1
	cut := e.cutoff()
	var dropped []uint32
	for k, l := range e.lines {
		l.expire(cut)
		if len(l.out) == 0 && len(l.in) == 0 {
			delete(e.lines, k)
			dropped = append(dropped, l.idx)
		}
	}
	// Free the indices only now that every line has expired its events:
	// none still names a dropped line.
	for _, i := range dropped {
		e.byIdx[i] = nil
	}
	e.freeIdx = append(e.freeIdx, dropped...)
	for k, d := range e.devices {
		d.expire(cut)
		if len(d.sims) == 0 {
			delete(e.devices, k)
			d.gone = true
		}
	}
	for k, c := range e.cells {
		for l, cl := range c.lines {
			if cl.at < cut || e.lineOf(l.ind) != l {
				delete(c.lines, l)
			}
		}
		if len(c.lines) == 0 {
			delete(e.cells, k)
		}
	}
	if len(e.trunks) > 100000 {
		clear(e.trunks) // only hostile input has that many trunks
	}
	ret := uint32(e.cfg.Retention / time.Second)
	if e.now > ret {
		old := e.now - ret
		for ind, s := range e.flagged {
			if s.last < old {
				delete(e.flagged, ind)
				if l := e.lineOf(ind); l != nil {
					l.sus = nil
				}
			}
		}
		for k := range e.warns {
			if e.flagged[k.suspect] == nil {
				delete(e.warns, k)
			}
		}
	}
}

func (d *device) expire(cut uint32) {
	s := d.sims[:0]
	for _, x := range d.sims {
		if x.last >= cut {
			s = append(s, x)
		}
	}
	d.sims = s
}

// Stats returns counts of what the Engine did and holds.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Lines = len(e.lines)
	for _, ls := range e.flagged {
		for _, d := range ls.det {
			if d != nil {
				s.Suspects++
			}
		}
	}
	s.Warnings = len(e.warns)
	return s
}

// Suspects returns every current suspect, one per (number, detector),
// highest score first.
func (e *Engine) Suspects() []Suspect {
	var out []Suspect
	for _, ls := range e.flagged {
		for _, d := range ls.det {
			if d != nil {
				s := *d
				s.Reasons = append([]string(nil), d.Reasons...)
				s.LastSeen = e.abs(ls.last)
				out = append(out, s)
			}
		}
	}
	SortSuspects(out)
	return out
}

// Warnings returns every current warning, most urgent first.
func (e *Engine) Warnings() []Warning {
	out := make([]Warning, 0, len(e.warns))
	for _, w := range e.warns {
		out = append(out, w.w)
	}
	SortWarnings(out)
	return out
}

// Drain returns the suspects and warnings raised since the last Drain: a
// suspect once per (number, detector), a warning once per (subscriber,
// suspect) and again when its grade rises.
func (e *Engine) Drain() ([]Suspect, []Warning) {
	s, w := e.newSus, e.newWarn
	e.newSus, e.newWarn = nil, nil
	for i := range s {
		if ls := e.flagged[s[i].Indicator]; ls != nil {
			s[i].LastSeen = e.abs(ls.last)
		}
	}
	return s, w
}

func gradeRank(g string) int {
	switch g {
	case GradeHigh:
		return 3
	case GradeMedium:
		return 2
	case GradeLow:
		return 1
	}
	return 0
}

// SortSuspects orders suspects for people: highest score first, then by
// number and detector, so that outputs are stable.
func SortSuspects(out []Suspect) {
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Indicator != b.Indicator {
			return a.Indicator.Value() < b.Indicator.Value()
		}
		return a.Detector < b.Detector
	})
}

// SortWarnings orders warnings for the duty officer: most urgent grade
// first, then score, then who was contacted first.
func SortWarnings(ws []Warning) {
	sort.Slice(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if ra, rb := gradeRank(a.Grade), gradeRank(b.Grade); ra != rb {
			return ra > rb
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if !a.FirstContact.Equal(b.FirstContact) {
			return a.FirstContact.Before(b.FirstContact)
		}
		if a.Subscriber != b.Subscriber {
			return a.Subscriber.Value() < b.Subscriber.Value()
		}
		return a.Suspect.Value() < b.Suspect.Value()
	})
}

package registry

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// HalfLife is how long a signal about an indicator of kind k keeps half its
// weight. Fraudsters burn phone numbers and chat handles in days and phishing
// domains in weeks, while a laundering wallet or a mule account stays in use
// for months: the decay follows how long each kind stays in a ring's hands.
func HalfLife(k indicator.Kind) time.Duration {
	const day = 24 * time.Hour
	switch k {
	case indicator.Phone, indicator.WhatsApp, indicator.IP:
		return 14 * day
	case indicator.Telegram, indicator.WeChat, indicator.QQ, indicator.Email:
		return 30 * day
	case indicator.Domain, indicator.URL:
		return 45 * day
	case indicator.App:
		return 90 * day
	case indicator.BankAccount, indicator.Card:
		return 180 * day
	default: // crypto addresses
		return 365 * day
	}
}

// Weights of the risk model. Each visible, unexpired signal weighs its
// confidence times its decay; a confirmed signal weighs at least
// confirmedWeight and decays four times slower. Within one organisation each
// further signal counts half the one before (repeats are not independent);
// organisations combine as independent witnesses (noisy-OR).
const (
	confirmedWeight   = 0.95
	publicReportConf  = 0.35 // one unverified victim report
	defaultConfidence = 0.6
)

// Levels and verdicts of a risk score.
const (
	LevelNone     = "none"
	LevelLow      = "low"
	LevelMedium   = "medium"
	LevelHigh     = "high"
	LevelCritical = "critical"

	VerdictReported   = "reported_scam"
	VerdictSuspicious = "suspicious"
	VerdictNoReports  = "no_reports"
)

// Risk is what the registry knows of one indicator, as seen by one viewer,
// with its reasons in plain words.
type Risk struct {
	Score      int       `json:"score"` // 0..100
	Level      string    `json:"level"`
	Verdict    string    `json:"verdict"`
	Confirmed  bool      `json:"confirmed"`
	Typologies []string  `json:"typologies,omitempty"` // strongest first
	Orgs       int       `json:"organisations"`
	Sectors    []string  `json:"sectors,omitempty"`
	Signals    int       `json:"signals"`         // counted (visible, unexpired)
	Reports    int       `json:"reports"`         // of those, victims' reports
	Expired    int       `json:"expired_signals"` // visible but expired
	FirstSeen  time.Time `json:"first_seen,omitzero"`
	LastSeen   time.Time `json:"last_seen,omitzero"`
	Reasons    []string  `json:"reasons"`
}

// Obs is the part of a signal that risk needs, small enough to keep millions
// in memory: the in-memory index holds these, and Assess works on them so
// that the profile and the hot lookup path share one risk model.
//
// Times are unix seconds in 32 bits (good until 2106) so that an Obs is 32
// bytes and an indicator with one signal fits one cache line of the index.
type Obs struct {
	ID         uint64 // hash of the signal ID: re-sent signals are not counted twice
	OrgID      uint32
	LastSeen   uint32 // unix seconds
	FirstSeen  uint32
	Expires    uint32 // unix seconds; 0: never
	Confidence float32
	Sector     uint8 // index into sectorCodes
	TLP        uint8 // index into tlpCodes
	Typology   uint8 // index into Typologies, +1; 0: none
	Flags      uint8 // obsConfirmed | obsReport
}

const (
	obsConfirmed = 1 << iota
	obsReport
)

var (
	sectorCodes = []auth.Sector{"", auth.Police, auth.Finance, auth.Telecom, auth.Internet, auth.Judicial, auth.Regulator, auth.Public}
	tlpCodes    = []auth.TLP{"", auth.TLPClear, auth.TLPGreen, auth.TLPAmber, auth.TLPAmberStrict, auth.TLPRed}
)

func code[T comparable](list []T, v T) uint8 {
	if i := slices.Index(list, v); i > 0 {
		return uint8(i)
	}
	return 0
}

// TypologyCode maps a typology name to its small code (0 for none/unknown).
func typologyCode(t string) uint8 {
	if i := slices.Index(Typologies, t); i >= 0 {
		return uint8(i + 1)
	}
	return 0
}

// ValidTypology reports whether t is one of the FORMATS.md typologies.
func ValidTypology(t string) bool { return typologyCode(t) != 0 }

// ObsOf reduces a signal to what risk needs.
func ObsOf(s Signal) Obs {
	o := Obs{
		ID:         idHash(s.ID),
		OrgID:      uint32(s.OrgID),
		LastSeen:   seen(s.LastSeen, s.Received),
		FirstSeen:  seen(s.FirstSeen, s.Received),
		Confidence: float32(s.Confidence),
		Sector:     code(sectorCodes, s.Sector),
		TLP:        code(tlpCodes, s.TLP),
		Typology:   typologyCode(s.Typology),
	}
	if !s.Expires.IsZero() {
		o.Expires = unix32(s.Expires)
	}
	if s.Confirmed {
		o.Flags |= obsConfirmed
	}
	if s.ReportID != "" {
		o.Flags |= obsReport
	}
	return o
}

func seen(t, fallback time.Time) uint32 {
	if t.IsZero() {
		t = fallback
	}
	if t.IsZero() {
		return 0
	}
	return unix32(t)
}

// unix32 clamps a time to the 32-bit unix seconds an Obs keeps.
func unix32(t time.Time) uint32 {
	u := t.Unix()
	switch {
	case u < 1:
		return 1 // before 1970: as early as we can say, but not "unset"
	case u > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(u)
}

// SectorOf and TLPOf give back the names behind an Obs's codes.
func (o Obs) SectorOf() auth.Sector { return sectorCodes[o.Sector%uint8(len(sectorCodes))] }

// TLPOf returns the signal's TLP marking.
func (o Obs) TLPOf() auth.TLP { return tlpCodes[o.TLP%uint8(len(tlpCodes))] }

// Visible applies the one TLP sharing rule (auth.Visible) to this signal.
func (o Obs) Visible(viewer auth.Principal) bool {
	return auth.CanSee(viewer, int64(o.OrgID), o.SectorOf(), o.TLPOf())
}

// weight is the signal's weight at now, before combination.
func (o Obs) weight(k indicator.Kind, now int64) float64 {
	half := HalfLife(k).Seconds()
	conf := float64(o.Confidence)
	if o.Flags&obsConfirmed != 0 {
		conf = max(conf, confirmedWeight)
		half *= 4
	}
	age := float64(now - int64(o.LastSeen))
	if age <= 0 {
		return conf
	}
	return conf * math.Exp2(-age/half)
}

// Summary is the allocation-free core of a risk assessment: what the hot
// lookup path computes for every query. Risk adds the words.
type Summary struct {
	Score       int
	Confirmed   bool
	Signals     int // counted: visible and unexpired
	Reports     int
	Expired     int
	Orgs        int // independent organisations (the public counts as one)
	Agencies    int // organisations other than the public
	sectors     uint16
	typology    [16]float32 // weight per typology code
	first, last int64
}

// maxGroup bounds the per-indicator work on the stack; signals beyond it
// from further organisations still count, combined one per organisation.
const maxGroup = 64

// Summarize scores the signals of an indicator of kind k that visible
// accepts (nil: all), at time now. The model: a signal weighs its confidence
// halved every HalfLife(k) since last seen (a confirmed one weighs at least
// 0.95 and decays four times slower); inside one organisation each further
// signal counts half the one before, because repeats are not independent;
// organisations combine as independent witnesses (noisy-OR). Expired signals
// do not count.
func Summarize(k indicator.Kind, obs []Obs, visible func(Obs) bool, now int64) Summary {
	if len(obs) == 1 {
		return summarizeOne(k, obs[0], visible, now)
	}
	var s Summary
	var ws [maxGroup]float64
	var orgs [maxGroup]uint32
	n := 0
	for _, o := range obs {
		if visible != nil && !visible(o) {
			continue
		}
		if o.Expires != 0 && int64(o.Expires) <= now {
			s.Expired++
			continue
		}
		w := o.weight(k, now)
		s.Signals++
		if o.Flags&obsReport != 0 {
			s.Reports++
		}
		if o.Flags&obsConfirmed != 0 {
			s.Confirmed = true
		}
		s.sectors |= 1 << o.Sector
		s.typology[o.Typology%16] += float32(w)
		if s.last < int64(o.LastSeen) {
			s.last = int64(o.LastSeen)
		}
		if o.FirstSeen != 0 && (s.first == 0 || int64(o.FirstSeen) < s.first) {
			s.first = int64(o.FirstSeen)
		}
		if n < maxGroup {
			ws[n], orgs[n] = w, o.OrgID
			n++
		}
	}
	// Group by organisation: sort (org, weight desc) with insertion sort —
	// n is small and this must not allocate.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && (orgs[j] < orgs[j-1] || orgs[j] == orgs[j-1] && ws[j] > ws[j-1]); j-- {
			orgs[j], orgs[j-1] = orgs[j-1], orgs[j]
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
	miss := 1.0
	for i := 0; i < n; {
		orgMiss, factor := 1.0, 1.0
		j := i
		for ; j < n && orgs[j] == orgs[i]; j++ {
			orgMiss *= 1 - ws[j]*factor
			factor /= 2
		}
		miss *= orgMiss
		s.Orgs++
		if orgs[i] != 0 {
			s.Agencies++
		}
		i = j
	}
	s.Score = int(math.Round(100 * (1 - miss)))
	return s
}

// summarizeOne is Summarize for the most common case, an indicator with
// one signal, without the grouping machinery.
func summarizeOne(k indicator.Kind, o Obs, visible func(Obs) bool, now int64) Summary {
	var s Summary
	if visible != nil && !visible(o) {
		return s
	}
	if o.Expires != 0 && int64(o.Expires) <= now {
		s.Expired = 1
		return s
	}
	w := o.weight(k, now)
	s.Signals, s.Orgs = 1, 1
	if o.OrgID != 0 {
		s.Agencies = 1
	}
	if o.Flags&obsReport != 0 {
		s.Reports = 1
	}
	s.Confirmed = o.Flags&obsConfirmed != 0
	s.sectors = 1 << o.Sector
	s.typology[o.Typology%16] = float32(w)
	s.last, s.first = int64(o.LastSeen), int64(o.FirstSeen)
	s.Score = int(math.Round(100 * w))
	return s
}

// Level and Verdict of the summary; see classify.
func (s Summary) Level() string   { l, _ := classify(s.Score, s.Confirmed, s.Signals); return l }
func (s Summary) Verdict() string { _, v := classify(s.Score, s.Confirmed, s.Signals); return v }

// Typologies returns the typologies seen, strongest first.
func (s Summary) Typologies() []string {
	var codes []int
	for c := 1; c < len(s.typology); c++ {
		if s.typology[c] > 0 {
			codes = append(codes, c)
		}
	}
	sort.SliceStable(codes, func(i, j int) bool { return s.typology[codes[i]] > s.typology[codes[j]] })
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if c-1 < len(Typologies) {
			out = append(out, Typologies[c-1])
		}
	}
	return out
}

// Last is when the latest counted signal was last seen (zero if none).
func (s Summary) Last() time.Time {
	if s.last == 0 {
		return time.Time{}
	}
	return time.Unix(s.last, 0).UTC()
}

// Sectors returns the sectors whose signals count, in a fixed order.
func (s Summary) Sectors() []string {
	var out []string
	for i, sec := range sectorCodes {
		if i > 0 && s.sectors&(1<<i) != 0 {
			out = append(out, string(sec))
		}
	}
	return out
}

// Risk adds the words to a summary: level, verdict and reasons.
func (s Summary) Risk(k indicator.Kind, now time.Time) Risk {
	r := Risk{
		Score: s.Score, Confirmed: s.Confirmed, Signals: s.Signals, Reports: s.Reports,
		Expired: s.Expired, Orgs: s.Orgs, Sectors: s.Sectors(), Typologies: s.Typologies(),
	}
	if s.first != 0 {
		r.FirstSeen = time.Unix(s.first, 0).UTC()
	}
	if s.last != 0 {
		r.LastSeen = time.Unix(s.last, 0).UTC()
	}
	r.Level, r.Verdict = classify(s.Score, s.Confirmed, s.Signals)
	r.Reasons = reasons(k, s, r, now)
	return r
}

// Assess is Summarize followed by Risk: the one risk model, used by lookups
// and profiles alike.
func Assess(k indicator.Kind, obs []Obs, visible func(Obs) bool, now time.Time) Risk {
	return Summarize(k, obs, visible, now.Unix()).Risk(k, now)
}

// classify turns a score into a level and the public verdict. One unverified
// victim report makes a number "suspicious"; it takes a confirmation, an
// agency's confident signal or several independent reports to say "reported
// scam" to the public.
func classify(score int, confirmed bool, counted int) (level, verdict string) {
	switch {
	case score >= 80:
		level = LevelCritical
	case score >= 60:
		level = LevelHigh
	case score >= 35:
		level = LevelMedium
	case counted > 0:
		level = LevelLow
	default:
		level = LevelNone
	}
	switch {
	case confirmed || score >= 50:
		verdict = VerdictReported
	case counted > 0:
		verdict = VerdictSuspicious
	default:
		verdict = VerdictNoReports
	}
	return level, verdict
}

// reasons says in plain words, with figures, why the score is what it is.
func reasons(k indicator.Kind, s Summary, r Risk, now time.Time) []string {
	var out []string
	if s.Signals == 0 {
		if s.Expired > 0 {
			return []string{fmt.Sprintf("%d earlier %s expired and no longer count", s.Expired, plural(s.Expired, "signal", "signals"))}
		}
		return []string{"no signals about this indicator"}
	}
	if s.Confirmed {
		out = append(out, "confirmed by an investigation or a court")
	}
	if s.Agencies > 0 {
		out = append(out, fmt.Sprintf("flagged by %d %s (%s)", s.Agencies,
			plural(s.Agencies, "organisation", "independent organisations"), strings.Join(agencySectors(r.Sectors), ", ")))
	}
	if s.Reports > 0 {
		out = append(out, fmt.Sprintf("%d victim %s", s.Reports, plural(s.Reports, "report", "reports")))
	}
	if extra := s.Signals - s.Reports - s.Agencies; extra > 0 && s.Agencies > 0 {
		out = append(out, fmt.Sprintf("%d repeated %s from the same organisations count less than independent ones", extra, plural(extra, "signal", "signals")))
	}
	if len(r.Typologies) > 0 {
		out = append(out, "typology: "+strings.Join(r.Typologies, ", "))
	}
	if !r.LastSeen.IsZero() {
		days := int(now.Sub(r.LastSeen).Hours() / 24)
		out = append(out, fmt.Sprintf("last seen %s; %s signals lose half their weight every %d days", ago(days), k, int(HalfLife(k).Hours()/24)))
	}
	if s.Expired > 0 {
		out = append(out, fmt.Sprintf("%d expired %s no longer count", s.Expired, plural(s.Expired, "signal", "signals")))
	}
	return out
}

func agencySectors(sectors []string) []string {
	out := make([]string, 0, len(sectors))
	for _, s := range sectors {
		if s != string(auth.Public) {
			out = append(out, s)
		}
	}
	return out
}

func ago(days int) string {
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	default:
		return fmt.Sprintf("%d days ago", days)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// idHash is 64-bit FNV-1a of a signal ID; collisions only matter between
// signals of the same indicator, where 2^-64 is nothing.
func idHash(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

package money

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// A money mule is an account that lends its name to fraud money: victims
// pay into it, and within minutes or hours the money is gone to the next
// layer. No single figure marks one — people move their own money quickly
// too — so Mules scores each account on several signals and reports it
// only when they agree:
//
//   - pass-through: most of what arrives leaves soon (followed in time
//     order, first in first out), and little stays;
//   - fan-in and fan-out: payers who are strangers — they pay once and are
//     never paid back, as victims do — and their money split at once among
//     several people's accounts;
//   - cash-out: what arrives leaves at once to OTC desks, exchanges or as
//     cash;
//   - waking up: an account new to the ledger, or quiet for a month and
//     more, that receives most of its money in a burst;
//   - victim funds: the account received money from reported victims, or a
//     victim report names it as the payee;
//   - links: it received a good part of a suspect's money and passed it on
//     (second- and third-layer mules), or gathered money from several
//     suspects and kept it or paid an exchange — a ring's collection
//     wallet, reached across OTC desks the way the tracer crosses them.
//
// Businesses look like some of this, so their shapes count against it:
// payers who come back (customers, tenants, clients), payees paid on a
// schedule (suppliers, a daily sweep to the owner), many people paid at
// once (payroll), a long and steady history. Money from institutions —
// payers that pay many people, like lenders, employers and platforms — is
// not a stranger's. An account attributed to a merchant, payment firm,
// exchange, bank, OTC desk or other infrastructure is never a suspect, nor
// is a reported victim's own account, nor a cash machine.
//
// The signal names below are what the detector column of the output says.
const (
	SignalPassThrough   = "pass_through"
	SignalFanInOut      = "fan_in_out"
	SignalCashOut       = "cash_out"
	SignalWakeUp        = "wake_up"
	SignalVictimFunds   = "victim_funds"
	SignalMuleLink      = "mule_link"
	SignalConsolidation = "consolidation"
	SignalAttributed    = "attributed"
)

// MuleSignals lists the signals in the order summaries print them.
var MuleSignals = []string{SignalPassThrough, SignalFanInOut, SignalCashOut, SignalWakeUp, SignalVictimFunds, SignalMuleLink, SignalConsolidation, SignalAttributed}

// MuleOptions tune mule detection; the zero value works.
type MuleOptions struct {
	// AsOf scores the ledger as it was at this time; zero = its last transfer.
	AsOf time.Time
	// Window is how soon money must leave to count as passed through; 24 h.
	Window time.Duration
	// MinScore is the score from which an account is reported; 50.
	MinScore int
	// Victims are payer accounts of reported victims: what they paid out
	// is likely fraud money, so an account that received it and passed it
	// on is a first-layer suspect. A victim's own account is not one.
	Victims []indicator.Indicator
	// Payees are accounts victims say they paid (the `to` of a report's
	// payments), once per report payment that names them.
	Payees []indicator.Indicator
	// Workers score accounts in parallel; 0 = one per CPU.
	Workers int
}

func (o MuleOptions) withDefaults() MuleOptions {
	if o.Window <= 0 {
		o.Window = 24 * time.Hour
	}
	if o.MinScore <= 0 {
		o.MinScore = 50
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// MuleSuspect is an account scored as a likely mule.
type MuleSuspect struct {
	Indicator   indicator.Indicator
	Score       int      // 0..100
	Signals     []string // the signals that raised it, in MuleSignals order
	Reasons     []string // one per signal, in figures
	Institution string   // who holds the account, where a transfer named it
	FirstSeen   time.Time
	LastSeen    time.Time
}

// Detector is the detector column of the suspects output: the signals
// joined with "+", e.g. "pass_through+fan_in_out+victim_funds".
func (s MuleSuspect) Detector() string { return strings.Join(s.Signals, "+") }

// MuleStats says what a detection run looked at.
type MuleStats struct {
	Accounts  int // in the ledger
	Scored    int // that received money in the ledger and were scored
	Excluded  int // of those, attributed to institutions, merchants or infrastructure
	Suspects  int
	BySignal  map[string]int
	Rounds    int // rounds of link propagation
	Victims   int // victim payer accounts found in the ledger
	Payees    int // reported payee accounts found in the ledger
	Elapsed   time.Duration
	PerSecond float64 // transfers scored per second
}

// Thresholds of the signals. A ramp is where a figure starts to count and
// where it counts fully; the comments say why there.
const (
	// A victim often pays a mule several times in a day or two (a task
	// scam's "deposits"); a customer, tenant or client comes back after
	// days or weeks. Payments of one payer closer than this are one episode.
	episodeGap = 3 * 24 * 3600
	// Pass-through: the share of inflow that left within the window.
	// Ordinary people forward some money quickly (rent the day the salary
	// lands), rarely most of it; mules forward nearly all.
	passFrom, passFull = 0.5, 0.85
	// The share that left at all (the rest stayed): a mule keeps a few
	// percent, a business its margin.
	drainFrom, drainFull = 0.6, 0.9
	// How fast: half of a mule's money is gone within minutes to a few
	// hours; a wedding host pays the banquet the next day.
	slowFrom, slowFull = 4 * 3600, 16 * 3600
	// Strangers: a handful is ordinary (friends, a refund); more, each
	// paying once and never paid back, is what victims look like.
	payersFrom, payersFull       = 2, 6
	strangersFrom, strangersFull = 0.5, 0.9
	// Fan-out: strangers' money passed on within the window to this many
	// people's accounts (not shops, not institutions).
	splitFrom, splitFull = 1, 3
	// A person who got a share passed it on in turn when their own
	// pass-through is at least this.
	chainPass = 0.3
	// A waking account: quiet for at least this long (or new to the
	// ledger by this much) before the money it received arrived, most of
	// it after.
	wakeGap    = 30 * 24 * 3600
	burstShare = 0.7
	// Businesses: the share of payers who come back (with two imagined
	// one-off payers added, so that one victim paying twice in a week does
	// not make a business), and of outflow to payees paid on a schedule.
	repeatFrom, repeatFull   = 0.25, 0.6
	regularFrom, regularFull = 0.3, 0.7
	// A payee paid on this many days over at least a month is paid on a
	// schedule (a daily sweep to the owner, a weekly supplier, payroll);
	// mules are rarely used that long.
	regularDays, regularSpan = 3, 28 * 24 * 3600
	// Payroll pays many people at once; mules pay a few accounts.
	payrollPayees = 15
	// A steady account has inflow on many days over a long history.
	steadyDays, steadySpan = 20, 60 * 24 * 3600
	// Links: the share of an account's inflow that was suspects' money,
	// and the share of a suspect's outflow it got (a shop where a mule
	// buys lunch gets a sliver; the next layer gets a good part).
	linkFrom, linkFull = 0.3, 0.8
	partFrom, partFull = 0.05, 0.2
	// A collection wallet keeps, or pays to exchanges, this much of the
	// suspects' money it gathered.
	collectShare = 0.8
	// Link propagation stops after this many rounds: layers beyond the
	// fourth are rare, and each round only looks next to new suspects.
	maxRounds = 4
)

// Points of each signal: the score is 0–100 and MinScore (50) reports.
// Fast pass-through alone is 35 — people do that — and with strangers'
// money split on at once, 70. A report naming the account adds 50; money
// from reported victims 20 for each, up to 40, halved when the money
// stays put (a landlord a victim paid rent to is not reported on that).
const (
	passPoints      = 35
	breadthPoints   = 35
	cashOutPoints   = 10
	wakePoints      = 10
	payeePoints     = 50
	victimPoints    = 20
	victimMax       = 40
	linkPoints      = 50
	collectPoints   = 60
	attributedScore = 90
)

// neverMule are the entity types whose accounts are never suspects: they
// are institutions or services that many people use, and a trace stops at
// them; a mule among their customers is flagged at its own account.
var neverMule = map[string]bool{Merchant: true, PaymentFirm: true, Exchange: true, BankEntity: true, OTC: true, DEX: true, Bridge: true, Mixer: true}

// muleProfile is what the pass over an account's transfers found, kept
// compact for every account (a few dozen bytes for each of millions).
type muleProfile struct {
	asset    uint32  // the asset most of its inflows are in; its flow is scored
	in       float64 // value received in that asset
	pass     float32 // 0..1 each: pass-through,
	breadth  float32 // strangers and fan-out,
	cashOut  float32 // cash-out,
	wake     float32 // waking up
	damp     float32 // 0..1: 1 = nothing business-like
	dampLink float32 // the same without returning payers: a next-layer mule's payers are the suspects, again and again
	victims  float32 // points for money received from victims
	reported float32 // points for being named as payee in a report
	excluded bool
	scored   bool
	known    bool // attributed as a mule or a scam
	victim   bool // a reported victim's own account, not named as a payee
	splits   bool // it split strangers' money among people: see chained
}

// flow is the full measurement of one account, for scoring and reasons.
type flow struct {
	asset         uint32
	nIn, nOut     int
	in, out       float64
	fast          float64 // inflow value that left within the window
	consumed      float64 // inflow value that left at all
	median        int64   // value-weighted median dwell of what left, seconds
	within        int64   // dwell by which 95% of what left had left
	leftWithin    float64 // inflow value that left within that
	payers        int
	strangers     int
	strangerValue float64
	strangerFast  float64 // strangers' money that left within the window
	split         int     // people's accounts that got it
	repeatPayers  int
	regularValue  float64 // outflow to payees paid on a schedule
	payees        int
	maxPayeesDay  int     // most distinct payees paid on one day
	cashOut       float64 // inflow value that left within the window as cash, to OTC desks or exchanges
	exits         []string
	firstIn       int64
	lastIn        int64
	gap           int64 // quiet period before the burst
	gapAfterPrior bool  // the quiet period followed earlier activity (dormant, not new)
	inDays        int   // distinct days with inflow
	victimPayers  int
	victimValue   float64
	reported      int // report payments naming it as payee
}

// scratch is one worker's reusable buffers.
type scratch struct {
	evs, raw  []event
	lots      []lotF
	pieces    []piece
	ins, outs []party
	strangers []uint32
	split     []uint32
	days      []int64
}

// lotF is money that arrived in one transfer and has not all left.
type lotF struct {
	t        int64
	amt      float64
	prior    bool // there before the ledger began
	stranger bool // paid by a stranger
}

type piece struct {
	dwell int64
	amt   float64
}

type party struct {
	acct uint32
	t    int64
	amt  float64
}

// Mules scores every account of the ledger that received money and
// returns those scoring MinScore or more, highest first. The ledger is
// read, never changed; accounts are scored in parallel.
func (l *Ledger) Mules(opts MuleOptions) ([]MuleSuspect, MuleStats) {
	start := time.Now()
	opts = opts.withDefaults()
	l.mu.RLock()
	defer l.mu.RUnlock()
	d := &muleRun{l: l, opts: opts, asOf: l.last, window: int64(opts.Window / time.Second)}
	if !opts.AsOf.IsZero() {
		d.asOf = opts.AsOf.Unix()
	}
	d.institutional = institutionalOut(l.first, d.asOf)
	d.victims = l.accountSet(opts.Victims)
	d.payees = map[uint32]int{}
	for _, ind := range opts.Payees {
		if a, ok := l.account(ind); ok {
			d.payees[a]++
		}
	}
	stats := MuleStats{Accounts: len(l.accts), Victims: len(d.victims), Payees: len(d.payees), BySignal: map[string]int{}}

	// Pass 1: every account's own behaviour. Then, for the few accounts
	// that split strangers' money among people at once, whether those
	// people passed it on in turn (a chain of mules) or kept it (staff
	// paid their wages, family): that needs everyone's pass-through.
	d.prof = make([]muleProfile, len(l.accts))
	d.parallel(len(l.accts), func(s *scratch, a uint32) {
		d.prof[a] = d.profile(s, a)
	})
	var splitters []uint32
	for a := range d.prof {
		if d.prof[a].splits {
			splitters = append(splitters, uint32(a))
		}
	}
	d.chained = true
	again := make([]muleProfile, len(splitters))
	d.parallel(len(splitters), func(s *scratch, i uint32) {
		again[i] = d.profile(s, splitters[i])
	})
	for i, a := range splitters {
		d.prof[a] = again[i]
	}
	score := make([]float32, len(l.accts))
	var suspects []uint32
	for a := range d.prof {
		p := &d.prof[a]
		if p.scored {
			stats.Scored++
			if p.excluded {
				stats.Excluded++
			}
		}
		score[a] = d.ownScore(p)
		if score[a] >= float32(opts.MinScore) {
			suspects = append(suspects, uint32(a))
		}
	}

	// Pass 2: links. Suspects' money is followed to the accounts it
	// reached (across OTC desks to the crypto they paid out for it); an
	// account that passed a good part of it on, or gathered it from
	// several suspects, is raised, and new suspects are followed in the
	// next round.
	d.taint, d.viaDesk, d.outTotal, d.link = map[uint32]uint32{}, map[uint32]string{}, map[uint32]float64{}, map[uint32]*linkFlow{}
	s := &scratch{}
	for round := 0; round < maxRounds && len(suspects) > 0; round++ {
		stats.Rounds = round + 1
		touched := d.spread(suspects)
		suspects = suspects[:0]
		for _, a := range touched {
			if score[a] >= float32(opts.MinScore) {
				continue
			}
			lf := d.measureLink(s, a)
			d.link[a] = lf
			score[a] = max(score[a], min(100, d.ownScore(&d.prof[a])+lf.score))
			if score[a] >= float32(opts.MinScore) {
				suspects = append(suspects, a)
			}
		}
	}

	// Pass 3: the figures behind each suspect's score.
	var flagged []uint32
	for a, sc := range score {
		if sc >= float32(opts.MinScore) {
			flagged = append(flagged, uint32(a))
		}
	}
	out := make([]MuleSuspect, len(flagged))
	d.parallel(len(flagged), func(s *scratch, i uint32) {
		out[i] = d.suspect(s, flagged[i], score[flagged[i]])
	})
	slices.SortFunc(out, func(a, b MuleSuspect) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Indicator.Value(), b.Indicator.Value())
	})
	stats.Suspects = len(out)
	for _, x := range out {
		for _, sig := range x.Signals {
			stats.BySignal[sig]++
		}
	}
	stats.Elapsed = time.Since(start)
	if sec := stats.Elapsed.Seconds(); sec > 0 {
		stats.PerSecond = float64(len(l.tx)) / sec
	}
	return out, stats
}

// muleRun is one detection run over a ledger held for reading.
type muleRun struct {
	l       *Ledger
	opts    MuleOptions
	asOf    int64
	window  int64
	victims map[uint32]bool
	payees  map[uint32]int
	prof    []muleProfile
	// chained is set once every account has its pass-through: from then
	// on, strangers' money split among people counts only the people who
	// passed it on in turn.
	chained bool
	// institutional is the number of transfers out (or in) from which an
	// account is an institution — a lender, an employer, a platform, a
	// shop — not a person.
	institutional uint32
	// taint marks the transfers that carried suspects' money: a suspect's
	// payments, and an OTC desk's crypto payouts paired with them.
	taint    map[uint32]uint32 // transfer → the suspect whose money it carried
	viaDesk  map[uint32]string // of those, the payouts of OTC desks → the desk
	outTotal map[uint32]float64
	link     map[uint32]*linkFlow
}

// linkFlow is what became of suspects' money in one account, followed
// first in, first out like the account's own.
type linkFlow struct {
	in         float64 // suspects' money received
	fast       float64 // of it, what left within the window
	kept       float64 // what is still there
	toExchange float64 // what was paid to exchanges
	share      float64 // in, as a share of all the account received
	part       float64 // the largest share of one suspect's outflow it got
	origins    int     // distinct suspects it came from
	desks      []string
	score      float32
}

// institutionalOut is how many transfers make an account an institution
// over a ledger from first to last: two a day, and at least fifty. People
// pay and are paid a few times a week; lenders, employers, platforms and
// shops deal with many people every day.
func institutionalOut(first, last int64) uint32 {
	days := max(1, (last-first)/86400)
	return uint32(max(50, 2*days))
}

// accountSet looks accounts up in the ledger.
func (l *Ledger) accountSet(inds []indicator.Indicator) map[uint32]bool {
	set := map[uint32]bool{}
	for _, ind := range inds {
		if a, ok := l.account(ind); ok {
			set[a] = true
		}
	}
	return set
}

// parallel calls fn for 0..n-1 on opts.Workers goroutines, each with its
// own scratch buffers; the numbers are handed out in blocks.
func (d *muleRun) parallel(n int, fn func(*scratch, uint32)) {
	const block = 256
	var next atomic.Int64
	var wg sync.WaitGroup
	for range d.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &scratch{}
			for {
				lo := int(next.Add(block) - block)
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+block, n); i++ {
					fn(s, uint32(i))
				}
			}
		}()
	}
	wg.Wait()
}

// profile measures one account and keeps the parts of its score.
func (d *muleRun) profile(s *scratch, a uint32) muleProfile {
	l := d.l
	ac := &l.accts[a]
	var p muleProfile
	if e := l.entityOf(a); e != nil {
		p.excluded = neverMule[e.typ]
		p.known = e.typ == Mule || e.typ == Scam
	}
	if ac.nIn == 0 {
		return p
	}
	f, ok := d.measure(s, a)
	if !ok {
		return p
	}
	p.scored = true
	p.asset, p.in = f.asset, f.in
	p.victim = d.victims[a] && f.reported == 0
	if p.excluded {
		return p
	}
	if f.nOut > 0 {
		speed := 1 - ramp(float64(f.median), slowFrom, slowFull)
		p.pass = float32(ramp(f.fast/f.in, passFrom, passFull) * ramp(f.consumed/f.in, drainFrom, drainFull) * speed)
	}
	fanIn := ramp(float64(f.strangers), payersFrom, payersFull) * ramp(f.strangerValue/f.in, strangersFrom, strangersFull)
	fanOut := ramp(f.strangerFast/f.in, passFrom, passFull) * ramp(float64(f.split), splitFrom, splitFull)
	p.splits = fanOut > 0 && !d.chained
	if !d.chained {
		fanOut = 0 // until the people it paid are known
	}
	p.breadth = float32(max(fanIn, fanOut))
	p.cashOut = float32(ramp(f.cashOut/f.in, passFrom, passFull))
	if f.gap >= wakeGap {
		p.wake = 1
	}
	p.damp, p.dampLink = businessDamp(&f)
	if f.reported > 0 {
		p.reported = payeePoints
	}
	p.victims = float32(min(victimMax, victimPoints*float64(f.victimPayers)))
	return p
}

// businessDamp is 1 for an account with nothing business-like about it,
// falling towards 0 the more its payers return, its payees are paid on a
// schedule, it pays many people at once, or it has a long steady history.
// link is the same without the returning payers.
func businessDamp(f *flow) (damp, link float32) {
	link = 1
	if f.out > 0 {
		link *= float32(1 - 0.8*ramp(f.regularValue/f.out, regularFrom, regularFull))
	}
	if f.maxPayeesDay >= payrollPayees {
		link *= 0.3
	}
	if f.inDays >= steadyDays && f.lastIn-f.firstIn >= steadySpan {
		link *= 0.5
	}
	returning := float64(f.repeatPayers) / float64(f.payers+2)
	return link * float32(1-ramp(returning, repeatFrom, repeatFull)), link
}

// ownScore scores an account on its own transfers.
func (d *muleRun) ownScore(p *muleProfile) float32 {
	switch {
	case p.excluded:
		return 0
	case p.known:
		return attributedScore
	case !p.scored || p.victim:
		return 0
	}
	behaviour := p.pass * (passPoints + breadthPoints*p.breadth + cashOutPoints*p.cashOut + wakePoints*p.wake) * p.damp
	victim := p.victims
	if p.pass < 0.5 {
		// Money from a victim that stays put is weaker evidence (rent,
		// a shop's takings): it counts half when nothing passes on.
		victim *= 0.5 + p.pass
	}
	return min(100, behaviour+victim+p.reported)
}

// otcWindow is how long after fiat reaches an OTC desk the crypto it buys
// may leave, as the tracer pairs them.
const otcWindow = 2 * time.Hour

// spread marks the transfers that carried the suspects' money and returns
// the accounts they reached.
func (d *muleRun) spread(suspects []uint32) []uint32 {
	l := d.l
	var touched []uint32
	seen := map[uint32]bool{}
	mark := func(x, origin uint32) {
		if p := &d.prof[l.tx[x].to]; !p.scored || p.excluded || p.victim {
			return // nobody's account, an institution's, or a victim's
		}
		if _, done := d.taint[x]; done {
			return
		}
		d.taint[x] = origin
		if to := l.tx[x].to; !seen[to] {
			seen[to] = true
			touched = append(touched, to)
		}
	}
	for _, s := range suspects {
		total := 0.0
		for x := l.accts[s].headOut; x != 0; x = l.nextOut[x-1] {
			r := &l.tx[x-1]
			if r.t > d.asOf {
				continue
			}
			if r.asset == d.prof[s].asset {
				total += r.float()
			}
			to := &l.accts[r.to]
			switch {
			case r.rail == Other:
				// cash: gone from the ledger
			case to.entity >= 0 && l.entities[to.entity].typ == OTC:
				// The desk pays crypto for this fiat: follow the payout.
				if m, ok := l.otcBookOf(to.entity, otcWindow).match[x-1]; ok && l.tx[m.out].t <= d.asOf {
					d.viaDesk[m.out] = l.entities[to.entity].name
					mark(m.out, s)
				}
			default:
				mark(x-1, s)
			}
		}
		d.outTotal[s] = total
	}
	return touched
}

// measureLink follows the suspects' money through one account and scores
// it: a next-layer mule passes a good part of a suspect's money on within
// the window; a collection wallet gathers it from several suspects and
// keeps it or pays an exchange.
func (d *muleRun) measureLink(s *scratch, a uint32) *linkFlow {
	l := d.l
	p := &d.prof[a]
	lf := &linkFlow{}
	s.evs, s.raw = l.events(a, d.asOf, s.raw, s.evs)
	type tlot struct {
		t       int64
		amt     float64
		tainted bool
	}
	var lots []tlot
	if opening := openingBalance(l, s.evs, p.asset); opening > 0 {
		lots = append(lots, tlot{t: math.MinInt64, amt: opening})
	}
	head := 0
	got := map[uint32]float64{} // by origin: what came from it, as a share of its outflow
	desks := map[string]bool{}
	for _, e := range s.evs {
		r := &l.tx[e.tx]
		if r.asset != p.asset {
			continue
		}
		amt := r.float()
		if !e.out {
			origin, tainted := d.taint[e.tx]
			lots = append(lots, tlot{t: e.t, amt: amt, tainted: tainted})
			if !tainted {
				continue
			}
			lf.in += amt
			if desk, ok := d.viaDesk[e.tx]; ok {
				desks[desk] = true
				got[origin] = 1 // a desk's payout is all of that payment
			} else if total := d.outTotal[origin]; total > 0 {
				got[origin] += amt / total
			} else {
				got[origin] = 1
			}
			continue
		}
		toExchange := false
		if en := l.entityOf(r.to); en != nil && en.typ == Exchange {
			toExchange = true
		}
		need := amt
		for need > 0 && head < len(lots) {
			lt := &lots[head]
			take := min(need, lt.amt)
			if lt.tainted {
				if e.t-lt.t <= d.window {
					lf.fast += take
				}
				if toExchange {
					lf.toExchange += take
				}
			}
			lt.amt -= take
			need -= take
			if lt.amt <= dust {
				head++
			}
		}
	}
	for _, lt := range lots[head:] {
		if lt.tainted {
			lf.kept += lt.amt
		}
	}
	if lf.in <= 0 || p.in <= 0 {
		return lf
	}
	lf.share = min(1, lf.in/p.in)
	lf.origins = len(got)
	for _, part := range got {
		lf.part = max(lf.part, min(1, part))
	}
	for desk := range desks {
		lf.desks = append(lf.desks, desk)
	}
	slices.Sort(lf.desks)
	strength := ramp(lf.share, linkFrom, linkFull) * ramp(lf.part, partFrom, partFull)
	pts := linkPoints * strength * ramp(lf.fast/lf.in, passFrom, passFull) * float64(p.dampLink)
	if lf.collector() {
		pts = max(pts, collectPoints*strength)
	}
	lf.score = float32(pts)
	return lf
}

// collector reports whether the account gathered suspects' money from
// several of them and kept it or paid it to exchanges.
func (lf *linkFlow) collector() bool {
	return lf.origins >= 2 && (lf.kept+lf.toExchange)/lf.in >= collectShare
}

// measure makes the passes over an account's transfers in time order: who
// paid and was paid, then where each payment's money went, first in first
// out. ok is false when it received nothing in the ledger's time, or only
// cash (a cash machine).
func (d *muleRun) measure(s *scratch, a uint32) (f flow, ok bool) {
	l := d.l
	s.evs, s.raw = l.events(a, d.asOf, s.raw, s.evs)
	f.asset, ok = l.primaryAsset(s.evs)
	if !ok {
		return f, false
	}
	s.ins, s.outs, s.days = s.ins[:0], s.outs[:0], s.days[:0]
	prev := l.first // the ledger's start stands for "before this account appeared"
	var inBefore, bal, low float64
	type gapAt struct {
		gap      int64
		inBefore float64
		prior    bool
	}
	var gaps []gapAt
	cash := 0
	for i, e := range s.evs {
		r := &l.tx[e.tx]
		if r.asset != f.asset {
			continue
		}
		if g := e.t - prev; g >= wakeGap {
			gaps = append(gaps, gapAt{g, inBefore, i > 0})
		}
		prev = e.t
		amt := r.float()
		if e.out {
			f.nOut++
			f.out += amt
			bal -= amt
			low = min(low, bal)
			s.outs = append(s.outs, party{r.to, e.t, amt})
			continue
		}
		f.nIn++
		f.in += amt
		bal += amt
		inBefore += amt
		if r.rail == Other {
			cash++
		}
		s.ins = append(s.ins, party{r.from, e.t, amt})
		if d.victims[r.from] {
			f.victimValue += amt
		}
		if day := e.t / 86400; len(s.days) == 0 || s.days[len(s.days)-1] != day {
			s.days = append(s.days, day)
		}
	}
	if f.nIn == 0 || f.in <= 0 || cash == f.nIn {
		return f, false
	}
	f.firstIn, f.lastIn = s.ins[0].t, s.ins[len(s.ins)-1].t
	f.inDays = len(s.days)
	for _, g := range gaps {
		if (f.in-g.inBefore)/f.in >= burstShare && g.gap > f.gap {
			f.gap, f.gapAfterPrior = g.gap, g.prior
		}
	}
	d.counterparts(s, &f)
	f.reported = d.payees[a]

	// Where the money went. The account may hold money from before the
	// ledger begins: at least what it paid beyond what it had received at
	// its lowest point. That leaves first, so an account living on its
	// savings does not look as if it passed each payment on.
	s.lots, s.pieces, s.split = s.lots[:0], s.pieces[:0], s.split[:0]
	if low < 0 {
		s.lots = append(s.lots, lotF{amt: -low, prior: true})
	}
	head := 0
	var exits [3]bool // cash, OTC desks, exchanges
	for _, e := range s.evs {
		r := &l.tx[e.tx]
		if r.asset != f.asset {
			continue
		}
		amt := r.float()
		if !e.out {
			_, stranger := slices.BinarySearch(s.strangers, r.from)
			s.lots = append(s.lots, lotF{t: e.t, amt: amt, stranger: stranger && r.rail != Other})
			continue
		}
		exit := d.exitOf(r)
		person := exit < 0 && d.isPerson(r.to) && (!d.chained || d.prof[r.to].pass >= chainPass)
		need := amt
		for need > 0 && head < len(s.lots) {
			lt := &s.lots[head]
			take := min(need, lt.amt)
			if !lt.prior {
				dwell := e.t - lt.t
				s.pieces = append(s.pieces, piece{dwell, take})
				f.consumed += take
				if dwell <= d.window {
					f.fast += take
					if exit >= 0 {
						f.cashOut += take
						exits[exit] = true
					}
					if lt.stranger {
						f.strangerFast += take
						if person {
							s.split = append(s.split, r.to)
						}
					}
				}
			}
			lt.amt -= take
			need -= take
			if lt.amt <= dust {
				head++
			}
		}
	}
	slices.Sort(s.split)
	f.split = len(slices.Compact(s.split))
	for i, name := range [...]string{"cash", "OTC desks", "exchanges"} {
		if exits[i] {
			f.exits = append(f.exits, name)
		}
	}
	f.median, f.within, f.leftWithin = dwellFigures(s.pieces, d.window)
	return f, true
}

// exitOf says whether a payment takes money out of the accounts of people
// and firms: 0 as cash, 1 to an OTC desk, 2 to an exchange, -1 not.
func (d *muleRun) exitOf(r *txRec) int {
	if r.rail == Other {
		return 0
	}
	if e := d.l.entityOf(r.to); e != nil {
		switch e.typ {
		case OTC:
			return 1
		case Exchange:
			return 2
		}
	}
	return -1
}

// isPerson reports whether an account looks like a person's: nobody
// attributed it, and it does not deal with as many as an institution.
func (d *muleRun) isPerson(a uint32) bool {
	ac := &d.l.accts[a]
	return ac.entity < 0 && ac.nIn < d.institutional && ac.nOut < d.institutional
}

// openingBalance is the least the account must have held before its
// first transfer in the ledger for its balance in asset never to go
// below zero.
func openingBalance(l *Ledger, evs []event, asset uint32) float64 {
	bal, low := 0.0, 0.0
	for _, e := range evs {
		r := &l.tx[e.tx]
		if r.asset != asset {
			continue
		}
		if e.out {
			bal -= r.float()
			low = min(low, bal)
		} else {
			bal += r.float()
		}
	}
	return -low
}

// dust is the remainder below which a lot is spent: float rounding of a
// lot drawn down exactly is not money.
const dust = 1e-9

// counterparts sorts the account's payers and payees and counts who is a
// stranger, who returns and who is paid on a schedule. It leaves the
// strangers, sorted, in s.strangers.
func (d *muleRun) counterparts(s *scratch, f *flow) {
	byParty := func(a, b party) int {
		if c := cmp.Compare(a.acct, b.acct); c != 0 {
			return c
		}
		return cmp.Compare(a.t, b.t)
	}
	slices.SortFunc(s.outs, byParty)
	slices.SortFunc(s.ins, byParty)
	paid := func(acct uint32) bool {
		_, found := slices.BinarySearchFunc(s.outs, acct, func(p party, a uint32) int { return cmp.Compare(p.acct, a) })
		return found
	}
	s.strangers = s.strangers[:0]
	eachGroup(s.ins, func(g []party) {
		f.payers++
		payer := g[0].acct
		if d.victims[payer] {
			f.victimPayers++
		}
		switch {
		case countEpisodes(g) >= 2:
			f.repeatPayers++
		case !d.isPerson(payer) || paid(payer):
			// An institution's money (a loan, wages) is not a
			// stranger's, nor is a friend's who is paid back.
		default:
			f.strangers++
			for _, x := range g {
				f.strangerValue += x.amt
			}
			s.strangers = append(s.strangers, payer)
		}
	})
	eachGroup(s.outs, func(g []party) {
		f.payees++
		if days, value := countDays(g); days >= regularDays && g[len(g)-1].t-g[0].t >= regularSpan {
			f.regularValue += value
		}
	})
	// The most payees paid on one day: outflows by day, then payee.
	slices.SortFunc(s.outs, func(a, b party) int {
		if c := cmp.Compare(a.t/86400, b.t/86400); c != 0 {
			return c
		}
		return cmp.Compare(a.acct, b.acct)
	})
	for i, n := 0, 0; i < len(s.outs); i++ {
		o := s.outs[i]
		if i == 0 || o.t/86400 != s.outs[i-1].t/86400 {
			n = 0
		}
		if i == 0 || o.acct != s.outs[i-1].acct || o.t/86400 != s.outs[i-1].t/86400 {
			n++
		}
		f.maxPayeesDay = max(f.maxPayeesDay, n)
	}
}

// eachGroup calls fn for each run of one counterpart in a sorted list.
func eachGroup(ps []party, fn func([]party)) {
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j].acct == ps[i].acct {
			j++
		}
		fn(ps[i:j])
		i = j
	}
}

// countEpisodes counts a counterpart's episodes: payments closer than
// episodeGap are one. g is in time order.
func countEpisodes(g []party) int {
	n := 1
	for i := 1; i < len(g); i++ {
		if g[i].t-g[i-1].t > episodeGap {
			n++
		}
	}
	return n
}

// countDays counts the distinct days of a counterpart's payments and
// sums their value; g is in time order.
func countDays(g []party) (int, float64) {
	n, v := 1, g[0].amt
	for i := 1; i < len(g); i++ {
		if g[i].t/86400 != g[i-1].t/86400 {
			n++
		}
		v += g[i].amt
	}
	return n, v
}

// dwellFigures are the figures a reason quotes about the money that left:
// the dwell by which half of it had left (value-weighted median), the
// dwell by which 95% of it had left (capped at the window: a few late
// crumbs of a lot should not say "within 7 h" of money gone in minutes),
// and the value that left within that.
func dwellFigures(ps []piece, window int64) (median, within int64, value float64) {
	if len(ps) == 0 {
		return 0, 0, 0
	}
	slices.SortFunc(ps, func(a, b piece) int { return cmp.Compare(a.dwell, b.dwell) })
	total := 0.0
	for _, p := range ps {
		total += p.amt
	}
	median, within = -1, -1
	acc := 0.0
	for _, p := range ps {
		acc += p.amt
		if median < 0 && acc >= total/2 {
			median = p.dwell
		}
		if within < 0 && acc >= 0.95*total {
			within = p.dwell
		}
	}
	if within < 0 || within > window {
		within = window
	}
	for _, p := range ps {
		if p.dwell <= within {
			value += p.amt
		}
	}
	return max(median, 0), within, value
}

// primaryAsset is the asset of most of an account's inflows; ties go to
// the one seen first. An address that receives USDT and a little TRX for
// fees is scored on its USDT.
func (l *Ledger) primaryAsset(evs []event) (uint32, bool) {
	var assets [4]struct {
		asset uint32
		n     int
	}
	used := 0
	best, bestN := uint32(0), 0
	for _, e := range evs {
		if e.out {
			continue
		}
		as := l.tx[e.tx].asset
		i := 0
		for i < used && assets[i].asset != as {
			i++
		}
		if i == used {
			if used == len(assets) {
				continue // a fifth asset: rare, and not the main one
			}
			assets[i].asset = as
			used++
		}
		assets[i].n++
		if assets[i].n > bestN {
			best, bestN = as, assets[i].n
		}
	}
	return best, bestN > 0
}

// suspect measures a flagged account again and writes its reasons.
func (d *muleRun) suspect(s *scratch, a uint32, score float32) MuleSuspect {
	l := d.l
	ac := &l.accts[a]
	p := &d.prof[a]
	out := MuleSuspect{Indicator: ac.ind, Score: min(100, int(math.Round(float64(score)))), Institution: l.strs[ac.inst],
		FirstSeen: time.Unix(ac.first, 0).UTC(), LastSeen: time.Unix(min(ac.last, d.asOf), 0).UTC()}
	add := func(sig, reason string) {
		out.Signals = append(out.Signals, sig)
		out.Reasons = append(out.Reasons, reason)
	}
	if p.known {
		e := l.entityOf(a)
		reason := "attributed as " + e.typ + " " + e.name
		if e.source != "" {
			reason += " by " + e.source
		}
		add(SignalAttributed, reason)
	}
	f, ok := d.measure(s, a)
	if !ok {
		return out
	}
	asset := l.strs[f.asset]
	if p.pass > 0 {
		r := fmt.Sprintf("received %s from %d payer%s in %s; %.0f%% left within %s (median %s) to %d account%s",
			figure(f.in, asset), f.payers, plural(f.payers), span(f.lastIn-f.firstIn), 100*f.leftWithin/f.in, dwell(f.within), dwell(f.median), f.payees, plural(f.payees))
		if keep := f.in - f.consumed; keep >= 0.01*f.in {
			r += fmt.Sprintf("; %s (%.0f%%) stayed", figure(keep, asset), 100*keep/f.in)
		}
		add(SignalPassThrough, r)
		if p.breadth > 0 {
			var parts []string
			if f.strangers > 0 {
				parts = append(parts, fmt.Sprintf("%d of %d payers strangers (paid once, never paid back), %.0f%% of the value", f.strangers, f.payers, 100*f.strangerValue/f.in))
			}
			if f.split > 0 {
				parts = append(parts, fmt.Sprintf("%.0f%% of what it received came from them and left within %s to %d people's account%s that passed it on in turn", 100*f.strangerFast/f.in, dwell(d.window), f.split, plural(f.split)))
			}
			add(SignalFanInOut, strings.Join(parts, "; "))
		}
		if p.cashOut > 0 {
			add(SignalCashOut, fmt.Sprintf("%.0f%% of what it received left within %s to %s", 100*f.cashOut/f.in, dwell(d.window), strings.Join(f.exits, " and ")))
		}
		if p.wake > 0 {
			if f.gapAfterPrior {
				add(SignalWakeUp, fmt.Sprintf("account dormant %s before the burst", span(f.gap)))
			} else {
				add(SignalWakeUp, fmt.Sprintf("account new: first seen %s after the ledger starts", span(f.gap)))
			}
		}
	}
	if f.reported > 0 || f.victimPayers > 0 {
		var parts []string
		if f.reported > 0 {
			parts = append(parts, fmt.Sprintf("named as payee in %d victim report payment%s", f.reported, plural(f.reported)))
		}
		if f.victimPayers > 0 {
			parts = append(parts, fmt.Sprintf("received %s from %d reported victim%s", figure(f.victimValue, asset), f.victimPayers, plural(f.victimPayers)))
		}
		add(SignalVictimFunds, strings.Join(parts, "; "))
	}
	if lf := d.link[a]; lf != nil && lf.score > 0 {
		from := fmt.Sprintf("%d suspected mule%s", lf.origins, plural(lf.origins))
		if len(lf.desks) > 0 {
			from = fmt.Sprintf("OTC desk %s, paying out for %s", strings.Join(lf.desks, " and "), from)
		}
		got := fmt.Sprintf("received %s (%.0f%% of its inflow) from %s", figure(lf.in, asset), 100*lf.share, from)
		switch {
		case lf.collector() && lf.toExchange >= lf.kept:
			add(SignalConsolidation, fmt.Sprintf("%s; paid %.0f%% of it to exchanges", got, 100*lf.toExchange/lf.in))
		case lf.collector():
			add(SignalConsolidation, fmt.Sprintf("%s; still holds %.0f%% of it", got, 100*lf.kept/lf.in))
		default:
			add(SignalMuleLink, fmt.Sprintf("%s; %.0f%% of it left within %s", got, 100*lf.fast/lf.in, dwell(d.window)))
		}
	}
	return out
}

// float is the transfer's amount as a float, for scoring; the ledger keeps
// it exact.
func (r *txRec) float() float64 {
	return (float64(r.hi)*0x1p64 + float64(r.lo)) / pow10[r.prec]
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20}

// ramp is 0 up to lo, 1 from hi, linear between.
func ramp(x, lo, hi float64) float64 {
	switch {
	case x <= lo:
		return 0
	case x >= hi:
		return 1
	}
	return (x - lo) / (hi - lo)
}

// figure writes an amount for a reason: "182,400.00 CNY", "1.5 ETH".
func figure(v float64, asset string) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if !fiat[asset] && asset != "USDT" && asset != "USDC" {
		s = strconv.FormatFloat(v, 'f', -1, 64)
		if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i > 9 {
			s = strconv.FormatFloat(v, 'f', 8, 64)
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String() + " " + asset
}

// dwell writes a short duration: "45 s", "18 min", "2 h 10 min", "3 days 4 h".
func dwell(sec int64) string {
	switch {
	case sec < 60:
		return fmt.Sprintf("%d s", sec)
	case sec < 3600:
		return fmt.Sprintf("%d min", sec/60)
	case sec < 86400:
		if m := sec % 3600 / 60; m > 0 {
			return fmt.Sprintf("%d h %d min", sec/3600, m)
		}
		return fmt.Sprintf("%d h", sec/3600)
	}
	if h := sec % 86400 / 3600; h > 0 {
		return fmt.Sprintf("%d day%s %d h", sec/86400, plural(int(sec/86400)), h)
	}
	return fmt.Sprintf("%d day%s", sec/86400, plural(int(sec/86400)))
}

// span writes a period in whole days, rounding up: "3 days", "1 day".
func span(sec int64) string {
	if sec < 86400 {
		return dwell(sec)
	}
	days := (sec + 86399) / 86400
	return fmt.Sprintf("%d day%s", days, plural(int(days)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// VictimEvidence is what victim reports say about accounts: whom victims
// paid from, and whom they paid.
type VictimEvidence struct {
	Victims []indicator.Indicator // payer accounts of victims
	Payees  []indicator.Indicator // the accounts they paid, once per payment
}

// ReadVictims reads victim evidence for mule detection from r. Reports
// (FORMATS.md `report`, NDJSON or a JSON array) give both lists from their
// payments; a CSV with a header gives victims from a from, account, value
// or victim column and payees from a to column; anything else is read as
// a list of victim payer accounts, one a line ('#' starts a comment). An
// account is read as a bank account or card, else as a chain address or
// whatever identifier it looks like. Bad lines are counted, not fatal.
func ReadVictims(r io.Reader, f records.Format, opts indicator.Options) (VictimEvidence, records.Summary, error) {
	var ev VictimEvidence
	var sum records.Summary
	if f == records.NDJSON || f == records.JSON {
		return readVictimReports(r, f, opts)
	}
	raw, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil {
		return ev, sum, err
	}
	text := strings.TrimPrefix(string(raw), "\ufeff")
	firstLine, _, _ := strings.Cut(text, "\n")
	if cols := headerColumns(firstLine); cols != nil {
		return readVictimCSV(text, cols, opts)
	}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ind, err := parseAnyAccount("", line, opts)
		if err != nil {
			sum.Reject(&records.LineError{Line: i + 1, Reason: err.Error()})
			continue
		}
		ev.Victims = append(ev.Victims, ind)
		sum.Accepted++
	}
	return ev, sum, nil
}

// headerColumns returns a CSV header's lower-case columns when the line is
// one naming an account column, else nil.
func headerColumns(line string) map[string]int {
	if !strings.Contains(line, ",") && !strings.EqualFold(strings.TrimSpace(line), "account") {
		return nil
	}
	rec, err := csv.NewReader(strings.NewReader(line)).Read()
	if err != nil {
		return nil
	}
	cols := map[string]int{}
	for i, c := range rec {
		cols[strings.ToLower(strings.TrimSpace(c))] = i
	}
	for _, want := range []string{"from", "to", "account", "value", "victim"} {
		if _, ok := cols[want]; ok {
			return cols
		}
	}
	return nil
}

func readVictimCSV(text string, cols map[string]int, opts indicator.Options) (VictimEvidence, records.Summary, error) {
	var ev VictimEvidence
	var sum records.Summary
	rd := csv.NewReader(strings.NewReader(text))
	rd.FieldsPerRecord = -1
	if _, err := rd.Read(); err != nil {
		return ev, sum, fmt.Errorf("victims CSV header: %w", err)
	}
	victimCol := -1
	for _, c := range []string{"from", "account", "value", "victim"} {
		if i, ok := cols[c]; ok {
			victimCol = i
			break
		}
	}
	toCol, hasTo := cols["to"]
	railCol, hasRail := cols["rail"]
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			return ev, sum, nil
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return ev, sum, fmt.Errorf("victims CSV line %d: %w", pe.Line, pe.Err)
			}
			return ev, sum, err
		}
		get := func(i int) string {
			if i >= 0 && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rail := ""
		if hasRail {
			rail = get(railCol)
		}
		bad := false
		if v := get(victimCol); v != "" {
			ind, err := parseAnyAccount(rail, v, opts)
			if err != nil {
				sum.Reject(&records.LineError{Line: line, Field: "from", Reason: err.Error()})
				bad = true
			} else {
				ev.Victims = append(ev.Victims, ind)
			}
		}
		if v := get(toCol); hasTo && v != "" && !bad {
			ind, err := parseAnyAccount(rail, v, opts)
			if err != nil {
				sum.Reject(&records.LineError{Line: line, Field: "to", Reason: err.Error()})
				bad = true
			} else {
				ev.Payees = append(ev.Payees, ind)
			}
		}
		if !bad {
			sum.Accepted++
		}
	}
}

// readVictimReports takes the payments of victim reports: `from` is the
// victim's account, `to` the first-layer mule's.
func readVictimReports(r io.Reader, f records.Format, opts indicator.Options) (VictimEvidence, records.Summary, error) {
	var ev VictimEvidence
	var sum records.Summary
	rd, err := records.NewReader(r, f)
	if err != nil {
		return ev, sum, err
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return ev, sum, nil
		}
		var le *records.LineError
		if errors.As(err, &le) {
			sum.Reject(le)
			continue
		}
		if err != nil {
			return ev, sum, err
		}
		var pays []struct {
			Rail string `json:"rail"`
			From string `json:"from"`
			To   string `json:"to"`
		}
		if raw := row.Get("payments"); raw != "" {
			if err := json.Unmarshal([]byte(raw), &pays); err != nil {
				sum.Reject(row.Errorf("payments", "not a list of payments: %v", err))
				continue
			}
		}
		var victims, payees []indicator.Indicator
		var bad *records.LineError
		for i, p := range pays {
			if p.From != "" {
				ind, err := parseAnyAccount(p.Rail, p.From, opts)
				if err != nil {
					bad = row.Errorf(fmt.Sprintf("payments[%d].from", i), "%v", err)
					break
				}
				victims = append(victims, ind)
			}
			if p.To != "" {
				ind, err := parseAnyAccount(p.Rail, p.To, opts)
				if err != nil {
					bad = row.Errorf(fmt.Sprintf("payments[%d].to", i), "%v", err)
					break
				}
				payees = append(payees, ind)
			}
		}
		if bad != nil {
			sum.Reject(bad)
			continue
		}
		ev.Victims = append(ev.Victims, victims...)
		ev.Payees = append(ev.Payees, payees...)
		sum.Accepted++
	}
}

// parseAnyAccount reads an account as the rail writes it; without a rail,
// as a bank account or card when it is one, else as a chain address or
// other identifier.
func parseAnyAccount(rail, s string, opts indicator.Options) (indicator.Indicator, error) {
	if rail != "" {
		r, err := ParseRail(rail)
		if err != nil {
			return indicator.Indicator{}, err
		}
		return ParseAccount(r, s, opts)
	}
	if ind, err := opts.Detect(s); err == nil {
		switch ind.Kind() {
		case indicator.Card, indicator.BankAccount, indicator.Phone:
			// digits: read as the bank rail does, below
		default:
			return ind, nil
		}
	}
	return ParseAccount(Bank, s, opts)
}

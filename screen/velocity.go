package screen

import (
	"sort"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

// Velocity keeps, in memory, what each account paid and received over the
// last week (and daily totals for a month), so that a payment is judged
// against its payer's and payee's recent behaviour: a burst of payments, a
// payee that many strangers started paying today, money that leaves a
// payee as soon as it lands. It learns only from payments it is shown, in
// time order, so a decision sees only the past, as it would live.
//
// It is not safe for concurrent use; the Engine serialises access.
type Velocity struct {
	ids    map[indicator.Indicator]uint32
	accts  []acct
	pairs  map[uint64]struct{} // payer<<32|payee pairs seen: "first payment to this payee"
	seen   []uint32            // scratch for distinct counts
	window int64               // PassThroughWindow in seconds
}

// Windows of the aggregates.
const (
	hour = int64(3600)
	day  = 24 * hour
	week = 7 * day
	// PassThroughWindow is how soon money must leave a payee after
	// arriving to count as passed through: mules forward within minutes to
	// a few hours, people spend over days.
	PassThroughWindow = 6 * time.Hour
	// maxDistinct caps distinct-counterparty counts: past it the count
	// means "very many" and is not worth a longer scan.
	maxDistinct = 64
)

// flow is one payment in or out of an account. cum is the running total
// of amounts through this one, so a window's sum is a subtraction.
type flow struct {
	t     int64
	amt   float64
	cum   float64
	peer  uint32
	first bool    // the payer's first payment to this payee
	fast  float64 // out: how much of it arrived within PassThroughWindow before
	fcum  float64
}

type acct struct {
	first int64
	in    []flow
	out   []flow
	// Outflow per day for 30 days: day numbers and sums, indexed day%32.
	dayNo  [32]int32
	daySum [32]float64
	dayMax [32]float64
}

// NewVelocity returns empty aggregates.
func NewVelocity() *Velocity {
	return &Velocity{
		ids:    make(map[indicator.Indicator]uint32),
		pairs:  make(map[uint64]struct{}),
		window: int64(PassThroughWindow / time.Second),
	}
}

// Accounts is how many accounts the aggregates know.
func (v *Velocity) Accounts() int { return len(v.accts) }

func (v *Velocity) lookup(ind indicator.Indicator) (uint32, bool) {
	id, ok := v.ids[ind]
	return id, ok
}

func (v *Velocity) intern(ind indicator.Indicator, t int64) uint32 {
	if id, ok := v.ids[ind]; ok {
		return id
	}
	id := uint32(len(v.accts))
	v.ids[ind] = id
	v.accts = append(v.accts, acct{first: t})
	return id
}

// Record adds a payment that has happened (after it was decided, or one
// that was never screened, like an incoming salary).
func (v *Velocity) Record(from, to indicator.Indicator, at time.Time, amount float64) {
	t := at.Unix()
	a, b := v.intern(from, t), v.intern(to, t)
	key := uint64(a)<<32 | uint64(b)
	_, seen := v.pairs[key]
	if !seen {
		v.pairs[key] = struct{}{}
	}
	pa, pb := &v.accts[a], &v.accts[b]
	// What leaves counts as passed through up to what arrived in the
	// window before it: a mule forwarding a payment at once passes all of
	// it, a shop sweeping its day's takings in the evening only the last
	// hours' share.
	recent, _ := sum(span(pa.in, t-v.window, t))
	pa.out = appendFlow(prune(pa.out, t), flow{t: t, amt: amount, peer: b, first: !seen, fast: min(amount, recent)})
	pb.in = appendFlow(prune(pb.in, t), flow{t: t, amt: amount, peer: a, first: !seen})
	d := int32(t / day)
	k := d % 32
	if pa.dayNo[k] != d {
		pa.dayNo[k], pa.daySum[k], pa.dayMax[k] = d, 0, 0
	}
	pa.daySum[k] += amount
	pa.dayMax[k] = max(pa.dayMax[k], amount)
}

func appendFlow(fs []flow, f flow) []flow {
	if n := len(fs); n > 0 {
		f.cum, f.fcum = fs[n-1].cum, fs[n-1].fcum
	}
	f.cum += f.amt
	f.fcum += f.fast
	return append(fs, f)
}

// prune drops flows older than a week before t, moving the rest down when
// more than half the slice is dead so memory stays bounded.
func prune(fs []flow, t int64) []flow {
	i := 0
	for i < len(fs) && fs[i].t < t-week {
		i++
	}
	if i == 0 {
		return fs
	}
	if i > len(fs)/2 {
		n := copy(fs, fs[i:])
		return fs[:n]
	}
	return fs[i:]
}

// span returns the flows with from <= t <= to.
func span(fs []flow, from, to int64) []flow {
	lo := sort.Search(len(fs), func(i int) bool { return fs[i].t >= from })
	hi := sort.Search(len(fs), func(i int) bool { return fs[i].t > to })
	return fs[lo:hi]
}

// sum is the total amount of a span (and of its fast part).
func sum(fs []flow) (total, fast float64) {
	if len(fs) == 0 {
		return 0, 0
	}
	first, last := fs[0], fs[len(fs)-1]
	return last.cum - first.cum + first.amt, last.fcum - first.fcum + first.fast
}

// distinct counts distinct peers in a span, newest first, up to
// maxDistinct; extra is counted too if it is not among them.
func (v *Velocity) distinct(fs []flow, onlyFirst bool, extra uint32, useExtra bool) int {
	v.seen = v.seen[:0]
	if useExtra {
		v.seen = append(v.seen, extra)
	}
	for i := len(fs) - 1; i >= 0 && len(v.seen) < maxDistinct; i-- {
		if onlyFirst && !fs[i].first {
			continue
		}
		p := fs[i].peer
		dup := false
		for _, s := range v.seen {
			if s == p {
				dup = true
				break
			}
		}
		if !dup {
			v.seen = append(v.seen, p)
		}
	}
	return len(v.seen)
}

// fill computes the velocity features of a payment from the history
// before it (the payment itself counts where a name says so).
func (v *Velocity) fill(f *Features, from, to indicator.Indicator, at time.Time, amount float64) {
	t := at.Unix()
	f.FirstToPayee = true
	f.PayeePassThrough = 0
	a, okA := v.lookup(from)
	b, okB := v.lookup(to)
	if okA && okB {
		_, seen := v.pairs[uint64(a)<<32|uint64(b)]
		f.FirstToPayee = !seen
	}
	f.PayerCount1h, f.PayerAmount1h = 0, 0
	f.PayerCount24h, f.PayerAmount24h = 0, amount
	f.PayerCount7d, f.PayerAmount7d = 0, 0
	f.PayerAvgDaily30d, f.PayerMax30d, f.PayerIn24h = 0, 0, 0
	f.PayerPayees24h = 1
	f.PayerAgeDays = 0
	if okA {
		pa := &v.accts[a]
		f.PayerAgeDays = float64(t-pa.first) / float64(day)
		h1 := span(pa.out, t-hour, t)
		f.PayerCount1h = len(h1)
		f.PayerAmount1h, _ = sum(h1)
		d1 := span(pa.out, t-day, t)
		f.PayerCount24h = len(d1)
		s, _ := sum(d1)
		f.PayerAmount24h = s + amount
		w := span(pa.out, t-week, t)
		f.PayerCount7d = len(w)
		f.PayerAmount7d, _ = sum(w)
		if okB {
			f.PayerPayees24h = v.distinct(d1, false, b, true)
		} else {
			f.PayerPayees24h = v.distinct(d1, false, 0, false) + 1
		}
		f.PayerIn24h, _ = sum(span(pa.in, t-day, t))
		today := int32(t / day)
		var total float64
		for k := range pa.dayNo {
			if d := pa.dayNo[k]; d > today-30 && d <= today {
				total += pa.daySum[k]
				f.PayerMax30d = max(f.PayerMax30d, pa.dayMax[k])
			}
		}
		days := min(30, max(1, f.PayerAgeDays))
		f.PayerAvgDaily30d = total / days
	}
	f.PayeeAgeDays = 0
	f.PayeeInCount24h, f.PayeeInAmount24h, f.PayeeInAmount7d = 0, 0, 0
	f.PayeePayers24h, f.PayeeNewPayers24h, f.PayeeNewPayers7d = 0, 0, 0
	f.PayeeOutCount24h, f.PayeeOutPayees24h = 0, 0
	if okB {
		pb := &v.accts[b]
		f.PayeeAgeDays = float64(t-pb.first) / float64(day)
		d1 := span(pb.in, t-day, t)
		f.PayeeInCount24h = len(d1)
		f.PayeeInAmount24h, _ = sum(d1)
		f.PayeePayers24h = v.distinct(d1, false, 0, false)
		f.PayeeNewPayers24h = v.distinct(d1, true, 0, false)
		w := span(pb.in, t-week, t)
		f.PayeeInAmount7d, _ = sum(w)
		f.PayeeNewPayers7d = v.distinct(w, true, 0, false)
		o := span(pb.out, t-day, t)
		f.PayeeOutCount24h = len(o)
		f.PayeeOutPayees24h = v.distinct(o, false, 0, false)
		if f.PayeeInAmount7d > 0 {
			_, fast := sum(span(pb.out, t-week, t))
			f.PayeePassThrough = min(1, fast/f.PayeeInAmount7d)
		}
	}
}

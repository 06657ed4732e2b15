package money

import (
	"container/heap"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/quagmt/udecimal"
)

// An OTC desk takes fiat into its bank accounts and pays crypto out of its
// wallets: there is no transfer linking the two, only time and value. The
// desk's book pairs each fiat payment in with the crypto payment out that
// most likely settled it — within a window after it, worth the same at
// the day's rate — and says how sure the pairing is.
type otcBook struct {
	gen   uint64
	match map[uint32]otcMatch // fiat transfer in → crypto transfer out
}

type otcMatch struct {
	out    uint32
	conf   float64
	rate   float64 // fiat per crypto unit
	trades int     // candidate pairs the day's rate was estimated from
	gap    int64   // seconds from fiat in to crypto out
}

// Matching tolerances: the desk's spread and fees put its price within a
// few percent of the day's rate.
const (
	otcTolerance  = 0.03
	otcCandidates = 64    // crypto payouts considered per fiat payment
	rateBin       = 0.005 // log-width of a rate histogram bin: 0.5%
)

type otcLeg struct {
	tx    uint32
	t     int64
	amt   float64
	asset uint32
}

// otcBookOf returns entity e's book, building it on first use after a
// change to the ledger. The caller holds l.mu for reading.
func (l *Ledger) otcBookOf(e int32, window time.Duration) *otcBook {
	l.otcMu.Lock()
	defer l.otcMu.Unlock()
	if b := l.otc[e]; b != nil && b.gen == l.gen {
		return b
	}
	if l.otc == nil {
		l.otc = map[int32]*otcBook{}
	}
	b := l.buildOTCBook(e, int64(window/time.Second))
	l.otc[e] = b
	return b
}

func (l *Ledger) buildOTCBook(e int32, w int64) *otcBook {
	var ins, outs []otcLeg
	for _, a := range l.entities[e].accts {
		ac := &l.accts[a]
		for x := ac.headIn; x != 0; x = l.nextIn[x-1] {
			r := &l.tx[x-1]
			if !r.rail.Chain() && l.accts[r.from].entity != e {
				ins = append(ins, otcLeg{x - 1, r.t, r.amount().InexactFloat64(), r.asset})
			}
		}
		for x := ac.headOut; x != 0; x = l.nextOut[x-1] {
			r := &l.tx[x-1]
			if r.rail.Chain() && l.accts[r.to].entity != e {
				outs = append(outs, otcLeg{x - 1, r.t, r.amount().InexactFloat64(), r.asset})
			}
		}
	}
	byTime := func(s []otcLeg) {
		sort.Slice(s, func(i, j int) bool { return s[i].t < s[j].t || s[i].t == s[j].t && s[i].tx < s[j].tx })
	}
	byTime(ins)
	byTime(outs)

	// The day's rate per pair of assets: the densest 1.5%-wide band of the
	// ratios of every fiat payment to the crypto payouts after it. True
	// settlements agree on the rate; chance pairings scatter.
	type dayKey struct {
		day      int64
		fiat, cc uint32
	}
	ratios := map[dayKey][]float64{}
	candidates := func(in otcLeg, fn func(otcLeg, int)) {
		lo := sort.Search(len(outs), func(i int) bool { return outs[i].t >= in.t })
		for i, n := lo, 0; i < len(outs) && outs[i].t <= in.t+w && n < otcCandidates; i++ {
			if outs[i].amt > 0 {
				fn(outs[i], i)
				n++
			}
		}
	}
	for _, in := range ins {
		candidates(in, func(o otcLeg, _ int) {
			k := dayKey{in.t / 86400, in.asset, o.asset}
			ratios[k] = append(ratios[k], in.amt/o.amt)
		})
	}
	type dayRate struct {
		rate   float64
		trades int
	}
	rates := map[dayKey]dayRate{}
	for k, rs := range ratios {
		bins := map[int][]float64{}
		for _, r := range rs {
			b := int(math.Floor(math.Log(r) / rateBin))
			bins[b] = append(bins[b], r)
		}
		best, bestN := 0, -1
		for b := range bins {
			n := len(bins[b-1]) + len(bins[b]) + len(bins[b+1])
			if n > bestN || n == bestN && b < best {
				best, bestN = b, n
			}
		}
		band := append(append(append([]float64(nil), bins[best-1]...), bins[best]...), bins[best+1]...)
		sort.Float64s(band)
		rates[k] = dayRate{band[len(band)/2], len(band)}
	}

	// Pair greedily in time order: each payout settles one payment.
	b := &otcBook{gen: l.gen, match: map[uint32]otcMatch{}}
	used := map[int]bool{}
	for _, in := range ins {
		bestI, bestScore := -1, math.Inf(1)
		var best otcMatch
		candidates(in, func(o otcLeg, i int) {
			if used[i] {
				return
			}
			dr, ok := rates[dayKey{in.t / 86400, in.asset, o.asset}]
			if !ok {
				return
			}
			relerr := math.Abs(o.amt*dr.rate-in.amt) / in.amt
			if relerr > otcTolerance {
				return
			}
			gap := o.t - in.t
			score := relerr/otcTolerance + 0.5*float64(gap)/float64(max(w, 1))
			if score < bestScore {
				support := 1.0
				if dr.trades < 3 {
					support = 0.7 // a rate from one or two pairings confirms little
				}
				conf := (1 - 0.5*relerr/otcTolerance) * (1 - 0.5*float64(gap)/float64(max(w, 1))) * support
				bestI, bestScore = i, score
				best = otcMatch{out: o.tx, conf: conf, rate: dr.rate, trades: dr.trades, gap: gap}
			}
		})
		if bestI >= 0 {
			used[bestI] = true
			b.match[in.tx] = best
		}
	}
	return b
}

// crossOTC carries money that reached an OTC desk's fiat account over to
// the crypto payout paired with that payment; unpaired, it stays with the
// desk as a holder.
func (tr *tracer) crossOTC(nd *node, x uint32, amount udecimal.Decimal, conf float64, n int) {
	l := tr.l
	m, ok := l.otcBookOf(l.accts[nd.key.acct].entity, tr.opts.OTCWindow).match[x]
	if !ok || l.tx[m.out].t > tr.asOf {
		nd.taint = nd.taint.Add(amount)
		return
	}
	in, out := &l.tx[x], &l.tx[m.out]
	crypto, err := out.amount().Mul(amount).Div(in.amount())
	if err != nil {
		nd.taint = nd.taint.Add(amount)
		return
	}
	crypto = udecimal.Min(crypto, out.amount())
	fiatAsset, ccAsset := l.strs[in.asset], l.strs[out.asset]
	note := fmt.Sprintf("crossed rails at OTC desk %s: %s %s in, %s %s out %s later at %.4g %s/%s (the day's rate, from %d pairings)",
		nd.entity.name, formatAmount(in.amount(), fiatAsset), fiatAsset, formatAmount(out.amount(), ccAsset), ccAsset,
		time.Duration(m.gap)*time.Second, m.rate, fiatAsset, ccAsset, m.trades)
	cross := &Crossing{Desk: nd.entity.name, Paired: l.idOf(x), In: formatAmount(in.amount(), fiatAsset), InAsset: fiatAsset,
		Rate: m.rate, Trades: m.trades}
	rl := &node{key: nodeKey{out.from, out.asset}, evs: []event{{t: out.t, tx: m.out, out: true}}, hops: n + 1,
		conf: conf * m.conf, since: out.t, relay: &relay{amount: crypto, note: note, crossing: cross}}
	rl.queued = true
	heap.Push(&tr.queue, rl)
}

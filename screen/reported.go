package screen

import (
	"slices"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/registry"
)

// Reported is a RiskSource built from victims' reports alone, for batch
// screening without a registry: an indicator's risk at a time counts only
// the reports filed by then, so a backtest does not learn from reports
// that came after the payment. One report makes the payee a reported scam
// (score 80), two or more confirm it (95).
type Reported struct {
	seen map[indicator.Indicator][]reportMark
}

type reportMark struct {
	at       time.Time
	typology string
}

// NewReported returns an empty report index.
func NewReported() *Reported {
	return &Reported{seen: make(map[indicator.Indicator][]reportMark)}
}

// Add files a report: each payment's payee (parsed on its rail) and each
// contact become known from the report's time. It returns how many
// indicators of the report it could not parse, which are left out.
func (r *Reported) Add(rep registry.Report, opts indicator.Options) (skipped int) {
	mark := reportMark{at: rep.Time, typology: rep.Typology}
	for _, p := range rep.Payments {
		rail, err := money.ParseRail(p.Rail)
		if err != nil {
			rail = money.Bank
		}
		ind, err := money.ParseAccount(rail, p.To, opts)
		if err != nil {
			skipped++
			continue
		}
		r.add(ind, mark)
	}
	for _, c := range rep.Contacts {
		k, err := indicator.ParseKind(c.Kind)
		if err != nil {
			skipped++
			continue
		}
		ind, err := opts.Parse(k, c.Value)
		if err != nil {
			skipped++
			continue
		}
		r.add(ind, mark)
	}
	return skipped
}

func (r *Reported) add(ind indicator.Indicator, m reportMark) {
	ms := r.seen[ind]
	i, _ := slices.BinarySearchFunc(ms, m.at, func(x reportMark, t time.Time) int { return x.at.Compare(t) })
	r.seen[ind] = slices.Insert(ms, i, m)
}

// Risk implements RiskSource.
func (r *Reported) Risk(ind indicator.Indicator, at time.Time) (IndicatorRisk, bool) {
	ms := r.seen[ind]
	n, _ := slices.BinarySearchFunc(ms, at, func(x reportMark, t time.Time) int {
		if x.at.After(t) {
			return 1
		}
		return -1
	})
	if n == 0 {
		return IndicatorRisk{}, false
	}
	risk := IndicatorRisk{Score: 80, Reports: n, Typology: ms[n-1].typology}
	if n >= 2 {
		risk.Score = 95
	}
	return risk, true
}

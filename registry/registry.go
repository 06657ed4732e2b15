package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// Keeper is the storage the registry writes through and rebuilds from;
// store.Store satisfies it. Declaring it here keeps the data flowing one
// way: the store knows the registry's types, the registry knows no SQL.
type Keeper interface {
	AddSignals(ctx context.Context, sigs []Signal, links []Link) (int, error)
	AddReport(ctx context.Context, r Report, inds []indicator.Indicator, sigs []Signal, links []Link) (Report, bool, error)
	SignalsFor(ctx context.Context, ind indicator.Indicator) ([]Signal, error)
	LinksFor(ctx context.Context, ind indicator.Indicator) ([]Link, error)
	EachSignal(ctx context.Context, fn func(Signal) error) error
}

// Registry is the shared picture: it writes signals and reports to the
// store first and then to the in-memory index, so that what a lookup sees
// has always been stored.
type Registry struct {
	keep  Keeper
	index *Index
	Now   func() time.Time // the clock; time.Now unless a test sets it
}

// Open loads every stored signal into a fresh index.
func Open(ctx context.Context, keep Keeper) (*Registry, error) {
	r := &Registry{keep: keep, index: NewIndex(0), Now: time.Now}
	err := keep.EachSignal(ctx, func(s Signal) error {
		r.index.add(s.Indicator, ObsOf(s))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rebuild index from store: %w", err)
	}
	return r, nil
}

// Index is the in-memory index, for lookups.
func (r *Registry) Index() *Index { return r.index }

// Submit stores signals and links, then indexes them. It returns how many
// signals were new; re-sent signals change nothing.
func (r *Registry) Submit(ctx context.Context, sigs []Signal, links []Link) (int, error) {
	if len(sigs) == 0 && len(links) == 0 {
		return 0, nil
	}
	added, err := r.keep.AddSignals(ctx, sigs, links)
	if err != nil {
		return 0, err
	}
	r.index.Add(sigs...)
	return added, nil
}

// File stores a report with the signals and links it yields and indexes
// them. The stored report is returned (the first one, if the ID was sent
// before) with created saying whether this call made it.
func (r *Registry) File(ctx context.Context, rep Report, inds []indicator.Indicator, sigs []Signal, links []Link) (Report, bool, error) {
	stored, created, err := r.keep.AddReport(ctx, rep, inds, sigs, links)
	if err != nil {
		return Report{}, false, err
	}
	if created {
		r.index.Add(sigs...)
	}
	return stored, created, nil
}

// Lookup scores one indicator for a viewer.
func (r *Registry) Lookup(ind indicator.Indicator, viewer auth.Principal) (Summary, bool) {
	return r.index.Lookup(ind, viewer, r.Now().Unix())
}

// Profile is everything a viewer may know about one indicator.
type Profile struct {
	Indicator indicator.Indicator
	Risk      Risk
	Signals   []Signal // visible to the viewer, newest first
	Links     []LinkedIndicator
}

// LinkedIndicator is an indicator seen together with the profiled one.
type LinkedIndicator struct {
	Indicator indicator.Indicator
	Sources   []string // the reports and submissions that link them
	Risk      Summary
}

// Profile reads an indicator's signals and links from the store and keeps
// those the viewer may see. Links pointing at indicators the viewer knows
// nothing about are still shown (the link itself was visible), scored as
// the viewer sees them.
func (r *Registry) Profile(ctx context.Context, ind indicator.Indicator, viewer auth.Principal) (Profile, error) {
	sigs, err := r.keep.SignalsFor(ctx, ind)
	if err != nil {
		return Profile{}, err
	}
	now := r.Now()
	p := Profile{Indicator: ind}
	var obs []Obs
	for i := len(sigs) - 1; i >= 0; i-- {
		o := ObsOf(sigs[i])
		if !o.Visible(viewer) {
			continue
		}
		p.Signals = append(p.Signals, sigs[i])
		obs = append(obs, o)
	}
	p.Risk = Assess(ind.Kind(), obs, nil, now)
	links, err := r.keep.LinksFor(ctx, ind)
	if err != nil {
		return Profile{}, err
	}
	byOther := map[indicator.Indicator]int{}
	for _, l := range links {
		if !auth.CanSee(viewer, l.OrgID, "", l.TLP) {
			continue
		}
		other := l.A
		if other == ind {
			other = l.B
		}
		i, seen := byOther[other]
		if !seen {
			i = len(p.Links)
			byOther[other] = i
			s, _ := r.index.Lookup(other, viewer, now.Unix())
			p.Links = append(p.Links, LinkedIndicator{Indicator: other, Risk: s})
		}
		p.Links[i].Sources = append(p.Links[i].Sources, l.Source)
	}
	return p, nil
}

// Signals returns every stored signal about ind, whoever may see it: for
// the visibility explanation only, which applies the rule itself.
func (r *Registry) Signals(ctx context.Context, ind indicator.Indicator) ([]Signal, error) {
	return r.keep.SignalsFor(ctx, ind)
}

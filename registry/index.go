package registry

import (
	"encoding/binary"
	"slices"
	"sync"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// Index answers lookups from memory. It is rebuilt from the store at start
// and updated after every write; the store stays the source of truth, so the
// Index never has to be saved.
type Index struct {
	mu      sync.RWMutex
	signals map[indicator.Indicator][]Obs
	// public maps the first 20 bits of an indicator's SHA-256 to the
	// indicators with at least one CLEAR signal: the only ones the public
	// range API may answer for.
	public map[uint32][]indicator.Indicator
	count  int
}

// NewIndex returns an empty index sized for about n indicators.
func NewIndex(n int) *Index {
	return &Index{
		signals: make(map[indicator.Indicator][]Obs, n),
		public:  map[uint32][]indicator.Indicator{},
	}
}

// Add puts signals into the index; a signal already there (same ID) is
// ignored, so replaying the store or a re-sent batch is harmless.
func (x *Index) Add(sigs ...Signal) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, s := range sigs {
		x.add(s.Indicator, ObsOf(s))
	}
}

// AddObs puts one reduced signal into the index (for bulk loads that have
// already reduced their signals).
func (x *Index) AddObs(ind indicator.Indicator, o Obs) {
	x.mu.Lock()
	x.add(ind, o)
	x.mu.Unlock()
}

func (x *Index) add(ind indicator.Indicator, o Obs) {
	list := x.signals[ind]
	for _, have := range list {
		if have.ID == o.ID {
			return
		}
	}
	wasPublic := hasClear(list)
	x.signals[ind] = append(list, o)
	x.count++
	if !wasPublic && o.TLPOf() == auth.TLPClear {
		p := HashPrefix(ind.Hash())
		x.public[p] = append(x.public[p], ind)
	}
}

func hasClear(list []Obs) bool {
	for _, o := range list {
		if o.TLPOf() == auth.TLPClear {
			return true
		}
	}
	return false
}

// HashPrefix is the first 20 bits (5 hex digits) of a SHA-256.
func HashPrefix(h [32]byte) uint32 { return binary.BigEndian.Uint32(h[:4]) >> 12 }

// Len returns how many indicators and signals the index holds.
func (x *Index) Len() (indicators, signals int) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.signals), x.count
}

// Lookup scores one indicator as viewer sees it at now. found is false when
// the registry holds no signal the viewer may see. It does not allocate.
func (x *Index) Lookup(ind indicator.Indicator, viewer auth.Principal, now int64) (s Summary, found bool) {
	x.mu.RLock()
	list := x.signals[ind]
	x.mu.RUnlock()
	if len(list) == 0 {
		return Summary{}, false
	}
	// Obs are never modified once appended, so reading list outside the lock
	// is safe: a concurrent append copies or writes past len(list).
	s = Summarize(ind.Kind(), list, func(o Obs) bool { return visibleTo(viewer, o) }, now)
	return s, s.Signals+s.Expired > 0
}

// Obs returns a copy of the reduced signals about ind (for profiles).
func (x *Index) Obs(ind indicator.Indicator) []Obs {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.signals[ind])
}

// PublicRange is one answer of the privacy-preserving range lookup.
type PublicRange struct {
	Indicator indicator.Indicator
	Summary   Summary
}

// Range returns the indicators whose SHA-256 starts with the 20-bit prefix
// and that the public may know about, scored on their CLEAR signals only.
func (x *Index) Range(prefix uint32, now time.Time) []PublicRange {
	x.mu.RLock()
	inds := slices.Clone(x.public[prefix])
	x.mu.RUnlock()
	out := make([]PublicRange, 0, len(inds))
	for _, ind := range inds {
		s, ok := x.Lookup(ind, PublicViewer, now.Unix())
		if ok && s.Signals > 0 {
			out = append(out, PublicRange{ind, s})
		}
	}
	return out
}

// PublicViewer is the principal of the public portal.
var PublicViewer = auth.Principal{Org: auth.Org{Sector: auth.Public}}

func visibleTo(viewer auth.Principal, o Obs) bool { return o.Visible(viewer) }

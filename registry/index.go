package registry

import (
	"encoding/binary"
	"hash/maphash"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// Index answers lookups from memory. It is rebuilt from the store at start
// and updated after every write; the store stays the source of truth, so the
// Index never has to be saved.
//
// It is an open-addressing hash table of 64-byte slots, one cache line
// each: the two 64-bit keyed hashes of the indicator and, inline, its first
// signal. A lookup of an indicator with one signal costs one memory access,
// which is what makes millions of lookups a second possible on one core.
// The second hash stands in for comparing strings: with secret per-process
// seeds, two indicators share both hashes with probability 2^-128.
type Index struct {
	mu    sync.RWMutex
	slots []slot
	more  [][]Obs // all the signals of indicators with more than one
	used  int     // occupied slots (= indicators)
	count int     // signals
	// public maps the first 20 bits of an indicator's SHA-256 to the
	// indicators with at least one CLEAR signal: the only ones the public
	// range API may answer for.
	public map[uint32][]indicator.Indicator
	// mapped tells the cleanup which table to unmap when the Index goes.
	mapped *mapping
}

type mapping struct{ slots []slot }

type slot struct {
	h1, h2 uint64 // h1 == 0: empty
	first  Obs    // the only signal, while extra == 0
	extra  uint32 // 1 + index into more, when the indicator has several
	_      [12]byte
}

var seed1, seed2 = maphash.MakeSeed(), maphash.MakeSeed()

// keyOf hashes an indicator into the two 64-bit keys the table stores.
func keyOf(ind indicator.Indicator) (uint64, uint64) {
	k := uint64(ind.Kind())
	h1 := maphash.String(seed1, ind.Value()) ^ k*0x9e3779b97f4a7c15
	h2 := maphash.String(seed2, ind.Value()) ^ k*0xc2b2ae3d27d4eb4f
	return h1 | 1, h2 // h1 is never 0, the empty mark
}

// NewIndex returns an empty index sized for about n indicators.
func NewIndex(n int) *Index {
	size := 1024
	for size*3/4 < n {
		size *= 2
	}
	x := &Index{slots: allocSlots(size), more: [][]Obs{}, public: map[uint32][]indicator.Indicator{}}
	x.mapped = &mapping{x.slots}
	runtime.AddCleanup(x, func(m *mapping) { freeSlots(m.slots) }, x.mapped)
	return x
}

// find returns the slot of (h1,h2) or the empty slot where it would go.
func (x *Index) find(h1, h2 uint64) *slot {
	mask := uint64(len(x.slots) - 1)
	for i := h1 & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.h1 == 0 || (s.h1 == h1 && s.h2 == h2) {
			return s
		}
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

func (x *Index) add(ind indicator.Indicator, o Obs) {
	if (x.used+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	h1, h2 := keyOf(ind)
	s := x.find(h1, h2)
	wasPublic := false
	switch {
	case s.h1 == 0:
		*s = slot{h1: h1, h2: h2, first: o}
		x.used++
	case s.extra == 0:
		if s.first.ID == o.ID {
			return
		}
		wasPublic = s.first.TLPOf() == auth.TLPClear
		x.more = append(x.more, []Obs{s.first, o})
		s.extra = uint32(len(x.more))
	default:
		list := x.more[s.extra-1]
		for _, have := range list {
			if have.ID == o.ID {
				return
			}
		}
		wasPublic = hasClear(list)
		x.more[s.extra-1] = append(list, o)
	}
	x.count++
	if !wasPublic && o.TLPOf() == auth.TLPClear {
		p := HashPrefix(ind.Hash())
		x.public[p] = append(x.public[p], ind)
	}
}

// grow doubles the table; writers hold the lock, so readers wait.
func (x *Index) grow() {
	old := x.slots
	x.slots = allocSlots(2 * len(old))
	for i := range old {
		if old[i].h1 != 0 {
			*x.find(old[i].h1, old[i].h2) = old[i]
		}
	}
	x.mapped.slots = x.slots
	freeSlots(old) // readers copy what they need under the lock, so none holds old now
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
	return x.used, x.count
}

// signalsOf returns the signals held by a slot, copying a lone inline one
// into one so the caller can read it after releasing the lock. A list in
// more is only ever appended to, so the prefix returned stays valid too.
// x.mu must be held.
func (x *Index) signalsOf(sl *slot, one *[1]Obs) []Obs {
	switch {
	case sl.h1 == 0:
		return nil
	case sl.extra == 0:
		one[0] = sl.first
		return one[:]
	}
	return x.more[sl.extra-1]
}

// Lookup scores one indicator as viewer sees it at now. found is false when
// the registry holds no signal the viewer may see. It does not allocate.
func (x *Index) Lookup(ind indicator.Indicator, viewer auth.Principal, now int64) (s Summary, found bool) {
	h1, h2 := keyOf(ind)
	var one [1]Obs
	x.mu.RLock()
	list := x.signalsOf(x.find(h1, h2), &one)
	x.mu.RUnlock()
	if len(list) == 0 {
		return Summary{}, false
	}
	s = Summarize(ind.Kind(), list, func(o Obs) bool { return o.Visible(viewer) }, now)
	return s, s.Signals+s.Expired > 0
}

// Result is one answer of LookupMany.
type Result struct {
	Summary Summary
	Found   bool
}

// lookupGroup is how many slots LookupMany fetches at once: enough
// independent memory reads in flight to hide most of their latency.
const lookupGroup = 16

// LookupMany scores many indicators for one viewer into out (which must be
// as long as inds). It gives the same answers as Lookup, faster: it first
// touches the slots of a group of indicators with independent reads, so the
// processor overlaps their cache misses, then scores each from cache.
func (x *Index) LookupMany(inds []indicator.Indicator, viewer auth.Principal, now int64, out []Result) {
	var h1s, h2s [lookupGroup]uint64
	var lists [lookupGroup][]Obs
	var ones [lookupGroup][1]Obs
	for lo := 0; lo < len(inds); lo += lookupGroup {
		group := inds[lo:min(lo+lookupGroup, len(inds))]
		for i, ind := range group {
			h1s[i], h2s[i] = keyOf(ind)
		}
		x.mu.RLock()
		mask := uint64(len(x.slots) - 1)
		var touch uint64
		for i := range group {
			touch += x.slots[h1s[i]&mask].h1
		}
		sink.Store(touch)
		for i := range group {
			lists[i] = x.signalsOf(x.find(h1s[i], h2s[i]), &ones[i])
		}
		x.mu.RUnlock()
		for i, ind := range group {
			if len(lists[i]) == 0 {
				out[lo+i] = Result{}
				continue
			}
			sum := Summarize(ind.Kind(), lists[i], func(o Obs) bool { return o.Visible(viewer) }, now)
			out[lo+i] = Result{sum, sum.Signals+sum.Expired > 0}
		}
	}
}

// sink keeps the slot-touching reads of LookupMany from being optimised away.
var sink atomic.Uint64

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

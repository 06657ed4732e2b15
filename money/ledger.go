package money

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/indicator"
)

// Ledger holds transfers of every rail in memory, indexed for tracing and
// mule detection: each account's transfers in and out, each entity's
// accounts. Tens of millions of transfers fit: a transfer is a fixed-size
// record without pointers (the garbage collector never scans them), and
// the lists of an account's transfers are chains through two arrays, so
// adding a transfer is O(1) and needs no rebuild. Re-sent transfers (same
// id) are ignored. A Ledger is safe for concurrent use.
type Ledger struct {
	mu sync.RWMutex

	tx      []txRec
	nextOut []uint32 // per transfer: the previous transfer out of the same account, +1
	nextIn  []uint32
	ids     []byte            // every id, one after another
	idEnd   []uint32          // per transfer: where its id ends in ids
	byID    map[uint64]uint32 // id hash → transfer; collisions in byIDx
	byIDx   map[string]uint32

	accts []account
	// Accounts are found by a 64-bit hash of the account: a map of small
	// fixed-size keys stays in cache far better than one keyed by text.
	// The account it names is compared to be sure; the rare collision
	// goes to byAcctX.
	byAcct  map[uint64]uint32
	byAcctX map[indicator.Indicator]uint32

	strs  []string // interned assets, institutions and memos; 0 is ""
	strIx map[string]uint32

	entities []entity
	byEntity map[string]int32

	first, last int64  // Unix seconds of the earliest and latest transfer
	gen         uint64 // bumped by every change, to invalidate caches
	otcMu       sync.Mutex
	otc         map[int32]*otcBook // by entity; built by traces that reach the desk
}

// txRec is one transfer in the ledger.
type txRec struct {
	t        int64 // Unix seconds
	hi, lo   uint64
	from, to uint32
	asset    uint32
	fromInst uint32
	toInst   uint32
	memo     uint32
	prec     uint8
	rail     Rail
}

func (r *txRec) amount() udecimal.Decimal {
	d, _ := udecimal.NewFromHiLo(false, r.hi, r.lo, r.prec)
	return d
}

// account is one account, card, wallet or address.
type account struct {
	ind         indicator.Indicator
	inst        uint32 // the institution that holds it, as last named
	entity      int32  // index in entities, -1 when no attribution names it
	headOut     uint32 // its latest transfer out, +1; 0 = none
	headIn      uint32
	nOut, nIn   uint32
	first, last int64
}

// entity is who controls a set of accounts.
type entity struct {
	name, typ, source string
	accts             []uint32
}

var idSeed = maphash.MakeSeed()

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger {
	return &Ledger{
		byID:     map[uint64]uint32{},
		byIDx:    map[string]uint32{},
		byAcct:   map[uint64]uint32{},
		byAcctX:  map[indicator.Indicator]uint32{},
		strs:     []string{""},
		strIx:    map[string]uint32{"": 0},
		byEntity: map[string]int32{},
	}
}

// Reserve makes room for n more transfers before a bulk load whose size
// is known roughly (from the file's size), so the ledger's arrays are not
// copied again and again as they grow: for ten million transfers that
// copying was a quarter of the load.
func (l *Ledger) Reserve(n int) {
	if n <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tx = slices.Grow(l.tx, n)
	l.nextOut = slices.Grow(l.nextOut, n)
	l.nextIn = slices.Grow(l.nextIn, n)
	l.idEnd = slices.Grow(l.idEnd, n)
	if len(l.byID) == 0 {
		l.byID = make(map[uint64]uint32, n)
	}
}

// Add puts a transfer in the ledger; it reports false when a transfer with
// the same id is there already (a re-sent record).
func (l *Ledger) Add(t Transfer) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.add(t)
}

// AddAll adds transfers under one lock and returns how many were new.
func (l *Ledger) AddAll(ts []Transfer) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, t := range ts {
		if l.add(t) {
			n++
		}
	}
	return n
}

func (l *Ledger) add(t Transfer) bool {
	if _, ok := l.lookupID(t.ID); ok {
		return false
	}
	_, hi, lo, prec, ok := t.Amount.ToHiLo()
	if !ok || !t.Amount.IsPos() {
		return false // ParseAmount refuses these; a hand-made Transfer may not
	}
	i := uint32(len(l.tx))
	h := maphash.String(idSeed, t.ID)
	if _, taken := l.byID[h]; taken {
		l.byIDx[t.ID] = i
	} else {
		l.byID[h] = i
	}
	l.ids = append(l.ids, t.ID...)
	l.idEnd = append(l.idEnd, uint32(len(l.ids)))
	sec := t.Time.Unix()
	from, to := l.acct(t.From, sec), l.acct(t.To, sec)
	r := txRec{t: sec, hi: hi, lo: lo, prec: prec, from: from, to: to, rail: t.Rail, asset: l.intern(t.Asset),
		fromInst: l.intern(t.FromInstitution), toInst: l.intern(t.ToInstitution), memo: l.intern(t.Memo)}
	l.tx = append(l.tx, r)
	fa, ta := &l.accts[from], &l.accts[to]
	l.nextOut = append(l.nextOut, fa.headOut)
	l.nextIn = append(l.nextIn, ta.headIn)
	fa.headOut, ta.headIn = i+1, i+1
	fa.nOut++
	ta.nIn++
	if r.fromInst != 0 {
		fa.inst = r.fromInst
	}
	if r.toInst != 0 {
		ta.inst = r.toInst
	}
	if len(l.tx) == 1 || sec < l.first {
		l.first = sec
	}
	if sec > l.last {
		l.last = sec
	}
	l.gen++
	return true
}

func (l *Ledger) lookupID(id string) (uint32, bool) {
	i, ok := l.byID[maphash.String(idSeed, id)]
	if ok && l.idOf(i) == id {
		return i, true
	}
	i, ok = l.byIDx[id]
	return i, ok
}

func (l *Ledger) idOf(i uint32) string {
	start := uint32(0)
	if i > 0 {
		start = l.idEnd[i-1]
	}
	return string(l.ids[start:l.idEnd[i]])
}

// intern keeps one copy of a repeated string (assets, institutions, memos
// like "工资" or "货款"), cloned: a string parsed from a record shares the
// record's memory, and keeping it would keep the whole record.
func (l *Ledger) intern(s string) uint32 {
	if i, ok := l.strIx[s]; ok {
		return i
	}
	s = strings.Clone(s)
	i := uint32(len(l.strs))
	l.strs = append(l.strs, s)
	l.strIx[s] = i
	return i
}

func (l *Ledger) acct(ind indicator.Indicator, sec int64) uint32 {
	if i, ok := l.account(ind); ok {
		a := &l.accts[i]
		if a.nIn+a.nOut == 0 { // attributed before it had transfers
			a.first, a.last = sec, sec
		}
		a.first, a.last = min(a.first, sec), max(a.last, sec)
		return i
	}
	return l.newAccount(ind, account{entity: -1, first: sec, last: sec})
}

var acctSeed = maphash.MakeSeed()

func acctHash(ind indicator.Indicator) uint64 {
	return maphash.String(acctSeed, ind.Value()) ^ uint64(ind.Kind())*0x9e3779b97f4a7c15
}

// account finds an account's index.
func (l *Ledger) account(ind indicator.Indicator) (uint32, bool) {
	if i, ok := l.byAcct[acctHash(ind)]; ok && l.accts[i].ind == ind {
		return i, true
	}
	i, ok := l.byAcctX[ind]
	return i, ok
}

// newAccount adds an account the ledger does not have.
func (l *Ledger) newAccount(ind indicator.Indicator, a account) uint32 {
	i := uint32(len(l.accts))
	a.ind = indicator.Stored(ind.Kind(), strings.Clone(ind.Value())) // not the record's memory
	l.accts = append(l.accts, a)
	if h := acctHash(ind); l.hasHash(h) {
		l.byAcctX[a.ind] = i
	} else {
		l.byAcct[h] = i
	}
	return i
}

func (l *Ledger) hasHash(h uint64) bool {
	_, taken := l.byAcct[h]
	return taken
}

// Attribute records who controls an account; the account need not have
// transfers yet. A later attribution of the same account wins.
func (l *Ledger) Attribute(a Attribution) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.account(a.Indicator)
	if !ok {
		i = l.newAccount(a.Indicator, account{entity: -1})
	}
	key := a.EntityType + "\x00" + a.Entity
	e, ok := l.byEntity[key]
	if !ok {
		e = int32(len(l.entities))
		l.entities = append(l.entities, entity{name: a.Entity, typ: a.EntityType, source: a.Source})
		l.byEntity[key] = e
	}
	if old := l.accts[i].entity; old >= 0 && old != e {
		accts := l.entities[old].accts
		for j, x := range accts {
			if x == i {
				l.entities[old].accts = append(accts[:j], accts[j+1:]...)
				break
			}
		}
	}
	if l.accts[i].entity != e {
		l.entities[e].accts = append(l.entities[e].accts, i)
	}
	l.accts[i].entity = e
	l.gen++
}

// Stats says what a ledger holds.
type Stats struct {
	Transfers   int       `json:"transfers"`
	Accounts    int       `json:"accounts"`
	Entities    int       `json:"entities"`
	Attributed  int       `json:"attributed"`
	First, Last time.Time `json:"-"`
}

// Stats counts the ledger's transfers, accounts and entities.
func (l *Ledger) Stats() Stats {
	l.mu.RLock()
	defer l.mu.RUnlock()
	s := Stats{Transfers: len(l.tx), Accounts: len(l.accts), Entities: len(l.entities)}
	for _, e := range l.entities {
		s.Attributed += len(e.accts)
	}
	if len(l.tx) > 0 {
		s.First, s.Last = time.Unix(l.first, 0).UTC(), time.Unix(l.last, 0).UTC()
	}
	return s
}

// Transfer returns a transfer by id.
func (l *Ledger) Transfer(id string) (Transfer, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	i, ok := l.lookupID(id)
	if !ok {
		return Transfer{}, false
	}
	return l.transfer(i), true
}

func (l *Ledger) transfer(i uint32) Transfer {
	r := &l.tx[i]
	return Transfer{ID: l.idOf(i), Time: time.Unix(r.t, 0).UTC(), Rail: r.rail, Asset: l.strs[r.asset], Amount: r.amount(),
		From: l.accts[r.from].ind, To: l.accts[r.to].ind, FromInstitution: l.strs[r.fromInst], ToInstitution: l.strs[r.toInst], Memo: l.strs[r.memo]}
}

// Find returns the transfer a victim describes: from payer to payee, of
// this amount, nearest to the time (within a day). A victim report names
// payments by those, not by the bank's reference.
func (l *Ledger) Find(from, to indicator.Indicator, amount udecimal.Decimal, at time.Time) (Transfer, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	fi, ok := l.account(from)
	if !ok {
		return Transfer{}, false
	}
	ti, ok := l.account(to)
	if !ok {
		return Transfer{}, false
	}
	best, bestGap := uint32(0), int64(86400+1)
	found := false
	for x := l.accts[fi].headOut; x != 0; x = l.nextOut[x-1] {
		r := &l.tx[x-1]
		if r.to != ti || !r.amount().Equal(amount) {
			continue
		}
		gap := r.t - at.Unix()
		if gap < 0 {
			gap = -gap
		}
		if gap < bestGap {
			best, bestGap, found = x-1, gap, true
		}
	}
	if !found {
		return Transfer{}, false
	}
	return l.transfer(best), true
}

// event is one transfer seen from one account.
type event struct {
	t   int64
	tx  uint32
	out bool
}

// events lists an account's transfers up to until in time order, ties in
// the order they were added. raw and out are scratch the caller may reuse
// across calls (nil is fine); both are returned grown. Each of the
// account's two chains runs from its latest transfer back, so when
// transfers were added in time order, reversing each and merging the two
// is enough; otherwise it sorts.
func (l *Ledger) events(a uint32, until int64, raw, out []event) (evs, rawBack []event) {
	raw = raw[:0]
	ac := &l.accts[a]
	for x := ac.headOut; x != 0; x = l.nextOut[x-1] {
		if t := l.tx[x-1].t; t <= until {
			raw = append(raw, event{t: t, tx: x - 1, out: true})
		}
	}
	nOut := len(raw)
	for x := ac.headIn; x != 0; x = l.nextIn[x-1] {
		if t := l.tx[x-1].t; t <= until {
			raw = append(raw, event{t: t, tx: x - 1})
		}
	}
	outs, ins := raw[:nOut], raw[nOut:]
	slices.Reverse(outs)
	slices.Reverse(ins)
	evs = out[:0]
	if !slices.IsSortedFunc(outs, byTimeAdded) || !slices.IsSortedFunc(ins, byTimeAdded) {
		evs = append(evs, raw...)
		slices.SortFunc(evs, byTimeAdded)
		return evs, raw
	}
	i, j := 0, 0
	for i < len(outs) && j < len(ins) {
		if byTimeAdded(outs[i], ins[j]) < 0 {
			evs = append(evs, outs[i])
			i++
		} else {
			evs = append(evs, ins[j])
			j++
		}
	}
	evs = append(evs, outs[i:]...)
	return append(evs, ins[j:]...), raw
}

// byTimeAdded orders events by time, then by the order they were added.
func byTimeAdded(a, b event) int {
	if c := cmp.Compare(a.t, b.t); c != 0 {
		return c
	}
	return cmp.Compare(a.tx, b.tx)
}

// entityOf returns the entity controlling an account, or nil.
func (l *Ledger) entityOf(a uint32) *entity {
	if e := l.accts[a].entity; e >= 0 {
		return &l.entities[e]
	}
	return nil
}

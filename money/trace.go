package money

import (
	"container/heap"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/quagmt/udecimal"
)

// Policy is how a trace decides which money leaves an account that holds
// the victim's funds mixed with others'. Courts and laws differ, so every
// trace says which it used.
type Policy uint8

const (
	// FIFO: money leaves in the order it arrived (first in, first out).
	FIFO Policy = iota + 1
	// LIFO: the latest money leaves first; it follows fast pass-through
	// mules most closely.
	LIFO
	// Proportional ("haircut"): every payment out carries the victim's
	// share of the balance at that moment.
	Proportional
)

var policyNames = [...]string{"", "fifo", "lifo", "proportional"}

func (p Policy) String() string {
	if int(p) < len(policyNames) && p != 0 {
		return policyNames[p]
	}
	return "invalid"
}

// ParsePolicy maps "fifo", "lifo" or "proportional" (also "haircut"; "" is
// proportional) to a Policy.
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "fifo":
		return FIFO, nil
	case "lifo":
		return LIFO, nil
	case "proportional", "haircut", "":
		return Proportional, nil
	}
	return 0, fmt.Errorf("unknown allocation policy %q: want fifo, lifo or proportional", s)
}

// TraceOptions tune a trace; the zero value is proportional over the whole
// ledger. Proportional is the default because it never hands the victim's
// money wholly to one path where an account mixed it with other funds: it
// names every account the money reached, which is what freeze and hold
// requests need. On simulated laundering it reaches the true holders of
// 97–100% of payments, FIFO and LIFO 79–92% (TestTraceReachesFinalHolders).
type TraceOptions struct {
	Policy      Policy
	MaxHops     int           // hops followed from the payment; 10
	AsOf        time.Time     // what each holder has at this time; zero = the ledger's last transfer
	OTCWindow   time.Duration // how long after fiat reaches an OTC desk its crypto payout may leave; 2 h
	MinShare    float64       // amounts below this share of the payment are not followed; 0.001
	MaxAccounts int           // accounts a trace may visit; 20,000
}

func (o TraceOptions) withDefaults() TraceOptions {
	if o.Policy == 0 {
		o.Policy = Proportional
	}
	if o.MaxHops <= 0 {
		o.MaxHops = 10
	}
	if o.OTCWindow <= 0 {
		o.OTCWindow = 2 * time.Hour
	}
	if o.MinShare <= 0 {
		o.MinShare = 0.001
	}
	if o.MaxAccounts <= 0 {
		o.MaxAccounts = 20000
	}
	return o
}

// Party is an account as the outputs name it.
type Party struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Hop is one transfer that carried the victim's money.
type Hop struct {
	N          int       `json:"hop"`
	Transfer   string    `json:"transfer"`
	Time       time.Time `json:"time"`
	Rail       string    `json:"rail"`
	From       Party     `json:"from"`
	To         Party     `json:"to"`
	Asset      string    `json:"asset"`
	Amount     string    `json:"amount"` // of the victim's money
	Of         string    `json:"of"`     // the transfer's whole amount
	Confidence float64   `json:"confidence"`
	Note       string    `json:"note,omitempty"`
	Crossing   *Crossing `json:"crossing,omitempty"` // on a payout an OTC desk paired with fiat it took in
}

// Crossing is how a trace crossed rails at an OTC desk: the fiat payment
// in that a crypto payout was paired with, at what rate, and on how much
// evidence the day's rate stands.
type Crossing struct {
	Desk    string  `json:"desk"`
	Paired  string  `json:"paired"` // the fiat transfer into the desk
	In      string  `json:"in"`     // its whole amount
	InAsset string  `json:"in_asset"`
	Rate    float64 `json:"rate"`     // fiat per unit of the payout's asset
	Trades  int     `json:"pairings"` // desk pairings that day the rate was estimated from
}

// Holder is an account holding some of the victim's money at AsOf.
type Holder struct {
	Kind        string    `json:"kind"`
	Value       string    `json:"value"`
	Entity      string    `json:"entity,omitempty"`
	EntityType  string    `json:"entity_type,omitempty"`
	Institution string    `json:"institution,omitempty"` // who can freeze it; "" = nobody known
	Amount      string    `json:"amount"`
	Asset       string    `json:"asset"`
	Since       time.Time `json:"since"` // when the victim's money first reached it
	Hops        int       `json:"hops"`
	Confidence  float64   `json:"confidence"`
	Freezable   bool      `json:"freezable"`
	Why         string    `json:"why"`

	amount udecimal.Decimal // Amount as a number, to sort by
}

// Institution is where freeze and stop-payment requests go: the accounts
// it holds with the victim's money and how much.
type Institution struct {
	Name     string        `json:"name"`
	Accounts []HeldAccount `json:"accounts"`
	Totals   []AssetAmount `json:"totals"`
	amounts  map[string]udecimal.Decimal
}

// HeldAccount is one account at an institution.
type HeldAccount struct {
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	Amount string `json:"amount"`
	Asset  string `json:"asset"`
}

// AssetAmount is an amount of one asset.
type AssetAmount struct {
	Asset  string `json:"asset"`
	Amount string `json:"amount"`
}

// Lost is money the trace cannot follow further, and why.
type Lost struct {
	Reason string `json:"reason"` // cash-out, merchant, mixer, dex, bridge, dust, hop limit, trace limit, no otc payout
	Kind   string `json:"kind,omitempty"`
	Value  string `json:"value,omitempty"`
	Entity string `json:"entity,omitempty"`
	Amount string `json:"amount"`
	Asset  string `json:"asset"`
}

// Trace is where one payment's money went.
type Trace struct {
	Payment      string        `json:"payment"`
	Policy       string        `json:"policy"`
	Time         time.Time     `json:"time"`
	From         Party         `json:"from"`
	To           Party         `json:"to"`
	Amount       string        `json:"amount"`
	Asset        string        `json:"asset"`
	AsOf         time.Time     `json:"as_of"`
	Holders      []Holder      `json:"holders"`
	Hops         []Hop         `json:"hops"`
	Institutions []Institution `json:"institutions"`
	Lost         []Lost        `json:"lost"`
	Accounts     int           `json:"accounts_visited"`
	Truncated    string        `json:"truncated,omitempty"`
}

// ErrNoPayment is returned when the ledger has no transfer with that id.
var ErrNoPayment = fmt.Errorf("no such transfer in the ledger")

// Trace follows one payment forward through the ledger: money leaves an
// account only after it arrived, in amounts the account actually sent,
// allocated by the policy. It crosses from fiat to crypto at OTC desks
// (matching the fiat in to the crypto out by time and value at the day's
// rate), stops at institutions that can freeze, and says what it lost
// from view.
func (l *Ledger) Trace(paymentID string, opts TraceOptions) (*Trace, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	p, ok := l.lookupID(paymentID)
	if !ok {
		return nil, fmt.Errorf("%q: %w", paymentID, ErrNoPayment)
	}
	opts = opts.withDefaults()
	asOf := l.last
	if !opts.AsOf.IsZero() {
		asOf = opts.AsOf.Unix()
	}
	r := &l.tx[p]
	amt := r.amount()
	tr := &tracer{l: l, opts: opts, asOf: asOf, nodes: map[nodeKey]*node{}, taintOf: map[uint32]udecimal.Decimal{},
		dust: amt.Mul(mustDecimal(opts.MinShare)), lost: map[lostKey]udecimal.Decimal{}}
	out := &Trace{Payment: paymentID, Policy: opts.Policy.String(), Time: time.Unix(r.t, 0).UTC(),
		From: l.party(r.from), To: l.party(r.to), Amount: formatAmount(amt, l.strs[r.asset]), Asset: l.strs[r.asset],
		AsOf: time.Unix(asOf, 0).UTC()}
	tr.trace = out
	if r.t > asOf {
		return nil, fmt.Errorf("payment %s was made after the as-of time %s", paymentID, out.AsOf.Format(time.RFC3339))
	}
	tr.send(p, amt, 1, 1, "")
	tr.run()
	tr.finish()
	return out, nil
}

type nodeKey struct{ acct, asset uint32 }

// node is one account's balance in one asset while a trace runs.
type node struct {
	key        nodeKey
	evs        []event
	cur        int
	lots       []lot // FIFO and LIFO
	head       int   // FIFO: first lot still holding money
	bal, taint udecimal.Decimal
	hops       int
	conf       float64
	since      int64
	queued     bool
	sink       string // why the trace stops here: "" = it does not
	entity     *entity
	idx        int    // its place in the queue
	relay      *relay // a crossing between rails, due at its one event
}

// relay carries money across rails at an OTC desk: the crypto payout
// leaves later than the fiat arrived, so it waits in the queue for its time.
type relay struct {
	amount   udecimal.Decimal
	note     string
	crossing *Crossing
}

type lot struct{ amt, taint udecimal.Decimal }

type lostKey struct {
	reason string
	acct   uint32
	asset  uint32
}

type tracer struct {
	l       *Ledger
	opts    TraceOptions
	asOf    int64
	nodes   map[nodeKey]*node
	queue   nodeHeap
	taintOf map[uint32]udecimal.Decimal
	dust    udecimal.Decimal
	lost    map[lostKey]udecimal.Decimal
	trace   *Trace
	limited bool
}

// send moves amount of the victim's money along transfer x, hop n from
// the payment; conf is how sure the trace is that it went this way.
func (tr *tracer) send(x uint32, amount udecimal.Decimal, conf float64, n int, note string) {
	l := tr.l
	r := &l.tx[x]
	tr.taintOf[x] = amount
	if len(tr.trace.Hops) < maxHopsListed {
		tr.trace.Hops = append(tr.trace.Hops, Hop{N: n, Transfer: l.idOf(x), Time: time.Unix(r.t, 0).UTC(), Rail: r.rail.String(),
			From: l.party(r.from), To: l.party(r.to), Asset: l.strs[r.asset], Amount: formatAmount(amount, l.strs[r.asset]),
			Of: formatAmount(r.amount(), l.strs[r.asset]), Confidence: round2(conf), Note: note})
	} else if tr.trace.Truncated == "" {
		tr.trace.Truncated = fmt.Sprintf("only the first %d hops are listed", maxHopsListed)
	}
	key := nodeKey{r.to, r.asset}
	if r.rail == Other {
		tr.lose("cash-out", r.to, r.asset, amount)
		return
	}
	nd := tr.nodes[key]
	if nd == nil {
		if len(tr.nodes) >= tr.opts.MaxAccounts {
			tr.limited = true
			tr.lose("trace limit", r.to, r.asset, amount)
			return
		}
		nd = &node{key: key, hops: n, conf: conf, since: r.t, entity: l.entityOf(r.to)}
		switch {
		case nd.entity != nil && CanFreeze(nd.entity.typ):
			nd.sink = "at " + nd.entity.typ + " " + nd.entity.name + ", which can freeze it"
		case nd.entity != nil && nd.entity.typ == OTC:
			nd.sink = "otc"
		case nd.entity != nil && (nd.entity.typ == Merchant || nd.entity.typ == Mixer || nd.entity.typ == DEX || nd.entity.typ == Bridge):
			tr.nodes[key] = nd
			tr.lose(nd.entity.typ, r.to, r.asset, amount)
			nd.sink = "lost"
			return
		case n > tr.opts.MaxHops:
			nd.sink = fmt.Sprintf("the trace stops after %d hops", tr.opts.MaxHops)
		}
		tr.nodes[key] = nd
		if nd.sink == "" {
			nd.evs = l.eventsOf(r.to, r.asset, tr.asOf)
		}
	}
	switch nd.sink {
	case "":
	case "lost":
		tr.lose(nd.entity.typ, r.to, r.asset, amount)
		return
	case "otc":
		tr.crossOTC(nd, x, amount, conf, n)
		return
	default:
		nd.taint = nd.taint.Add(amount)
		return
	}
	// Bring the account up to this transfer with clean money, then let
	// the queue take it from here.
	tr.advance(nd, x)
	tr.enqueue(nd)
}

// enqueue puts a node in the queue, or moves it to its place there after
// its cursor moved.
func (tr *tracer) enqueue(nd *node) {
	if nd.queued {
		heap.Fix(&tr.queue, nd.idx)
		return
	}
	nd.queued = true
	heap.Push(&tr.queue, nd)
}

// maxHopsListed bounds a trace's hop list; the holders and totals count
// every hop regardless.
const maxHopsListed = 2000

// advance processes a node's events before transfer x as ordinary
// bookkeeping (they carry none of the victim's money out if it has none).
func (tr *tracer) advance(nd *node, x uint32) {
	r := &tr.l.tx[x]
	for nd.cur < len(nd.evs) {
		e := nd.evs[nd.cur]
		if e.t > r.t || e.t == r.t && e.tx >= x {
			return
		}
		tr.step(nd)
	}
}

// step processes a node's next event.
func (tr *tracer) step(nd *node) {
	e := nd.evs[nd.cur]
	nd.cur++
	if nd.relay != nil {
		n := len(tr.trace.Hops)
		tr.send(e.tx, nd.relay.amount, nd.conf, nd.hops, nd.relay.note)
		if len(tr.trace.Hops) > n {
			tr.trace.Hops[n].Crossing = nd.relay.crossing
		}
		return
	}
	r := &tr.l.tx[e.tx]
	amt := r.amount()
	if !e.out {
		t := tr.taintOf[e.tx] // zero unless the victim's money came this way
		if tr.opts.Policy == Proportional {
			nd.bal, nd.taint = nd.bal.Add(amt), nd.taint.Add(t)
		} else {
			nd.lots = append(nd.lots, lot{amt, t})
			nd.taint = nd.taint.Add(t)
		}
		return
	}
	var out udecimal.Decimal
	switch tr.opts.Policy {
	case Proportional:
		share := udecimal.Min(amt, nd.bal)
		if nd.bal.IsPos() && nd.taint.IsPos() {
			out = share.Mul(nd.taint)
			out, _ = out.Div(nd.bal)
			out = udecimal.Min(out, nd.taint)
		}
		nd.bal = nd.bal.Sub(share)
		nd.taint = nd.taint.Sub(out)
	default:
		need := amt
		for need.IsPos() && nd.head < len(nd.lots) {
			i := nd.head
			if tr.opts.Policy == LIFO {
				i = len(nd.lots) - 1
			}
			lt := &nd.lots[i]
			take := udecimal.Min(need, lt.amt)
			var t udecimal.Decimal
			if take.Equal(lt.amt) {
				t = lt.taint
			} else if lt.taint.IsPos() {
				t, _ = take.Mul(lt.taint).Div(lt.amt)
				t = udecimal.Min(t, lt.taint)
			}
			lt.amt, lt.taint = lt.amt.Sub(take), lt.taint.Sub(t)
			out = out.Add(t)
			need = need.Sub(take)
			if lt.amt.IsZero() {
				if tr.opts.Policy == LIFO {
					nd.lots = nd.lots[:len(nd.lots)-1]
				} else {
					nd.head++
				}
			}
		}
		nd.taint = nd.taint.Sub(out)
		if nd.head > 64 && nd.head*2 > len(nd.lots) {
			nd.lots = append(nd.lots[:0], nd.lots[nd.head:]...)
			nd.head = 0
		}
	}
	if !out.IsPos() {
		return
	}
	if out.LessThan(tr.dust) {
		tr.lose("dust", r.to, r.asset, out)
		return
	}
	tr.send(e.tx, out, nd.conf, nd.hops+1, "")
}

// run takes queued nodes in time order of their next event, so money
// reaches an account before the account can pass it on.
func (tr *tracer) run() {
	for tr.queue.Len() > 0 {
		nd := tr.queue[0]
		if nd.cur >= len(nd.evs) || nd.relay == nil && !nd.taint.IsPos() && !tr.hasPendingTaint(nd) {
			heap.Pop(&tr.queue)
			nd.queued = false
			continue
		}
		tr.step(nd)
		if nd.queued {
			heap.Fix(&tr.queue, nd.idx)
		}
	}
}

// hasPendingTaint reports whether the node's next event brings the
// victim's money in: a node with none of it need not be stepped until then.
func (tr *tracer) hasPendingTaint(nd *node) bool {
	e := nd.evs[nd.cur]
	if e.out {
		return false
	}
	_, ok := tr.taintOf[e.tx]
	return ok
}

// finish turns the nodes still holding the victim's money into holders,
// groups them by institution, and lists the money lost from view.
func (tr *tracer) finish() {
	l, out := tr.l, tr.trace
	insts := map[string]*Institution{}
	for _, nd := range tr.nodes {
		if nd.sink == "lost" || nd.sink == "otc" && !nd.taint.IsPos() {
			continue
		}
		if nd.relay != nil {
			continue
		}
		if !nd.taint.IsPos() || nd.taint.LessThan(tr.dust) {
			if nd.taint.IsPos() {
				tr.lose("dust", nd.key.acct, nd.key.asset, nd.taint)
			}
			continue
		}
		asset := l.strs[nd.key.asset]
		a := &l.accts[nd.key.acct]
		h := Holder{Kind: a.ind.Kind().String(), Value: a.ind.Value(), Amount: formatAmount(nd.taint, asset), Asset: asset, amount: nd.taint,
			Since: time.Unix(nd.since, 0).UTC(), Hops: nd.hops, Confidence: round2(nd.conf)}
		if nd.entity != nil {
			h.Entity, h.EntityType = nd.entity.name, nd.entity.typ
		}
		switch {
		case nd.entity != nil && CanFreeze(nd.entity.typ):
			h.Institution, h.Freezable = nd.entity.name, true
			h.Why = nd.sink
		case nd.sink == "otc":
			h.Why = "at OTC desk " + nd.entity.name + ", no matching crypto payout found"
		case nd.sink != "":
			h.Why = nd.sink
		default:
			h.Why = "still in the account"
		}
		if h.Institution == "" {
			switch {
			case a.inst != 0:
				h.Institution, h.Freezable = l.strs[a.inst], true
			case issuer(asset) != "":
				h.Institution, h.Freezable = issuer(asset), true
				h.Why += "; the issuer can freeze the token at this address"
			}
		}
		out.Holders = append(out.Holders, h)
		if h.Institution != "" {
			in := insts[h.Institution]
			if in == nil {
				in = &Institution{Name: h.Institution, amounts: map[string]udecimal.Decimal{}}
				insts[h.Institution] = in
			}
			in.Accounts = append(in.Accounts, HeldAccount{Kind: h.Kind, Value: h.Value, Amount: h.Amount, Asset: asset})
			in.amounts[asset] = in.amounts[asset].Add(nd.taint)
		}
	}
	sort.Slice(out.Holders, func(i, j int) bool {
		a, b := out.Holders[i], out.Holders[j]
		if a.Asset != b.Asset {
			return a.Asset < b.Asset
		}
		if c := a.amount.Cmp(b.amount); c != 0 {
			return c > 0
		}
		return a.Value < b.Value
	})
	for _, in := range insts {
		for asset, amt := range in.amounts {
			in.Totals = append(in.Totals, AssetAmount{Asset: asset, Amount: formatAmount(amt, asset)})
		}
		sort.Slice(in.Totals, func(i, j int) bool { return in.Totals[i].Asset < in.Totals[j].Asset })
		sort.Slice(in.Accounts, func(i, j int) bool {
			a, b := in.Accounts[i], in.Accounts[j]
			return a.Value < b.Value || a.Value == b.Value && a.Asset < b.Asset
		})
		out.Institutions = append(out.Institutions, *in)
	}
	sort.Slice(out.Institutions, func(i, j int) bool { return out.Institutions[i].Name < out.Institutions[j].Name })
	for k, amt := range tr.lost {
		lo := Lost{Reason: k.reason, Amount: formatAmount(amt, l.strs[k.asset]), Asset: l.strs[k.asset]}
		if k.reason != "dust" {
			a := &l.accts[k.acct]
			lo.Kind, lo.Value = a.ind.Kind().String(), a.ind.Value()
			if e := l.entityOf(k.acct); e != nil {
				lo.Entity = e.name
			}
		}
		out.Lost = append(out.Lost, lo)
	}
	sort.Slice(out.Lost, func(i, j int) bool {
		a, b := out.Lost[i], out.Lost[j]
		if a.Reason != b.Reason {
			return a.Reason < b.Reason
		}
		return a.Value < b.Value || a.Value == b.Value && a.Asset < b.Asset
	})
	out.Accounts = len(tr.nodes)
	if tr.limited && out.Truncated == "" {
		out.Truncated = fmt.Sprintf("stopped at %d accounts", tr.opts.MaxAccounts)
	}
}

func (tr *tracer) lose(reason string, acct, asset uint32, amt udecimal.Decimal) {
	if reason == "dust" {
		acct = 0
	}
	k := lostKey{reason, acct, asset}
	tr.lost[k] = tr.lost[k].Add(amt)
}

// issuer is who can freeze a stablecoin at any address.
func issuer(asset string) string {
	switch asset {
	case "USDT":
		return "Tether (issuer)"
	case "USDC":
		return "Circle (issuer)"
	}
	return ""
}

// eventsOf lists an account's transfers of one asset up to until.
func (l *Ledger) eventsOf(a, asset uint32, until int64) []event {
	evs, _ := l.events(a, until, nil, nil)
	out := evs[:0]
	for _, e := range evs {
		if l.tx[e.tx].asset == asset {
			out = append(out, e)
		}
	}
	return out
}

func (l *Ledger) party(a uint32) Party {
	ind := l.accts[a].ind
	return Party{Kind: ind.Kind().String(), Value: ind.Value()}
}

// nodeHeap orders nodes by their next event: time, then the order the
// transfers were added, an outgoing side before an incoming one.
type nodeHeap []*node

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(i, j int) bool {
	a, b := h[i].next(), h[j].next()
	if a.t != b.t {
		return a.t < b.t
	}
	if a.tx != b.tx {
		return a.tx < b.tx
	}
	return a.out && !b.out
}

// next is the node's next event; one past the end sorts last.
func (nd *node) next() event {
	if nd.cur < len(nd.evs) {
		return nd.evs[nd.cur]
	}
	return event{t: math.MaxInt64}
}

func (h nodeHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *nodeHeap) Push(x any) {
	nd := x.(*node)
	nd.idx = len(*h)
	*h = append(*h, nd)
}
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// fiat are the assets shown with two decimals.
var fiat = map[string]bool{"CNY": true, "USD": true, "EUR": true, "HKD": true, "GBP": true, "JPY": true, "SGD": true, "PHP": true, "THB": true, "MYR": true, "INR": true}

// formatAmount writes an amount for people: fiat with two decimals,
// crypto with up to eight.
func formatAmount(d udecimal.Decimal, asset string) string {
	if fiat[asset] {
		return d.RoundHAZ(2).StringFixed(2)
	}
	return d.RoundHAZ(8).String()
}

func mustDecimal(f float64) udecimal.Decimal {
	d, err := udecimal.NewFromFloat64(f)
	if err != nil {
		return udecimal.Zero
	}
	return d
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

package money

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/quagmt/udecimal"
)

// DiagramOptions tune Trace.SVG; the zero value is what an evidence
// package wants.
type DiagramOptions struct {
	// Title is printed above the header, e.g. the case number.
	Title string
	// MaxPerColumn bounds the accounts drawn in one column. A fan-out to
	// thousands of mules would make a page nobody can read, so beyond it
	// the smallest are merged into one "N more accounts" box that carries
	// their total. 40.
	MaxPerColumn int
	// MaxColumns bounds the columns; accounts deeper than the last are
	// merged into one box there. 24.
	MaxColumns int
	// Location is the zone times are printed in (investigators read local
	// time); UTC if nil.
	Location *time.Location
}

func (o DiagramOptions) withDefaults() DiagramOptions {
	if o.MaxPerColumn <= 0 {
		o.MaxPerColumn = 40
	}
	if o.MaxPerColumn < 2 {
		o.MaxPerColumn = 2
	}
	if o.MaxColumns <= 0 {
		o.MaxColumns = 24
	}
	if o.MaxColumns < 2 {
		o.MaxColumns = 2
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return o
}

// Geometry, in SVG user units (pixels at 100 %).
const (
	dgMargin   = 28.0
	dgCardW    = 210.0 // wide enough for a label line of ~30 characters
	dgGap      = 170.0 // between columns, where the bands curve
	dgRowGap   = 14.0  // between boxes in a column
	dgMaxBand  = 100.0 // the whole payment
	dgMinBand  = 2.0   // so that a small flow stays visible
	dgMinWidth = 980.0 // room for the header, legend and summary
	dgPad      = 8.0   // inside a box
)

// The fonts: a Latin face first, then the CJK faces found on Linux, macOS
// and Windows, so Chinese entity names render wherever the file is opened.
const (
	dgFont     = `'Noto Sans', 'DejaVu Sans', Arial, 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif`
	dgMonoFont = `'DejaVu Sans Mono', Menlo, Consolas, 'Noto Sans Mono CJK SC', 'WenQuanYi Micro Hei Mono', 'Noto Sans CJK SC', monospace`
)

// SVG draws the trace as a money-flow diagram: a self-contained SVG 1.1
// document (no scripts, fonts or links, so it can go into an evidence
// package for a court as well as into the web console) that reads left to
// right like a Sankey diagram. Column 0 is the victim; each further column
// is one more transfer away, so an account reached on several paths or
// again through a cycle is drawn once, at its shortest distance. Bands
// between the boxes are transfers, as wide as the square root of the
// victim's money they carried, so that a 0.1 % share stays visible next to
// the whole payment; a crossing between rails at an OTC desk is a dashed
// band. Boxes are coloured by what the account is to the case: the victim,
// an account the money passed through, one still holding it, one an
// institution can freeze (bold outline, named), an OTC desk, or money lost
// from view (cash-out, merchant, mixer…). Every figure is printed exactly
// as the trace gives it; only the geometry uses floating point. Every box
// and band has a <title> with the full account, transfer ids, times and
// confidence. The same trace always gives the same bytes.
func (t *Trace) SVG(w io.Writer, opts DiagramOptions) error {
	if t == nil {
		return errors.New("money: no trace to draw")
	}
	if w == nil {
		return errors.New("money: no writer to draw the trace to")
	}
	d := &dgDiagram{t: t, opts: opts.withDefaults(), index: map[string]int{}}
	d.build()
	d.layout()
	var b bytes.Buffer
	d.render(&b)
	_, err := w.Write(b.Bytes())
	return err
}

// dgRole is what an account is to the case, which decides its colour.
type dgRole uint8

const (
	dgRoleAccount dgRole = iota
	dgRoleVictim
	dgRoleOTC
	dgRoleHolder
	dgRoleFreeze
	dgRoleLost
	dgRoleMerged
	dgRoleBack // only for bands: money flowing back to an account drawn earlier
	dgRoleCross
)

var dgStyles = [...]struct{ fill, stroke, ink, band, word string }{
	dgRoleAccount: {"#f8fafc", "#64748b", "#475569", "#60a5fa", "ACCOUNT"},
	dgRoleVictim:  {"#dbeafe", "#1d4ed8", "#1d4ed8", "#60a5fa", "VICTIM"},
	dgRoleOTC:     {"#f3e8ff", "#7e22ce", "#7e22ce", "#a855f7", "OTC DESK"},
	dgRoleHolder:  {"#ffedd5", "#c2410c", "#c2410c", "#fb923c", "STILL HOLDS"},
	dgRoleFreeze:  {"#dcfce7", "#15803d", "#15803d", "#22c55e", "CAN BE FROZEN"},
	dgRoleLost:    {"#e5e7eb", "#6b7280", "#4b5563", "#9ca3af", "LOST FROM VIEW"},
	dgRoleMerged:  {"#f1f5f9", "#64748b", "#475569", "#60a5fa", "MERGED"},
	dgRoleBack:    {"", "", "", "#ef4444", ""},
	dgRoleCross:   {"", "", "", "#a855f7", ""},
}

type dgAmt struct{ amount, asset string }

// dgNode is one account of the trace (or one loss without an account).
type dgNode struct {
	party      Party
	victim     bool
	standalone bool // known only from Holders or Lost: the path to it is not listed
	nobody     bool // a loss without an account (dust)
	seed       int  // a depth from hop numbers, for an account the payment does not reach
	depth      int
	entity     string
	etype      string
	desk       string // the OTC desk it belongs to, from a crossing note
	holders    []*Holder
	lost       []*Lost
	in, out    []dgAmt
	nIn, nOut  int
	value      float64 // the victim's money through it, in the payment's asset
	card       int
}

// dgFlow is one hop, or one crossing between rails at an OTC desk.
type dgFlow struct {
	from, to int
	hop      *Hop
	crossing bool // drawn dashed
	desk     string
	value    float64
}

// dgCard is one box.
type dgCard struct {
	role    dgRole
	nodes   []int
	col     int
	lines   []dgLine
	title   string
	x, y, h float64
	textH   float64
	in, out []*dgBand
	sideIn  []*dgBand // bands from the same column, arriving on the right
}

func (c *dgCard) mid() float64 { return c.y + c.h/2 }

// dgBand is the transfers between two boxes in one asset.
type dgBand struct {
	from, to int
	asset    string
	dashed   bool
	back     bool // to a column further left: runs in a lane under the columns
	side     bool // within one column: loops on its right, from edge to edge
	flows    []*dgFlow
	value    float64
	w        float64
	y1, y2   float64
	lane     float64 // where a band flowing back runs, under the columns
	hidden   bool    // a small band flowing back, not drawn
}

type dgLineStyle uint8

const (
	dgLineTag dgLineStyle = iota
	dgLineName
	dgLineMono
	dgLineAmount
	dgLineStrong
)

var dgLineStyles = [...]struct {
	size, height float64
	bold, mono   bool
}{
	dgLineTag:    {9, 13, true, false},
	dgLineName:   {12, 16, true, false},
	dgLineMono:   {11, 15, false, true},
	dgLineAmount: {11, 15, false, false},
	dgLineStrong: {11, 15, true, false},
}

type dgLine struct {
	text  string
	style dgLineStyle
}

type dgDiagram struct {
	t      *Trace
	opts   DiagramOptions
	nodes  []*dgNode
	index  map[string]int
	hops   []*Hop
	flows  []*dgFlow
	mult   map[string]float64 // an asset's value in the payment's asset
	pay    float64            // the payment in its asset: the widest band
	cards  []*dgCard
	cols   [][]int // cards by column
	bands  []*dgBand
	merged int // accounts drawn inside a merged box
	width  float64
	height float64
	top    float64 // where the columns start
	colsH  float64
	bottom float64 // under the columns and the lanes of bands flowing back
	// hiddenBack counts transfers back to earlier accounts left undrawn.
	hiddenBack int
	victim     int
	overflow   bool // accounts deeper than the last column are merged there
}

func dgKey(p Party) string { return p.Kind + "\x00" + p.Value }

func (d *dgDiagram) node(p Party) int {
	k := dgKey(p)
	if i, ok := d.index[k]; ok {
		return i
	}
	d.index[k] = len(d.nodes)
	d.nodes = append(d.nodes, &dgNode{party: p, seed: math.MaxInt32, depth: -1})
	return len(d.nodes) - 1
}

// dgCrossing is an OTC crossing on a payout hop: the desk, the fiat in,
// the payout's asset and the day's rate.
type dgCrossing struct {
	desk, paired, inAmt, fiat, cc string
	rate                          float64
}

func dgParseCrossing(h *Hop) (dgCrossing, bool) {
	c := h.Crossing
	if c == nil {
		return dgCrossing{}, false
	}
	rate := c.Rate
	if !(rate > 0) || math.IsInf(rate, 0) {
		rate = 0
	}
	return dgCrossing{desk: c.Desk, paired: c.Paired, inAmt: c.In, fiat: c.InAsset, cc: h.Asset, rate: rate}, true
}

// dgFloat reads an amount for the geometry only; what cannot be read is 0.
func dgFloat(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0
	}
	return f
}

func (d *dgDiagram) value(amount, asset string) float64 {
	m, ok := d.mult[asset]
	if !ok {
		m = 1
	}
	v := dgFloat(amount) * m
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// build turns the trace into accounts and flows.
func (d *dgDiagram) build() {
	t := d.t
	d.victim = d.node(t.From)
	d.nodes[d.victim].victim = true
	listed := false
	for i := range t.Hops {
		h := &t.Hops[i]
		if t.Payment != "" && h.Transfer == t.Payment || h.N == 1 && h.From == t.From && h.To == t.To {
			listed = true
			break
		}
	}
	if !listed && t.To != (Party{}) {
		d.hops = append(d.hops, &Hop{N: 1, Transfer: t.Payment, Time: t.Time, From: t.From, To: t.To,
			Asset: t.Asset, Amount: t.Amount, Of: t.Amount, Confidence: 1})
	}
	for i := range t.Hops {
		d.hops = append(d.hops, &t.Hops[i])
	}
	d.rates()

	for _, h := range d.hops {
		f := &dgFlow{from: d.node(h.From), to: d.node(h.To), hop: h, value: d.value(h.Amount, h.Asset)}
		d.flows = append(d.flows, f)
		if n := dgClamp(h.N, 1, math.MaxInt32-1); n < d.nodes[f.to].seed {
			d.nodes[f.to].seed = n
		}
		if n := dgClamp(h.N-1, 1, math.MaxInt32-1); n < d.nodes[f.from].seed {
			d.nodes[f.from].seed = n
		}
		c, ok := dgParseCrossing(h)
		if !ok {
			continue
		}
		g := d.crossedFrom(h, c)
		d.nodes[f.from].desk = c.desk
		if g < 0 {
			f.crossing, f.desk = true, c.desk // the payout itself is all we can draw of the crossing
			continue
		}
		desk := d.node(d.hops[g].To)
		d.nodes[desk].desk = c.desk
		d.flows = append(d.flows, &dgFlow{from: desk, to: f.from, hop: h, crossing: true, desk: c.desk, value: f.value})
	}
	for i := range t.Holders {
		h := &t.Holders[i]
		n := d.attached(Party{h.Kind, h.Value})
		n.holders = append(n.holders, h)
		if h.Entity != "" && n.entity == "" {
			n.entity, n.etype = h.Entity, h.EntityType
		}
	}
	for i := range t.Lost {
		lo := &t.Lost[i]
		var n *dgNode
		if lo.Value == "" && lo.Kind == "" {
			// Dust and the like: a loss without an account, drawn apart.
			n = &dgNode{nobody: true, standalone: true, seed: math.MaxInt32, depth: -1}
			d.nodes = append(d.nodes, n)
		} else {
			n = d.attached(Party{lo.Kind, lo.Value})
		}
		n.lost = append(n.lost, lo)
		if lo.Entity != "" && n.entity == "" {
			n.entity = lo.Entity
		}
	}
	for _, f := range d.flows {
		if f.from == f.to {
			continue
		}
		a := dgAmt{f.hop.Amount, f.hop.Asset}
		from, to := d.nodes[f.from], d.nodes[f.to]
		from.out, from.nOut = append(from.out, a), from.nOut+1
		to.in, to.nIn = append(to.in, a), to.nIn+1
	}
	for _, n := range d.nodes {
		var in, out, keep float64
		for _, a := range n.in {
			in += d.value(a.amount, a.asset)
		}
		for _, a := range n.out {
			out += d.value(a.amount, a.asset)
		}
		for _, h := range n.holders {
			keep += d.value(h.Amount, h.Asset)
		}
		for _, lo := range n.lost {
			keep += d.value(lo.Amount, lo.Asset)
		}
		n.value = math.Max(math.Max(in, out), keep)
		if n.victim {
			n.value = math.Max(n.value, d.pay)
		}
	}
	d.depths()
}

// attached is the account's node; an account no listed hop reaches (the
// hop list is bounded) is drawn apart, without bands.
func (d *dgDiagram) attached(p Party) *dgNode {
	_, known := d.index[dgKey(p)]
	n := d.nodes[d.node(p)]
	if !known {
		n.standalone = true
	}
	return n
}

// crossedFrom finds the fiat payment into the desk that a crypto payout
// was paired with: the note names its whole amount, and it came a hop
// earlier, before the payout.
func (d *dgDiagram) crossedFrom(h *Hop, c dgCrossing) int {
	best, bestScore := -1, 0
	for i, g := range d.hops {
		if g == h || g.To == h.From {
			continue
		}
		if c.paired != "" && g.Transfer == c.paired {
			return i
		}
		if g.Asset != c.fiat || g.Of != c.inAmt || !h.Time.IsZero() && g.Time.After(h.Time) {
			continue
		}
		score := 1
		if g.N == h.N-1 {
			score = 3
		}
		if score > bestScore || score == bestScore && g.Time.After(d.hops[best].Time) {
			best, bestScore = i, score
		}
	}
	return best
}

// rates finds what one unit of each asset is worth in the payment's
// asset, so that a band keeps its width across an OTC crossing: from the
// rate in the crossing notes, else by taking what first entered an asset
// to be the whole payment.
func (d *dgDiagram) rates() {
	t := d.t
	d.pay = dgFloat(t.Amount)
	if d.pay <= 0 {
		for _, h := range d.hops {
			if h.Asset == t.Asset {
				d.pay = math.Max(d.pay, dgFloat(h.Amount))
			}
		}
	}
	if d.pay <= 0 {
		d.pay = 1
	}
	d.mult = map[string]float64{t.Asset: 1}
	var cs []dgCrossing
	for _, h := range d.hops {
		if c, ok := dgParseCrossing(h); ok && c.rate > 0 {
			cs = append(cs, c)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, c := range cs {
			fm, fok := d.mult[c.fiat]
			cm, cok := d.mult[c.cc]
			switch {
			case fok && !cok:
				d.mult[c.cc], changed = fm*c.rate, true
			case cok && !fok:
				d.mult[c.fiat], changed = cm/c.rate, true
			}
		}
	}
	received := map[string]bool{}
	for _, h := range d.hops {
		received[h.Asset+"\x00"+dgKey(h.To)] = true
	}
	entry, most := map[string]float64{}, map[string]float64{}
	var assets []string
	for _, h := range d.hops {
		if _, ok := d.mult[h.Asset]; ok {
			continue
		}
		if _, seen := most[h.Asset]; !seen {
			assets = append(assets, h.Asset)
		}
		v := dgFloat(h.Amount)
		most[h.Asset] = math.Max(most[h.Asset], v)
		if !received[h.Asset+"\x00"+dgKey(h.From)] {
			entry[h.Asset] += v
		}
	}
	for _, a := range assets {
		switch {
		case entry[a] > 0:
			d.mult[a] = d.pay / entry[a]
		case most[a] > 0:
			d.mult[a] = d.pay / most[a]
		}
	}
	for a, m := range d.mult {
		if math.IsNaN(m) || math.IsInf(m, 0) || m <= 0 {
			d.mult[a] = 1
		}
	}
}

// depths places every account at its shortest distance from the victim;
// accounts the payment does not reach (a hop list cut short) start from
// their hop numbers.
func (d *dgDiagram) depths() {
	adj := make([][]int, len(d.nodes))
	for _, f := range d.flows {
		if f.from != f.to {
			adj[f.from] = append(adj[f.from], f.to)
		}
	}
	d.nodes[d.victim].depth = 0
	queue := []int{d.victim}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range adj[u] {
			if d.nodes[v].depth < 0 {
				d.nodes[v].depth = d.nodes[u].depth + 1
				queue = append(queue, v)
			}
		}
	}
	limit := len(d.nodes) + 1
	buckets := make([][]int, limit+2)
	for i, n := range d.nodes {
		if n.depth < 0 && !n.standalone {
			n.seed = dgClamp(n.seed, 1, limit)
			buckets[n.seed] = append(buckets[n.seed], i)
		}
	}
	for dep := 1; dep < len(buckets); dep++ {
		for j := 0; j < len(buckets[dep]); j++ {
			u := buckets[dep][j]
			n := d.nodes[u]
			if n.depth >= 0 {
				continue
			}
			n.depth = dep
			for _, v := range adj[u] {
				if w := d.nodes[v]; w.depth < 0 && !w.standalone && dep+1 < w.seed {
					w.seed = dep + 1
					buckets[dep+1] = append(buckets[dep+1], v)
				}
			}
		}
	}
}

func dgClamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// layout groups the accounts into boxes and columns, bundles the flows
// into bands and places everything.
func (d *dgDiagram) layout() {
	last := d.opts.MaxColumns - 1
	deepest := 0
	for _, n := range d.nodes {
		if !n.standalone {
			deepest = max(deepest, n.depth)
		}
	}
	overflow := deepest > last
	d.overflow = overflow
	apart := min(max(deepest, 1), last)
	byCol := make([][]int, min(max(deepest, 1), last)+1)
	var deep []int
	for i, n := range d.nodes {
		c := n.depth
		if n.standalone {
			c = apart
		}
		if overflow && c >= last {
			deep = append(deep, i)
			continue
		}
		byCol[c] = append(byCol[c], i)
	}
	d.cols = make([][]int, len(byCol))
	for c, ids := range byCol {
		sort.SliceStable(ids, func(a, b int) bool {
			x, y := d.nodes[ids[a]], d.nodes[ids[b]]
			if x.value != y.value {
				return x.value > y.value
			}
			if x.party.Value != y.party.Value {
				return x.party.Value < y.party.Value
			}
			return x.party.Kind < y.party.Kind
		})
		keep := ids
		if len(ids) > d.opts.MaxPerColumn {
			keep = ids[:d.opts.MaxPerColumn-1]
		}
		for _, i := range keep {
			d.addCard(c, d.nodeCard(i), i)
		}
		if rest := ids[len(keep):]; len(rest) > 0 {
			name := fmt.Sprintf("%d more accounts", len(rest))
			d.addCard(c, d.mergedCard(rest, name, name+", merged to keep the diagram readable (the smallest by amount):"), rest...)
		}
	}
	if len(deep) > 0 {
		d.addCard(last, d.mergedCard(deep, fmt.Sprintf("%d accounts further on", len(deep)),
			fmt.Sprintf("%d accounts %d or more transfers from the victim, merged to keep the diagram readable:", len(deep), last)), deep...)
	}
	d.bundle()

	for _, c := range d.cards {
		var in, out float64
		for _, b := range c.in {
			in += b.w + 1
		}
		for _, b := range c.out {
			out += b.w + 1
		}
		for _, b := range c.sideIn {
			out += b.w + 1
		}
		c.h = math.Max(c.textH, math.Max(in, out)+2*dgPad)
	}
	header := d.headerHeight()
	d.top = header + 36 // room for the column captions
	for _, ids := range d.cols {
		d.colsH = math.Max(d.colsH, d.columnHeight(ids))
	}
	for ci, ids := range d.cols {
		y := d.top + (d.colsH-d.columnHeight(ids))/2
		for _, id := range ids {
			c := d.cards[id]
			c.x = dgMargin + float64(ci)*(dgCardW+dgGap)
			c.y = y
			y += c.h + dgRowGap
		}
	}
	d.width = d.widthFor()
	d.stack()
	// Money flowing back to an account drawn earlier runs in its own lane
	// under the columns, so it crosses no box and no label.
	lane := d.top + d.colsH + 18
	for _, bd := range d.bands {
		if bd.back {
			bd.lane = lane + bd.w/2
			lane += bd.w + 6
		}
	}
	d.bottom = lane
	d.height = d.bottom + 30 + d.summaryHeight() + 40
}

func (d *dgDiagram) columnHeight(ids []int) float64 {
	h := 0.0
	for i, id := range ids {
		if i > 0 {
			h += dgRowGap
		}
		h += d.cards[id].h
	}
	return h
}

func (d *dgDiagram) addCard(col int, c *dgCard, nodes ...int) {
	c.col = col
	c.nodes = nodes
	id := len(d.cards)
	for _, i := range nodes {
		d.nodes[i].card = id
	}
	c.textH = 2*dgPad - 4
	for _, l := range c.lines {
		c.textH += dgLineStyles[l.style].height
	}
	d.cards = append(d.cards, c)
	d.cols[col] = append(d.cols[col], id)
}

// bundle makes one band of the flows between two boxes in one asset.
func (d *dgDiagram) bundle() {
	at := map[string]*dgBand{}
	var all []*dgBand
	for _, f := range d.flows {
		a, b := d.nodes[f.from].card, d.nodes[f.to].card
		if a == b {
			continue
		}
		k := fmt.Sprintf("%d>%d>%s>%t", a, b, f.hop.Asset, f.crossing)
		bd := at[k]
		if bd == nil {
			ca, cb := d.cards[a].col, d.cards[b].col
			bd = &dgBand{from: a, to: b, asset: f.hop.Asset, dashed: f.crossing, back: cb < ca, side: cb == ca}
			at[k] = bd
			all = append(all, bd)
		}
		bd.flows = append(bd.flows, f)
		bd.value += f.value
	}
	// Bands flowing back or sideways cut across the others; beyond a few
	// they would bury the page, so only the largest are drawn and the
	// header says how many are not (the boxes' titles still count them).
	var back []*dgBand
	for _, bd := range all {
		if bd.back || bd.side {
			back = append(back, bd)
		}
	}
	sort.SliceStable(back, func(i, j int) bool { return back[i].value > back[j].value })
	for _, bd := range back[min(len(back), dgMaxBack):] {
		bd.hidden = true
		d.hiddenBack += len(bd.flows)
	}
	for _, bd := range all {
		if bd.hidden {
			continue
		}
		bd.w = dgMinBand + (dgMaxBand-dgMinBand)*math.Sqrt(math.Min(1, math.Max(0, bd.value/d.pay)))
		if math.IsNaN(bd.w) {
			bd.w = dgMinBand
		}
		d.bands = append(d.bands, bd)
		d.cards[bd.from].out = append(d.cards[bd.from].out, bd)
		if bd.side {
			d.cards[bd.to].sideIn = append(d.cards[bd.to].sideIn, bd)
		} else {
			d.cards[bd.to].in = append(d.cards[bd.to].in, bd)
		}
	}
}

// dgMaxBack bounds the bands drawn flowing back or sideways.
const dgMaxBack = 10

// stack orders the bands at each edge of a box by where their other end
// is, so that they cross as little as they can, and gives each its place.
func (d *dgDiagram) stack() {
	for id, c := range d.cards {
		right := append(append([]*dgBand(nil), c.out...), c.sideIn...)
		d.place(id, right)
		d.place(id, c.in)
	}
}

// place stacks the bands at one edge of box id: forward bands first, in
// the order of their other ends, then sideways ones, then ones flowing back.
func (d *dgDiagram) place(id int, bs []*dgBand) {
	c := d.cards[id]
	other := func(b *dgBand) int {
		if b.from == id {
			return b.to
		}
		return b.from
	}
	rank := func(b *dgBand) int {
		switch {
		case b.back:
			return 2
		case b.side:
			return 1
		}
		return 0
	}
	sort.SliceStable(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if ya, yb := d.cards[other(a)].mid(), d.cards[other(b)].mid(); ya != yb {
			return ya < yb
		}
		return other(a) < other(b)
	})
	y := c.y + (c.h-dgStackHeight(bs))/2
	for _, b := range bs {
		if b.from == id {
			b.y1 = y + b.w/2
		} else {
			b.y2 = y + b.w/2
		}
		y += b.w + 1
	}
}

func dgStackHeight(bs []*dgBand) float64 {
	h := 0.0
	for i, b := range bs {
		if i > 0 {
			h++
		}
		h += b.w
	}
	return h
}

// role is what the account is to the case; what can be frozen matters
// most, so it wins.
func (n *dgNode) role() dgRole {
	switch {
	case n.victim:
		return dgRoleVictim
	case n.freezable():
		return dgRoleFreeze
	case len(n.holders) > 0:
		return dgRoleHolder
	case len(n.lost) > 0:
		return dgRoleLost
	case n.desk != "" || n.etype == OTC:
		return dgRoleOTC
	}
	return dgRoleAccount
}

func (n *dgNode) freezable() bool {
	for _, h := range n.holders {
		if h.Freezable {
			return true
		}
	}
	return false
}

// nodeCard is the box of one account: its role, name, shortened account,
// what it received and what it still holds, or why it was lost from view.
func (d *dgDiagram) nodeCard(i int) *dgCard {
	n := d.nodes[i]
	c := &dgCard{role: n.role()}
	tag := dgStyles[c.role].word
	if k := n.party.Kind; k != "" {
		tag += " · " + k
	}
	c.line(dgLineTag, tag)
	name := n.entity
	if name == "" && n.desk != "" {
		name = n.desk
	}
	if name != "" {
		c.line(dgLineName, name)
	}
	if !n.nobody {
		v := dgShort(n.party.Value)
		if v == "" {
			v = "(account not given)"
		}
		c.line(dgLineMono, v)
	}
	if n.victim {
		c.line(dgLineAmount, "paid "+d.t.Amount+" "+d.t.Asset)
	}
	terminal := (len(n.holders) > 0 || len(n.lost) > 0) && n.nOut == 0
	if !n.victim && !terminal {
		word, amts := "received ", n.in
		if len(amts) == 0 {
			word, amts = "sent ", n.out
		}
		for j, a := range dgSum(amts) {
			if j == 2 {
				c.line(dgLineAmount, "and more assets")
				break
			}
			c.line(dgLineAmount, word+a.amount+" "+a.asset)
		}
	}
	for j, h := range n.holders {
		if j == 2 {
			c.line(dgLineStrong, fmt.Sprintf("and %d more holdings", len(n.holders)-2))
			break
		}
		c.line(dgLineStrong, "holds "+h.Amount+" "+h.Asset)
	}
	for _, h := range n.holders {
		if h.Freezable && h.Institution != "" {
			c.line(dgLineStrong, "freeze at "+h.Institution)
			break
		}
	}
	for j, lo := range n.lost {
		if j == 2 {
			c.line(dgLineStrong, fmt.Sprintf("and %d more losses", len(n.lost)-2))
			break
		}
		c.line(dgLineStrong, lo.Reason+" "+lo.Amount+" "+lo.Asset)
	}
	c.title = d.nodeTitle(n)
	return c
}

func (c *dgCard) line(s dgLineStyle, text string) {
	text = dgClean(text, 200)
	st := dgLineStyles[s]
	room := dgCardW - 2*dgPad
	if s == dgLineTag {
		room -= 0.4 * float64(len([]rune(text))) // its letter spacing
	}
	c.lines = append(c.lines, dgLine{dgFit(text, st.size, room, st.mono, st.bold), s})
}

func (d *dgDiagram) nodeTitle(n *dgNode) string {
	var ls []string
	if n.nobody {
		ls = append(ls, "money lost from view without an account")
	} else {
		ls = append(ls, n.party.Kind+" "+n.party.Value)
	}
	if n.victim {
		ls = append(ls, "the victim: paid "+d.t.Amount+" "+d.t.Asset+" in payment "+d.t.Payment+" at "+d.when(d.t.Time))
	}
	if n.entity != "" {
		e := n.entity
		if n.etype != "" {
			e += " (" + n.etype + ")"
		}
		ls = append(ls, e)
	}
	if n.desk != "" {
		ls = append(ls, "OTC desk "+n.desk)
	}
	if n.standalone && !n.nobody {
		ls = append(ls, "its path lies beyond the hops listed")
	}
	for _, a := range dgSum(n.in) {
		ls = append(ls, fmt.Sprintf("received %s %s of the victim's money in %s", a.amount, a.asset, dgPlural(n.nIn, "transfer")))
	}
	for _, a := range dgSum(n.out) {
		ls = append(ls, fmt.Sprintf("sent %s %s of it on in %s", a.amount, a.asset, dgPlural(n.nOut, "transfer")))
	}
	for _, h := range n.holders {
		ls = append(ls, fmt.Sprintf("holds %s %s since %s, %d hops from the payment, confidence %s", h.Amount, h.Asset,
			d.when(h.Since), h.Hops, dgConf(h.Confidence)))
		if h.Institution != "" {
			ls = append(ls, "can be frozen by "+h.Institution)
		}
		if h.Why != "" {
			ls = append(ls, h.Why)
		}
	}
	for _, lo := range n.lost {
		ls = append(ls, "lost from view: "+lo.Reason+" "+lo.Amount+" "+lo.Asset)
	}
	return dgJoin(ls)
}

// mergedCard is one box for many accounts, with their totals.
func (d *dgDiagram) mergedCard(ids []int, name, head string) *dgCard {
	c := &dgCard{role: dgRoleMerged}
	d.merged += len(ids)
	var in, held, lost []dgAmt
	frozen := 0
	for _, i := range ids {
		n := d.nodes[i]
		in = append(in, n.in...)
		for _, h := range n.holders {
			held = append(held, dgAmt{h.Amount, h.Asset})
		}
		for _, lo := range n.lost {
			lost = append(lost, dgAmt{lo.Amount, lo.Asset})
		}
		if n.freezable() {
			frozen++
		}
	}
	c.line(dgLineTag, fmt.Sprintf("MERGED · %d accounts", len(ids)))
	c.line(dgLineName, name)
	ins := dgSum(in)
	for j, a := range ins {
		if j == 2 {
			break
		}
		c.line(dgLineAmount, "received "+a.amount+" "+a.asset+" in all")
	}
	for j, a := range dgSum(held) {
		if j == 2 {
			break
		}
		c.line(dgLineStrong, "still hold "+a.amount+" "+a.asset)
	}
	if frozen > 0 {
		c.line(dgLineStrong, fmt.Sprintf("%d can be frozen", frozen))
	}
	if s := dgSum(lost); len(s) > 0 {
		c.line(dgLineAmount, "lost from view "+s[0].amount+" "+s[0].asset)
	}
	ls := []string{head}
	for j, i := range ids {
		if j == 25 {
			ls = append(ls, fmt.Sprintf("… and %d more", len(ids)-25))
			break
		}
		n := d.nodes[i]
		l := n.party.Kind + " " + n.party.Value
		if n.nobody {
			l = "no account"
		}
		if n.entity != "" {
			l += " (" + n.entity + ")"
		}
		for _, a := range dgSum(n.in) {
			l += " · received " + a.amount + " " + a.asset
		}
		for _, h := range n.holders {
			l += " · holds " + h.Amount + " " + h.Asset
		}
		for _, lo := range n.lost {
			l += " · " + lo.Reason + " " + lo.Amount + " " + lo.Asset
		}
		ls = append(ls, l)
	}
	c.title = dgJoin(ls)
	return c
}

// bandTitle lists the transfers of a band: ids, times, the victim's money
// and the whole transfer, and how sure the trace is.
func (d *dgDiagram) bandTitle(b *dgBand) string {
	from, to := d.cardName(b.from), d.cardName(b.to)
	if len(b.flows) == 1 {
		f := b.flows[0]
		h := f.hop
		var ls []string
		if f.crossing {
			ls = append(ls, "crossed rails at OTC desk "+f.desk+": paired by time and value, not one transfer")
			ls = append(ls, "payout "+h.Transfer+" at "+d.when(h.Time)+" ("+h.Rail+")")
			ls = append(ls, h.Amount+" "+h.Asset+" of the victim's money, of a "+h.Of+" "+h.Asset+" payout")
		} else {
			ls = append(ls, fmt.Sprintf("transfer %s · hop %d · %s", h.Transfer, h.N, h.Rail))
			ls = append(ls, d.when(h.Time))
			ls = append(ls, h.Amount+" "+h.Asset+" of the victim's money, of a "+h.Of+" "+h.Asset+" transfer")
		}
		ls = append(ls, "from "+from, "to "+to, "confidence "+dgConf(h.Confidence))
		if h.Note != "" {
			ls = append(ls, h.Note)
		}
		return dgJoin(ls)
	}
	var amts []dgAmt
	for _, f := range b.flows {
		amts = append(amts, dgAmt{f.hop.Amount, f.hop.Asset})
	}
	sum := "?"
	if s := dgSum(amts); len(s) == 1 {
		sum = s[0].amount
	}
	ls := []string{fmt.Sprintf("%d transfers, %s %s of the victim's money", len(b.flows), sum, b.asset), "from " + from, "to " + to}
	if b.dashed {
		ls[0] = fmt.Sprintf("%d crossings at an OTC desk (paired by time and value), %s %s of the victim's money", len(b.flows), sum, b.asset)
	}
	for j, f := range b.flows {
		if j == 12 {
			ls = append(ls, fmt.Sprintf("… and %d more", len(b.flows)-12))
			break
		}
		h := f.hop
		ls = append(ls, fmt.Sprintf("%s · %s · %s of %s %s · confidence %s", h.Transfer, d.when(h.Time), h.Amount, h.Of, h.Asset, dgConf(h.Confidence)))
	}
	for _, f := range b.flows {
		if f.hop.Note != "" {
			ls = append(ls, f.hop.Note)
			break
		}
	}
	return dgJoin(ls)
}

func (d *dgDiagram) cardName(id int) string {
	c := d.cards[id]
	if c.role == dgRoleMerged {
		return fmt.Sprintf("%d merged accounts", len(c.nodes))
	}
	n := d.nodes[c.nodes[0]]
	s := n.party.Kind + " " + n.party.Value
	if n.entity != "" {
		s += " (" + n.entity + ")"
	}
	return s
}

func (d *dgDiagram) when(t time.Time) string {
	if t.IsZero() {
		return "unknown time"
	}
	return t.In(d.opts.Location).Format("2006-01-02 15:04:05 -07:00")
}

func dgPlural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func dgConf(c float64) string { return strconv.FormatFloat(c, 'f', 2, 64) }

// dgSum adds amounts by asset in exact decimals, in the order the
// assets first appear; a single amount is returned as given.
func dgSum(as []dgAmt) []dgAmt {
	type acc struct {
		sum    udecimal.Decimal
		first  string
		n      int
		prec   int
		broken bool
	}
	var order []string
	by := map[string]*acc{}
	for _, a := range as {
		s := by[a.asset]
		if s == nil {
			s = &acc{first: a.amount}
			by[a.asset] = s
			order = append(order, a.asset)
		}
		s.n++
		v, err := udecimal.Parse(strings.TrimSpace(a.amount))
		if err != nil {
			s.broken = true
			continue
		}
		s.sum = s.sum.Add(v)
		if i := strings.IndexByte(a.amount, '.'); i >= 0 {
			s.prec = max(s.prec, len(strings.TrimSpace(a.amount[i+1:])))
		}
	}
	out := make([]dgAmt, 0, len(order))
	for _, asset := range order {
		s := by[asset]
		switch {
		case s.n == 1:
			out = append(out, dgAmt{s.first, asset})
		case s.broken:
			out = append(out, dgAmt{"?", asset})
		default:
			out = append(out, dgAmt{s.sum.StringFixed(uint8(min(s.prec, 19))), asset})
		}
	}
	return out
}

// dgShort keeps the first 6 and last 4 characters of a long account,
// which is how investigators read addresses and card numbers aloud.
func dgShort(v string) string {
	r := []rune(v)
	if len(r) <= 14 {
		return v
	}
	return string(r[:6]) + "…" + string(r[len(r)-4:])
}

// dgClean makes outside text safe to show: control characters become
// spaces and invisible format characters (bidi overrides that could
// reverse an account number on screen) are shown by code point. It is
// bounded, so a hostile field cannot grow the file.
func dgClean(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, "[U+%04X]", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dgJoin(ls []string) string {
	for i, l := range ls {
		ls[i] = dgClean(l, 400)
	}
	return strings.Join(ls, "\n")
}

// dgWide reports characters drawn a full em wide: CJK and the like.
func dgWide(r rune) bool {
	return r >= 0x1100 && (unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) ||
		r >= 0x2E80 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6 || r >= 0x1F300)
}

// dgRuneWidth estimates a character's width in em; it errs wide so that
// labels never run out of their boxes.
func dgRuneWidth(r rune, mono bool) float64 {
	switch {
	case dgWide(r):
		return 1
	case mono:
		return 0.61
	case strings.ContainsRune(" .,:;|!'ijlI()[]", r):
		return 0.34
	case r == 'm' || r == 'w' || r == 'M' || r == 'W' || r == '@' || r == '%':
		return 0.9
	case unicode.IsUpper(r) || unicode.IsDigit(r):
		return 0.68
	}
	return 0.58
}

func dgTextWidth(s string, size float64, mono, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		w += dgRuneWidth(r, mono)
	}
	if bold {
		w *= 1.08
	}
	return w * size
}

// dgFit cuts text to a width, ending it with an ellipsis.
func dgFit(s string, size, width float64, mono, bold bool) string {
	if dgTextWidth(s, size, mono, bold) <= width {
		return s
	}
	k := size
	if bold {
		k *= 1.08
	}
	room := width - dgTextWidth("…", size, mono, bold)
	w := 0.0
	for i, r := range s {
		w += dgRuneWidth(r, mono) * k
		if w > room {
			return s[:i] + "…"
		}
	}
	return s
}

// The header: title, payment, policy and as-of time, a warning when the
// trace or the drawing left something out, and the legend.
func (d *dgDiagram) headerLines() []dgHeaderLine {
	t := d.t
	var ls []dgHeaderLine
	if d.opts.Title != "" {
		ls = append(ls, dgHeaderLine{d.opts.Title, 18, true, "#111827"})
	}
	ls = append(ls, dgHeaderLine{"Money flow of payment " + t.Payment, 16, true, "#111827"})
	ls = append(ls, dgHeaderLine{fmt.Sprintf("%s %s paid %s · from %s %s to %s %s", t.Amount, t.Asset, d.when(t.Time),
		t.From.Kind, t.From.Value, t.To.Kind, t.To.Value), 12, false, "#374151"})
	ls = append(ls, dgHeaderLine{fmt.Sprintf("policy %s · holdings as of %s · %d accounts visited · %d holding · %d losses",
		t.Policy, d.when(t.AsOf), t.Accounts, len(t.Holders), len(t.Lost)), 12, false, "#374151"})
	var warn []string
	if t.Truncated != "" {
		warn = append(warn, "the trace is cut short: "+t.Truncated)
	}
	if d.merged > 0 {
		warn = append(warn, fmt.Sprintf("%d accounts are merged into \"more accounts\" boxes (hover for the list)", d.merged))
	}
	if d.hiddenBack > 0 {
		warn = append(warn, fmt.Sprintf("%s back or within a column are not drawn (the boxes' titles count them)", dgPlural(d.hiddenBack, "small transfer")))
	}
	if len(warn) > 0 {
		ls = append(ls, dgHeaderLine{strings.Join(warn, "; "), 12, true, "#b91c1c"})
	}
	return ls
}

type dgHeaderLine struct {
	text  string
	size  float64
	bold  bool
	color string
}

var dgLegend = []struct {
	role dgRole
	band bool
	text string
}{
	{dgRoleVictim, false, "victim"},
	{dgRoleAccount, false, "account the money passed through"},
	{dgRoleHolder, false, "still holds the victim's money"},
	{dgRoleFreeze, false, "held where an institution can freeze it"},
	{dgRoleOTC, false, "OTC desk"},
	{dgRoleLost, false, "lost from view (cash-out, merchant, mixer…)"},
	{dgRoleMerged, false, "several accounts merged"},
	{dgRoleAccount, true, "transfer, width ∝ √ of the victim's money"},
	{dgRoleCross, true, "crossed rails at an OTC desk (paired, dashed)"},
	{dgRoleBack, true, "money flowing back or between accounts of one column"},
}

const dgLegendRow = 22.0

func (d *dgDiagram) legendRows() int {
	rows, x := 1, dgMargin
	for _, it := range dgLegend {
		w := 34 + dgTextWidth(it.text, 11, false, false) + 18
		if x+w > d.widthFor()-dgMargin && x > dgMargin {
			rows++
			x = dgMargin
		}
		x += w
	}
	return rows
}

// widthFor is the drawing's width: the columns, and room on the right for
// bands that loop out of the last column and back.
func (d *dgDiagram) widthFor() float64 {
	if d.width > 0 {
		return d.width
	}
	n := float64(len(d.cols))
	w := 2*dgMargin + n*dgCardW + (n-1)*dgGap
	loop := 0.0
	for _, bd := range d.bands {
		if (bd.back || bd.side) && d.cards[bd.from].col == len(d.cols)-1 {
			loop = math.Max(loop, dgGap*0.45+bd.w/2+8-dgMargin)
		}
	}
	return math.Max(dgMinWidth, w+loop)
}

func (d *dgDiagram) headerHeight() float64 {
	y := dgMargin
	for _, l := range d.headerLines() {
		y += l.size + 8
	}
	return y + 10 + float64(d.legendRows())*dgLegendRow
}

// The summary under the diagram: where freeze requests go, what is held
// where nobody known can freeze it, and what was lost from view, as the
// trace lists them.
func (d *dgDiagram) summary() [3][]string {
	t := d.t
	var s [3][]string
	for _, in := range t.Institutions {
		var tot []string
		for _, a := range in.Totals {
			tot = append(tot, a.Amount+" "+a.Asset)
		}
		s[0] = append(s[0], fmt.Sprintf("%s: %s (%s)", in.Name, strings.Join(tot, " + "), dgPlural(len(in.Accounts), "account")))
	}
	for _, h := range t.Holders {
		if h.Institution == "" {
			l := dgShort(h.Value)
			if h.Entity != "" {
				l += " " + h.Entity
			}
			s[1] = append(s[1], l+": "+h.Amount+" "+h.Asset)
		}
	}
	for _, lo := range t.Lost {
		l := lo.Reason + ": " + lo.Amount + " " + lo.Asset
		if lo.Entity != "" {
			l += " · " + lo.Entity
		} else if lo.Value != "" {
			l += " · " + dgShort(lo.Value)
		}
		s[2] = append(s[2], l)
	}
	for i := range s {
		if len(s[i]) == 0 {
			s[i] = []string{"none"}
		}
		if len(s[i]) > 12 {
			s[i] = append(s[i][:11], fmt.Sprintf("… and %d more", len(s[i])-11))
		}
	}
	return s
}

var dgSummaryHeads = [3]string{"Send freeze requests to", "Held where nobody known can freeze it", "Lost from view"}

func (d *dgDiagram) summaryHeight() float64 {
	n := 0
	for _, l := range d.summary() {
		n = max(n, len(l))
	}
	return 22 + float64(n)*16
}

// dgNum writes a coordinate with one decimal, without "-0".
func dgNum(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func dgEsc(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s))
}

func (d *dgDiagram) text(b *bytes.Buffer, x, y, size float64, bold, mono bool, fill, s string) {
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s"`, dgNum(x), dgNum(y), dgNum(size), fill)
	if bold {
		b.WriteString(` font-weight="bold"`)
	}
	if mono {
		b.WriteString(` font-family="` + dgMonoFont + `"`)
	}
	b.WriteString(">")
	dgEsc(b, s)
	b.WriteString("</text>\n")
}

func (d *dgDiagram) render(b *bytes.Buffer) {
	W, H := d.width, d.height
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" viewBox="0 0 %s %s">`+"\n",
		dgNum(W), dgNum(H), dgNum(W), dgNum(H))
	b.WriteString("<title>")
	dgEsc(b, dgClean("Money flow of payment "+d.t.Payment, 300))
	b.WriteString("</title>\n<desc>")
	dgEsc(b, dgClean(fmt.Sprintf("%s %s paid %s, traced by %s as of %s: %d hops drawn, %d holders, %d losses.",
		d.t.Amount, d.t.Asset, d.when(d.t.Time), d.t.Policy, d.when(d.t.AsOf), len(d.hops), len(d.t.Holders), len(d.t.Lost)), 600))
	b.WriteString("</desc>\n")
	fmt.Fprintf(b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", dgNum(W), dgNum(H))
	b.WriteString(`<g font-family="` + dgFont + `">` + "\n")

	y := dgMargin
	for _, l := range d.headerLines() {
		y += l.size
		d.text(b, dgMargin, y, l.size, l.bold, false, l.color, dgFit(dgClean(l.text, 400), l.size, W-2*dgMargin, false, l.bold))
		y += 8
	}
	d.legend(b, y+10)

	d.captions(b)
	b.WriteString(`<g fill="none">` + "\n")
	for _, bd := range d.bands {
		d.band(b, bd)
	}
	b.WriteString("</g>\n")
	for _, c := range d.cards {
		d.card(b, c)
	}
	d.renderSummary(b, d.bottom+30)
	for i, l := range []string{
		"Band widths: square root of the victim's money carried, converted across rails at the crossing rate, at least 2 px.",
		"Figures are printed exactly as the trace gives them. Hover over a box or band for accounts, transfer ids, times and confidence.",
	} {
		d.text(b, dgMargin, H-30+float64(i)*14, 10, false, false, "#6b7280", dgFit(l, 10, W-2*dgMargin, false, false))
	}
	b.WriteString("</g>\n</svg>\n")
}

// captions name the columns over them: the victim, then each layer of
// accounts one more transfer away.
func (d *dgDiagram) captions(b *bytes.Buffer) {
	for c := range d.cols {
		s := "victim"
		switch {
		case d.overflow && c == len(d.cols)-1:
			s = fmt.Sprintf("layer %d and further", c)
		case c > 0:
			s = fmt.Sprintf("layer %d", c)
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="11" fill="#6b7280" text-anchor="middle">%s</text>`+"\n",
			dgNum(dgMargin+float64(c)*(dgCardW+dgGap)+dgCardW/2), dgNum(d.top-12), s)
	}
}

func (d *dgDiagram) legend(b *bytes.Buffer, top float64) {
	x, y := dgMargin, top
	for _, it := range dgLegend {
		w := 34 + dgTextWidth(it.text, 11, false, false) + 18
		if x+w > d.width-dgMargin && x > dgMargin {
			x, y = dgMargin, y+dgLegendRow
		}
		st := dgStyles[it.role]
		if it.band {
			fmt.Fprintf(b, `<path d="M%s %sH%s" stroke="%s" stroke-opacity="0.5" stroke-width="10" fill="none"/>`+"\n",
				dgNum(x), dgNum(y+7), dgNum(x+26), st.band)
			if it.role == dgRoleCross {
				fmt.Fprintf(b, `<path d="M%s %sH%s" stroke="%s" stroke-width="2" stroke-dasharray="6 3" fill="none"/>`+"\n",
					dgNum(x), dgNum(y+7), dgNum(x+26), dgStyles[dgRoleOTC].stroke)
			}
		} else {
			sw := "1.2"
			if it.role == dgRoleFreeze {
				sw = "3"
			}
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="26" height="14" rx="3" fill="%s" stroke="%s" stroke-width="%s"/>`+"\n",
				dgNum(x), dgNum(y), st.fill, st.stroke, sw)
		}
		d.text(b, x+34, y+11, 11, false, false, "#374151", it.text)
		x += w
	}
}

func (d *dgDiagram) band(b *bytes.Buffer, bd *dgBand) {
	from, to := d.cards[bd.from], d.cards[bd.to]
	x1, x2 := from.x+dgCardW, to.x
	var path string
	switch {
	case bd.side:
		// A loop in the gap right of the column, from edge to edge.
		k := math.Min(dgGap*0.45, 24+math.Abs(bd.y2-bd.y1)*0.2)
		path = fmt.Sprintf("M%s %sC%s %s %s %s %s %s", dgNum(x1), dgNum(bd.y1), dgNum(x1+k), dgNum(bd.y1),
			dgNum(x1+k), dgNum(bd.y2), dgNum(x1), dgNum(bd.y2))
	case bd.back:
		// Out to the right, down to its lane, back left under the
		// columns, and up into the box from the left.
		k := dgGap * 0.3
		path = fmt.Sprintf("M%s %sC%s %s %s %s %s %sH%sC%s %s %s %s %s %s",
			dgNum(x1), dgNum(bd.y1), dgNum(x1+k), dgNum(bd.y1), dgNum(x1+k), dgNum(bd.lane), dgNum(x1), dgNum(bd.lane),
			dgNum(x2), dgNum(x2-k), dgNum(bd.lane), dgNum(x2-k), dgNum(bd.y2), dgNum(x2), dgNum(bd.y2))
	default:
		c := (x2 - x1) / 2
		path = fmt.Sprintf("M%s %sC%s %s %s %s %s %s", dgNum(x1), dgNum(bd.y1), dgNum(x1+c), dgNum(bd.y1),
			dgNum(x2-c), dgNum(bd.y2), dgNum(x2), dgNum(bd.y2))
	}
	color, opacity := dgStyles[to.role].band, "0.45"
	switch {
	case bd.dashed:
		color, opacity = dgStyles[dgRoleCross].band, "0.3"
	case bd.back || bd.side:
		color, opacity = dgStyles[dgRoleBack].band, "0.35"
	}
	title := d.bandTitle(bd)
	fmt.Fprintf(b, `<path d="%s" stroke="%s" stroke-opacity="%s" stroke-width="%s"><title>`, path, color, opacity, dgNum(bd.w))
	dgEsc(b, title)
	b.WriteString("</title></path>\n")
	if bd.dashed {
		// A dashed spine marks the crossing without chopping the band
		// into blocks.
		fmt.Fprintf(b, `<path d="%s" stroke="%s" stroke-width="2" stroke-dasharray="8 5"><title>`, path, dgStyles[dgRoleOTC].stroke)
		dgEsc(b, title)
		b.WriteString("</title></path>\n")
	}
}

func (d *dgDiagram) card(b *bytes.Buffer, c *dgCard) {
	st := dgStyles[c.role]
	sw := "1.2"
	if c.role == dgRoleFreeze {
		sw = "3"
	}
	b.WriteString("<g><title>")
	dgEsc(b, c.title)
	b.WriteString("</title>\n")
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s" stroke="%s" stroke-width="%s"/>`+"\n",
		dgNum(c.x), dgNum(c.y), dgNum(dgCardW), dgNum(c.h), st.fill, st.stroke, sw)
	y := c.y + (c.h-c.textH)/2 + dgPad - 2
	for _, l := range c.lines {
		ls := dgLineStyles[l.style]
		y += ls.height
		fill := "#111827"
		switch l.style {
		case dgLineTag, dgLineStrong:
			fill = st.ink
		case dgLineMono:
			fill = "#334155"
		}
		if l.style == dgLineTag {
			fmt.Fprintf(b, `<text x="%s" y="%s" font-size="9" font-weight="bold" letter-spacing="0.4" fill="%s">`, dgNum(c.x+dgPad), dgNum(y-4), fill)
			dgEsc(b, l.text)
			b.WriteString("</text>\n")
			continue
		}
		d.text(b, c.x+dgPad, y-4, ls.size, ls.bold, ls.mono, fill, l.text)
	}
	b.WriteString("</g>\n")
}

func (d *dgDiagram) renderSummary(b *bytes.Buffer, top float64) {
	s := d.summary()
	colW := (d.width - 2*dgMargin - 2*24) / 3
	fmt.Fprintf(b, `<path d="M%s %sH%s" stroke="#d1d5db" stroke-width="1" fill="none"/>`+"\n", dgNum(dgMargin), dgNum(top-12), dgNum(d.width-dgMargin))
	for i, ls := range s {
		x := dgMargin + float64(i)*(colW+24)
		d.text(b, x, top+6, 12, true, false, "#111827", dgSummaryHeads[i])
		for j, l := range ls {
			d.text(b, x, top+24+float64(j)*16, 11, false, false, "#374151", dgFit(dgClean(l, 300), 11, colW, false, false))
		}
	}
}

package money

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

var dgT0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func dgBank(n int) Party { return Party{"bank_account", fmt.Sprintf("621700%010d", n)} }

func dgHop(n int, id string, from, to Party, amount, of, asset string, minutes int) Hop {
	return Hop{N: n, Transfer: id, Time: dgT0.Add(time.Duration(minutes) * time.Minute), Rail: "bank", From: from, To: to,
		Asset: asset, Amount: amount, Of: of, Confidence: 1}
}

// dgTrace starts a trace with its payment of amount CNY from victim to first.
func dgTrace(victim, first Party, amount string) *Trace {
	return &Trace{Payment: "pay-1", Policy: "fifo", Time: dgT0, From: victim, To: first, Amount: amount, Asset: "CNY",
		AsOf: dgT0.Add(48 * time.Hour), Hops: []Hop{dgHop(1, "pay-1", victim, first, amount, amount, "CNY", 0)}}
}

// dgDoc is what a drawing says, read back with encoding/xml.
type dgDoc struct {
	texts  []string // every <text>
	titles []string // every <title>
	dashed []string // titles of dashed bands
	elems  map[string]int
	attrs  []string       // every attribute name
	boxes  map[string]int // boxes by their x: how many in each column
}

func (d dgDoc) hasText(s string) bool {
	for _, t := range d.texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func (d dgDoc) countText(s string) int {
	n := 0
	for _, t := range d.texts {
		if t == s {
			n++
		}
	}
	return n
}

func (d dgDoc) hasTitle(s string) bool {
	for _, t := range d.titles {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// dgParse fails the test unless the drawing is well-formed XML with an
// <svg> root in the SVG namespace.
func dgParse(t testing.TB, svg []byte) dgDoc {
	t.Helper()
	doc := dgDoc{elems: map[string]int{}, boxes: map[string]int{}}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	type open struct {
		name   string
		dashed bool
		buf    strings.Builder
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && (tk.Name.Local != "svg" || tk.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element %+v", tk.Name)
			}
			o := &open{name: tk.Name.Local}
			var x string
			box := false
			for _, a := range tk.Attr {
				switch a.Name.Local {
				case "x":
					x = a.Value
				case "rx":
					box = a.Value == "6"
				}
				doc.attrs = append(doc.attrs, a.Name.Local)
				if a.Name.Local == "stroke-dasharray" && tk.Name.Local == "path" {
					o.dashed = true
				}
			}
			doc.elems[o.name]++
			if box && o.name == "rect" {
				doc.boxes[x]++
			}
			stack = append(stack, o)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].buf.Write(tk)
			}
		case xml.EndElement:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch o.name {
			case "text":
				doc.texts = append(doc.texts, o.buf.String())
			case "title":
				doc.titles = append(doc.titles, o.buf.String())
				if p := stack[len(stack)-1]; p.dashed {
					doc.dashed = append(doc.dashed, o.buf.String())
				}
			}
		}
	}
	return doc
}

func dgRender(t testing.TB, tr *Trace, opts DiagramOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tr.SVG(&b, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDiagramSVG(t *testing.T) {
	victim, mule, mule2 := dgBank(1), dgBank(22), dgBank(333)

	chain := dgTrace(victim, mule, "3000.00")
	chain.Hops = append(chain.Hops, dgHop(2, "m1", mule, mule2, "3000.00", "3200.00", "CNY", 30))
	chain.Holders = []Holder{{Kind: mule2.Kind, Value: mule2.Value, Institution: "CCB", Freezable: true, Amount: "3000.00", Asset: "CNY",
		Hops: 2, Confidence: 0.9, Why: "still in the account"}}
	chain.Institutions = []Institution{{Name: "CCB", Accounts: []HeldAccount{{mule2.Kind, mule2.Value, "3000.00", "CNY"}},
		Totals: []AssetAmount{{"CNY", "3000.00"}}}}

	desk, wallet := dgBank(4444), Party{"tron", "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"}
	cons, exch := Party{"tron", "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"}, Party{"tron", "TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS"}
	note := "crossed rails at OTC desk 金龙 OTC: 20000.00 CNY in, 2777.78 USDT out 6m0s later at 7.2 CNY/USDT (the day's rate, from 6 pairings)"
	otc := dgTrace(victim, mule, "20000.00")
	otc.Hops = append(otc.Hops, dgHop(2, "m1", mule, desk, "20000.00", "20000.00", "CNY", 3),
		Hop{N: 3, Transfer: "c-victim", Time: dgT0.Add(9 * time.Minute), Rail: "tron", From: wallet, To: cons, Asset: "USDT",
			Amount: "2777.78", Of: "2777.78", Confidence: 0.8, Note: note,
			Crossing: &Crossing{Desk: "金龙 OTC", Paired: "m1", In: "20000.00", InAsset: "CNY", Rate: 7.2, Trades: 6}},
		Hop{N: 4, Transfer: "cons", Time: dgT0.Add(time.Hour), Rail: "tron", From: cons, To: exch, Asset: "USDT",
			Amount: "2777.78", Of: "2777.78", Confidence: 0.8})
	otc.Holders = []Holder{{Kind: exch.Kind, Value: exch.Value, Entity: "币安 Binance", EntityType: Exchange, Institution: "币安 Binance",
		Freezable: true, Amount: "2777.78", Asset: "USDT", Hops: 4, Confidence: 0.8}}

	cash := dgTrace(victim, mule, "50000.00")
	atm := Party{"bank_account", "ATM-ICBC-3201-0042"}
	cash.Hops = append(cash.Hops, dgHop(2, "x1", mule, atm, "20000.00", "20000.00", "CNY", 5),
		dgHop(2, "x2", mule, dgBank(55), "30000.00", "30000.00", "CNY", 6))
	cash.Lost = []Lost{{Reason: "cash-out", Kind: atm.Kind, Value: atm.Value, Amount: "20000.00", Asset: "CNY"},
		{Reason: "dust", Amount: "0.40", Asset: "CNY"}}

	fan := dgTrace(victim, mule, "100000.00")
	for i := 0; i < 1000; i++ {
		fan.Hops = append(fan.Hops, dgHop(2, fmt.Sprintf("f%d", i), mule, dgBank(1000+i), fmt.Sprintf("%d.%02d", 10+i, i%100), "5000.00", "CNY", 10+i))
	}

	hostile := dgTrace(victim, mule, "10.00")
	evil := `<script>alert("x")</script> "&' 黑钱`
	hostile.Payment = `p"&<x>`
	hostile.Hops[0].Transfer = `p"&<x>`
	hostile.Holders = []Holder{{Kind: mule.Kind, Value: mule.Value, Entity: evil, Institution: `Bank "&<b>`, Freezable: true,
		Amount: "10.00", Asset: "CNY"}}
	hostile.Lost = []Lost{{Reason: "merchant", Kind: "bank_account", Value: "6217\u202e0000", Entity: "shop\u202eexe.", Amount: "1.00", Asset: "CNY"}}

	only := &Trace{Payment: "solo", Policy: "lifo", Time: dgT0, From: victim, To: mule, Amount: "88.00", Asset: "CNY", AsOf: dgT0}

	a, b, c, e := dgBank(7), dgBank(8), dgBank(9), dgBank(10)
	cycle := dgTrace(victim, a, "900.00")
	cycle.Hops = append(cycle.Hops, dgHop(2, "ab", a, b, "900.00", "900.00", "CNY", 1),
		dgHop(3, "bc", b, c, "900.00", "900.00", "CNY", 2), dgHop(4, "ca", c, a, "900.00", "900.00", "CNY", 3),
		dgHop(5, "ab2", a, b, "400.00", "400.00", "CNY", 4), dgHop(5, "ae", a, e, "500.00", "500.00", "CNY", 5),
		dgHop(6, "be", b, e, "400.00", "400.00", "CNY", 6))
	cycle.Holders = []Holder{{Kind: e.Kind, Value: e.Value, Amount: "900.00", Asset: "CNY", Hops: 5}}

	short := func(p Party) string { return dgShort(p.Value) }
	for _, tc := range []struct {
		name       string
		trace      *Trace
		texts      []string // shown in a <text>
		titles     []string // in some <title>
		dashed     string   // in the title of a dashed band
		once       []string // <text> shown exactly once
		notInBytes []string
	}{
		{name: "simple chain", trace: chain,
			texts:  []string{"Money flow of payment pay-1", "victim", "layer 1", "layer 2", "VICTIM · bank_account", short(victim), "paid 3000.00 CNY", "received 3000.00 CNY", "holds 3000.00 CNY", "freeze at CCB", "CAN BE FROZEN", "policy fifo", "CCB: 3000.00 CNY (1 account)"},
			titles: []string{"transfer m1 · hop 2 · bank", "3000.00 CNY of the victim's money, of a 3200.00 CNY transfer", "confidence 1.00", "2026-11-20 02:30:00 +00:00", "bank_account " + mule2.Value},
			once:   []string{short(mule), short(mule2)}},
		{name: "OTC crossing", trace: otc,
			texts:  []string{"金龙 OTC", "OTC DESK · bank_account", "OTC DESK · tron", "币安 Binance", "holds 2777.78 USDT", "freeze at 币安 Binance", "TJCnKs…sxMW", "received 2777.78 USDT"},
			titles: []string{"transfer cons · hop 4 · tron"},
			dashed: "crossed rails at OTC desk 金龙 OTC: 20000.00 CNY in"},
		{name: "cash-out loss", trace: cash,
			texts:  []string{"LOST FROM VIEW · bank_account", "cash-out 20000.00 CNY", "ATM-IC…0042", "dust 0.40 CNY", "cash-out: 20000.00 CNY · ATM-IC…0042", "received 30000.00 CNY"},
			titles: []string{"lost from view: cash-out 20000.00 CNY", "money lost from view without an account"}},
		{name: "fan-out merged", trace: fan,
			// 1000 mules: 39 drawn, 961 merged; the smallest (10.00 … 970.60) add up exactly.
			texts:  []string{"961 more accounts", "MERGED · 961 accounts", "received 471353.80 CNY in all", "received 1009.99 CNY", "961 accounts are merged"},
			titles: []string{"961 more accounts, merged", "961 transfers, 471353.80 CNY of the victim's money", "… and 949 more"},
			once:   []string{short(dgBank(1999))}},
		{name: "hostile strings", trace: hostile,
			texts:      []string{`<script>alert("x")</script`, `freeze at Bank "&<b>`, `Money flow of payment p"&<x>`, "shop[U+202E]exe.", "6217[U+202E]0000"},
			titles:     []string{evil, `transfer p"&<x>`},
			notInBytes: []string{"<script", "<b>", "<x>", "\u202e"}},
		{name: "only the payment", trace: only,
			texts:  []string{"paid 88.00 CNY", "received 88.00 CNY", "policy lifo", "none"},
			titles: []string{"transfer solo · hop 1", "88.00 CNY of the victim's money, of a 88.00 CNY transfer"}},
		{name: "cycle placed once", trace: cycle,
			texts:  []string{"received 1300.00 CNY", "holds 900.00 CNY", "STILL HOLDS"},
			titles: []string{"2 transfers, 1300.00 CNY of the victim's money", "received 1300.00 CNY of the victim's money in 2 transfers"},
			once:   []string{short(a), short(b), short(c), short(e)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := dgRender(t, tc.trace, DiagramOptions{})
			doc := dgParse(t, out)
			if path := os.Getenv("FANZHA_DIAGRAM_EXAMPLE"); path != "" {
				dgWriteExample(t, strings.TrimSuffix(path, filepath.Ext(path))+"-"+strings.ReplaceAll(tc.name, " ", "-")+".svg", out)
			}
			for _, s := range tc.texts {
				if !doc.hasText(s) {
					t.Errorf("no text %q in %q", s, doc.texts)
				}
			}
			for _, s := range tc.titles {
				if !doc.hasTitle(s) {
					t.Errorf("no title with %q in %q", s, doc.titles)
				}
			}
			if tc.dashed != "" {
				found := false
				for _, s := range doc.dashed {
					found = found || strings.Contains(s, tc.dashed)
				}
				if !found {
					t.Errorf("no dashed band titled %q: %q", tc.dashed, doc.dashed)
				}
			} else if len(doc.dashed) > 0 {
				t.Errorf("dashed bands %q", doc.dashed)
			}
			for _, s := range tc.once {
				if n := doc.countText(s); n != 1 {
					t.Errorf("%q drawn %d times", s, n)
				}
			}
			for _, s := range tc.notInBytes {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("raw %q in the output", s)
				}
			}
			dgSafe(t, out, doc)
		})
	}
}

// dgSafe checks what makes a drawing fit for an evidence package: no
// scripts, links or outside resources.
func dgSafe(t testing.TB, out []byte, doc dgDoc) {
	t.Helper()
	for _, el := range []string{"script", "a", "image", "use", "foreignObject", "style", "iframe"} {
		if doc.elems[el] > 0 {
			t.Errorf("<%s> in the drawing", el)
		}
	}
	for _, a := range doc.attrs {
		if a == "href" || strings.HasPrefix(a, "on") {
			t.Errorf("attribute %s in the drawing", a)
		}
	}
	if bytes.Contains(out, []byte("url(")) || bytes.Contains(out, []byte("<!DOCTYPE")) {
		t.Error("an outside reference in the drawing")
	}
}

func TestDiagramDeterministic(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	tr := dgRandomTrace(rng, 400)
	first := dgRender(t, tr, DiagramOptions{MaxPerColumn: 12})
	for i := 0; i < 5; i++ {
		if again := dgRender(t, tr, DiagramOptions{MaxPerColumn: 12}); !bytes.Equal(first, again) {
			t.Fatal("the same trace drew different bytes")
		}
	}
}

// dgBigTrace is a fan-out like a mule network's: a hub pays hundreds of
// mules, who pay on to exchanges, cash out, or pay each other.
func dgBigTrace() *Trace {
	rng := rand.New(rand.NewSource(42))
	victim, hub := dgBank(1), dgBank(2)
	tr := dgTrace(victim, hub, "500000.00")
	exch := []Party{{"tron", "TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS"}, {"tron", "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"}, dgBank(3)}
	names := []string{"币安 Binance", "火币 Huobi", "支付宝 Alipay"}
	held := make([]int, len(exch))
	for i := 0; i < 1500; i++ {
		m := dgBank(100 + i)
		amt := 50 + rng.Intn(560)
		tr.Hops = append(tr.Hops, dgHop(2, fmt.Sprintf("h-%d", i), hub, m, fmt.Sprintf("%d.00", amt), fmt.Sprintf("%d.00", amt), "CNY", i))
		switch j := rng.Intn(6); {
		case j < 3:
			tr.Hops = append(tr.Hops, dgHop(3, fmt.Sprintf("x-%d", i), m, exch[j], fmt.Sprintf("%d.00", amt), fmt.Sprintf("%d.00", amt), "CNY", 2000+i))
			held[j] += amt
		case j == 3:
			tr.Hops = append(tr.Hops, dgHop(3, fmt.Sprintf("l-%d", i), m, dgBank(100+rng.Intn(1500)), fmt.Sprintf("%d.00", amt), fmt.Sprintf("%d.00", amt), "CNY", 2000+i))
		}
	}
	for j, p := range exch {
		tr.Holders = append(tr.Holders, Holder{Kind: p.Kind, Value: p.Value, Entity: names[j], EntityType: Exchange, Institution: names[j],
			Freezable: true, Amount: fmt.Sprintf("%d.00", held[j]), Asset: "CNY", Hops: 3})
	}
	return tr
}

func TestDiagramBigFanOut(t *testing.T) {
	tr := dgBigTrace()
	out := dgRender(t, tr, DiagramOptions{})
	doc := dgParse(t, out)
	if len(doc.boxes) != 4 {
		t.Errorf("%d columns, want 4: %v", len(doc.boxes), doc.boxes)
	}
	for x, n := range doc.boxes {
		if n > 40 {
			t.Errorf("%d boxes in the column at x=%s", n, x)
		}
	}
	for _, s := range []string{"币安 Binance", "火币 Huobi", "freeze at 支付宝 Alipay", "small transfers back or within a column are not drawn"} {
		if !doc.hasText(s) {
			t.Errorf("no %q", s)
		}
	}
	if path := os.Getenv("FANZHA_DIAGRAM_EXAMPLE"); path != "" {
		dgWriteExample(t, strings.TrimSuffix(path, filepath.Ext(path))+"-fanout.svg", out)
	}
}

func TestDiagramColumnsAndZones(t *testing.T) {
	victim := dgBank(1)
	tr := dgTrace(victim, dgBank(2), "100.00")
	prev := dgBank(2)
	for i := 3; i < 60; i++ { // a chain 58 accounts long
		next := dgBank(i)
		tr.Hops = append(tr.Hops, dgHop(i-1, fmt.Sprintf("h%d", i), prev, next, "100.00", "100.00", "CNY", i))
		prev = next
	}
	doc := dgParse(t, dgRender(t, tr, DiagramOptions{MaxColumns: 5, Location: time.FixedZone("CST", 8*3600)}))
	if !doc.hasText("55 accounts further on") || !doc.hasTitle("55 accounts 4 or more transfers from the victim") {
		t.Errorf("deep accounts not merged: %q", doc.texts)
	}
	if !doc.hasText("layer 4 and further") || doc.hasText("layer 5") {
		t.Errorf("columns captioned wrong: %q", doc.texts)
	}
	if !doc.hasText("paid 2026-11-20 10:00:00 +08:00") {
		t.Errorf("times not in the zone asked for: %q", doc.texts)
	}
	if err := (*Trace)(nil).SVG(io.Discard, DiagramOptions{}); err == nil {
		t.Error("no error for a nil trace")
	}
	if err := (&Trace{}).SVG(nil, DiagramOptions{}); err == nil {
		t.Error("no error for a nil writer")
	}
	var empty bytes.Buffer
	if err := (&Trace{}).SVG(&empty, DiagramOptions{}); err != nil {
		t.Fatal(err)
	}
	dgParse(t, empty.Bytes())
}

// dgRandomTrace makes a trace that no tracer would: cycles, self-payments,
// hop numbers out of order, unreadable amounts, notes that half-parse,
// holders and losses with and without a path to them.
func dgRandomTrace(rng *rand.Rand, hops int) *Trace {
	pick := func(xs ...string) string { return xs[rng.Intn(len(xs))] }
	party := func() Party {
		k := pick("bank_account", "tron", "", "eth")
		return Party{k, pick("", "x", "\u202eevil", "<&>", "账户") + fmt.Sprint(rng.Intn(hops/3+2))}
	}
	amount := func() string {
		return pick(fmt.Sprintf("%d.%02d", rng.Intn(100000), rng.Intn(100)), "0", "-5", "abc", "", "1e400", "NaN",
			"0.000000001", "99999999999999999999999999999.5", fmt.Sprint(rng.Intn(10)))
	}
	asset := func() string { return pick("CNY", "USDT", "BTC", "", "<a>") }
	tr := &Trace{Payment: pick("p", "", "<x>"), Policy: pick("fifo", ""), From: party(), To: party(), Amount: amount(), Asset: asset(),
		Time: dgT0, Accounts: rng.Intn(100)}
	for i := 0; i < hops; i++ {
		h := Hop{N: rng.Intn(14) - 2, Transfer: fmt.Sprint("t", i), Time: dgT0.Add(time.Duration(rng.Intn(1e6)) * time.Second),
			From: party(), To: party(), Asset: asset(), Amount: amount(), Of: amount(), Confidence: rng.Float64()}
		if i == 0 {
			h.From = tr.From
		}
		switch rng.Intn(6) {
		case 0:
			h.Note = "crossed rails at an OTC desk"
			h.Crossing = &Crossing{Desk: pick("D", "", ":"), Paired: fmt.Sprint("t", rng.Intn(hops+1)), In: amount(), InAsset: asset(),
				Rate: []float64{7.2, 0, -1, math.NaN(), 1e308, math.Inf(1)}[rng.Intn(6)]}
		case 1:
			h.Note = "crossed rails somewhere"
		}
		tr.Hops = append(tr.Hops, h)
	}
	for i := rng.Intn(8); i > 0; i-- {
		p := party()
		tr.Holders = append(tr.Holders, Holder{Kind: p.Kind, Value: p.Value, Amount: amount(), Asset: asset(), Entity: pick("", "币安", "<b>"),
			Freezable: rng.Intn(2) == 0, Institution: pick("", "ICBC")})
	}
	for i := rng.Intn(8); i > 0; i-- {
		p := party()
		if rng.Intn(3) == 0 {
			p = Party{}
		}
		tr.Lost = append(tr.Lost, Lost{Reason: pick("cash-out", "dust", "mixer"), Kind: p.Kind, Value: p.Value, Amount: amount(), Asset: asset()})
	}
	return tr
}

func TestDiagramRandomTraces(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		tr := dgRandomTrace(rng, 1+rng.Intn(150))
		opts := DiagramOptions{MaxPerColumn: rng.Intn(12) - 1, MaxColumns: rng.Intn(12) - 1}
		out := dgRender(t, tr, opts)
		doc := dgParse(t, out)
		dgSafe(t, out, doc)
		if !bytes.Equal(out, dgRender(t, tr, opts)) {
			t.Fatalf("trace %d drew different bytes twice", i)
		}
	}
}

func FuzzDiagramSVG(f *testing.F) {
	f.Add("6217000012345678", "币安", "20000.00", "crossed rails at OTC desk X: 1 CNY in, 2 USDT out 1s later at 0.5 CNY/USDT", 3)
	f.Add("<script>", `"&'`, "abc", "\x00\xff\u202e", -1)
	f.Fuzz(func(t *testing.T, value, entity, amount, note string, n int) {
		p := Party{"bank_account", value}
		tr := dgTrace(dgBank(1), p, amount)
		tr.Hops = append(tr.Hops, Hop{N: n, Transfer: note, From: p, To: Party{"tron", entity}, Amount: amount, Of: amount, Asset: entity, Note: note,
			Crossing: &Crossing{Desk: entity, Paired: note, In: amount, InAsset: value, Rate: float64(n)}})
		tr.Holders = []Holder{{Kind: "tron", Value: entity, Entity: entity, Amount: amount, Asset: entity, Institution: value, Freezable: true}}
		tr.Lost = []Lost{{Reason: note, Value: value, Kind: "bank_account", Entity: entity, Amount: amount}}
		out := dgRender(t, tr, DiagramOptions{Title: note})
		dgSafe(t, out, dgParse(t, out))
	})
}

// dgLedger builds a ledger like a real case, with Chinese names, an OTC
// desk, a cash-out, a merchant, a payment firm and an exchange.
func dgLedger(t testing.TB) *Ledger {
	l := NewLedger()
	bank := func(n int) indicator.Indicator {
		return indicator.MustParse(indicator.BankAccount, fmt.Sprintf("62170000%08d", n))
	}
	tron := func(a string) indicator.Indicator { return indicator.MustParse(indicator.TRON, a) }
	add := func(id string, from, to indicator.Indicator, amount, asset string, r Rail, minutes int, inst string) {
		amt, err := ParseAmount(amount)
		if err != nil {
			t.Fatal(err)
		}
		if !l.Add(Transfer{ID: id, Time: dgT0.Add(time.Duration(minutes) * time.Minute), Rail: r, Asset: asset, Amount: amt,
			From: from, To: to, ToInstitution: inst}) {
			t.Fatalf("transfer %s not added", id)
		}
	}
	attr := func(ind indicator.Indicator, name, typ string) {
		l.Attribute(Attribution{Indicator: ind, Entity: name, EntityType: typ, Source: "test"})
	}
	victim, mule := bank(10000001), bank(20000002)
	deskBank, deskWallet := bank(30000003), tron("TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW")
	cons, exch := tron("TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"), tron("TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS")
	attr(deskBank, "金龙场外交易 Golden Dragon OTC", OTC)
	attr(deskWallet, "金龙场外交易 Golden Dragon OTC", OTC)
	attr(exch, "币安 Binance", Exchange)
	attr(bank(50000005), "幸福商店", Merchant)
	attr(bank(60000006), "支付宝 Alipay", PaymentFirm)
	add("pay-20261120-001", victim, mule, "80000", "CNY", Bank, 0, "CMB")
	add("m-desk", mule, deskBank, "36000", "CNY", Bank, 4, "CCB")
	add("m-atm", mule, indicator.MustParse(indicator.BankAccount, "ATM-ICBC-3201-0042"), "20000", "CNY", Other, 6, "")
	for i := 0; i < 3; i++ {
		add(fmt.Sprintf("m-l2-%d", i), mule, bank(40000010+i), fmt.Sprintf("%d", 8000-i*1000), "CNY", Bank, 8+i, "BOC")
	}
	add("l2-shop", bank(40000010), bank(50000005), "3000", "CNY", Bank, 30, "CMB")
	add("l2-alipay", bank(40000010), bank(60000006), "5000", "CNY", Bank, 35, "Alipay")
	add("l2-alipay2", bank(40000011), bank(60000006), "7000", "CNY", Bank, 36, "Alipay")
	add("l2-back", bank(40000012), mule, "1000", "CNY", Bank, 40, "CMB")
	for i := 0; i < 6; i++ {
		add(fmt.Sprintf("o%d", i), bank(70000000+i), deskBank, fmt.Sprintf("%d", 7200*(i+2)), "CNY", Bank, 30+i*20, "CCB")
		add(fmt.Sprintf("c%d", i), deskWallet, tron("TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf"), fmt.Sprintf("%d", 1000*(i+2)), "USDT", TRONChain, 34+i*20, "")
	}
	add("c-victim", deskWallet, cons, "5000", "USDT", TRONChain, 10, "")
	add("cons-exch", cons, exch, "4000", "USDT", TRONChain, 60, "")
	return l
}

func TestDiagramFromLedgerTrace(t *testing.T) {
	tr, err := dgLedger(t).Trace("pay-20261120-001", TraceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := dgRender(t, tr, DiagramOptions{Title: "案件 Case 2026-0423 · exhibit 7", Location: time.FixedZone("CST", 8*3600)})
	doc := dgParse(t, out)
	if len(doc.dashed) == 0 || !strings.Contains(doc.dashed[0], "crossed rails at OTC desk 金龙场外交易 Golden Dragon OTC") {
		t.Errorf("no dashed crossing: %q", doc.dashed)
	}
	for _, s := range []string{"币安 Binance", "LOST FROM VIEW", "幸福商店", "freeze at 支付宝 Alipay"} {
		if !doc.hasText(s) {
			t.Errorf("no %q in %q", s, doc.texts)
		}
	}
	if path := os.Getenv("FANZHA_DIAGRAM_EXAMPLE"); path != "" {
		dgWriteExample(t, path, out)
	}
}

// dgWriteExample writes a drawing to look at, and a PNG of it when
// rsvg-convert is installed: FANZHA_DIAGRAM_EXAMPLE=/tmp/trace-example.svg.
func dgWriteExample(t *testing.T, path string, out []byte) {
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if conv, err := exec.LookPath("rsvg-convert"); err == nil {
		png := strings.TrimSuffix(path, filepath.Ext(path)) + ".png"
		if msg, err := exec.Command(conv, "-o", png, path).CombinedOutput(); err != nil {
			t.Errorf("rsvg-convert: %v %s", err, msg)
		}
	}
}

package simulate

// The joint scenario: the money simulator's economy and the telecom
// simulator's network over the same people and the same days. Person i of
// the money scenario is subscriber i of the telecom one, so every card and
// e-wallet has its holder's phone number, and every victim was called by a
// fraud line before paying: a long conversation that hooked them, one again
// minutes to hours before each payment to talk them through it, and for
// some a call back to the line. Ordinary people keep the telecom
// simulator's traffic — friends, couriers, hotlines, banks' SMS — and its
// fraud lines' calls to strangers, most hung up at once but some answered
// at length, so "was called by a suspect" is not the same as "is a victim".
// That is what a payment screen fed by both worlds (预警 before the money
// moves) is measured against.

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// JointConfig sizes a joint scenario. Accounts are both the money
// scenario's people and the telecom scenario's subscribers.
type JointConfig struct {
	Accounts   int
	Victims    int
	Days       int
	Seed       uint64
	FraudShare float64   // share of call records made by fraud lines; 0 means 0.01
	Start      time.Time // zero means Monday 2026-11-16 00:00 +08:00
}

// AccountPhone ties an account to its holder's phone number (E.164): the
// paying bank knows the phone of every customer, the transfer shape has no
// column for it.
type AccountPhone struct {
	Account string `json:"account"`
	Phone   string `json:"phone"`
}

// PhonesColumns are the columns of phones.csv.
var PhonesColumns = []string{"account", "phone"}

// JointPayment is a victim's payment with the call that preceded it.
type JointPayment struct {
	ID          string    `json:"id"` // transfer id
	Time        time.Time `json:"time"`
	Phone       string    `json:"phone"` // the payer's
	Line        string    `json:"line"`  // the fraud line that called just before
	CallStart   time.Time `json:"call_start"`
	CallSeconds int       `json:"call_seconds"`
}

// JointTruth is what the joint scenario adds to the two truths.
type JointTruth struct {
	VictimPayments []JointPayment `json:"victim_payments"`
	VictimPhones   []string       `json:"victim_phones"`
	FraudLines     []string       `json:"fraud_lines"` // the lines that called victims
	ScamCalls      int            `json:"scam_calls"`  // records added for the victims' scams
}

// JointScenario is everything a joint scenario produces besides the
// transfers and the call records.
type JointScenario struct {
	// Money is the money scenario; its reports name, as the phone that
	// called, the fraud line that hooked the victim.
	Money   MoneyScenario
	Telecom TelecomTruth
	Phones  []AccountPhone
	Truth   JointTruth
}

// callCentreDaily is the fewest calls a day a call-centre line makes.
const callCentreDaily = 300

// scamCall is one call planned for a victim's scam.
type scamCall struct {
	t      int64
	person int
	dur    int
	back   bool // the victim calls the line
	spoof  bool // from a spoofing campaign rather than a call centre
	slot   int
	pay    int // index into the victim payments it precedes; -1 for none
	report string
}

// GenerateJoint runs the money scenario, streaming its transfers to
// transfers, then the telecom scenario over the same people and days with
// the victims' scam calls, streaming its call records to cdrs (in start
// order). Both emit functions may keep the strings, not the slice. The
// same config always gives the same records.
func GenerateJoint(cfg JointConfig, transfers, cdrs func(rec []string) error) (JointScenario, error) {
	mg, err := newMoney(MoneyConfig{Accounts: cfg.Accounts, Victims: cfg.Victims, Days: cfg.Days, Seed: cfg.Seed, Start: cfg.Start})
	if err != nil {
		return JointScenario{}, err
	}
	mg.emit = transfers
	for d := range mg.days {
		if err := mg.runDay(d); err != nil {
			return JointScenario{}, fmt.Errorf("simulate: joint: transfers: %w", err)
		}
	}
	js := JointScenario{Money: mg.scenario()}

	tg, err := newTelecom(TelecomConfig{Subscribers: cfg.Accounts, Days: cfg.Days, Seed: cfg.Seed ^ 0x7e1ec0, FraudShare: cfg.FraudShare, Start: mg.cfg.Start})
	if err != nil {
		return JointScenario{}, err
	}
	for i := range mg.n {
		phone := tg.number(int64(i))
		js.Phones = append(js.Phones, AccountPhone{Account: mg.value(mg.card(i)), Phone: phone})
		if mg.hasWallet(i) {
			js.Phones = append(js.Phones, AccountPhone{Account: mg.value(mg.wallet(i)), Phone: phone})
		}
	}

	// A call centre's SIM dials a few hundred numbers a day whatever share
	// of them this operator carries; the telecom simulator sizes its lines
	// to the population, which on a small one leaves a line too quiet to
	// be told from a busy person. Give every call-centre line its real pace.
	for i := range tg.mass {
		tg.mass[i].vol = max(tg.mass[i].vol, callCentreDaily)
	}
	calls, pays := planScams(mg, tg)
	byHour := map[int][]scamCall{}
	for _, c := range calls {
		h := int((c.t - tg.t0) / hourSec)
		byHour[h] = append(byHour[h], c)
	}
	lines := map[string]bool{}
	hooked := map[string]string{} // report → the line that hooked its victim
	// The telecom simulator's hour loop (GenerateTelecom), with the scam
	// calls of each hour placed from whichever number the victim's call
	// centre or spoofing campaign uses at that hour.
	for h := range cfg.Days * 24 {
		tg.cur = h
		hs := tg.t0 + int64(h)*hourSec
		if h%24 == 0 {
			tg.startDay(h / 24)
		}
		tg.hour(hs)
		for _, c := range byHour[h] {
			slots := tg.mass
			if c.spoof {
				slots = tg.spoof
			}
			line := slots[c.slot%len(slots)].line
			num := tg.number(line)
			lines[num] = true
			if _, ok := hooked[c.report]; !ok {
				hooked[c.report] = num
			}
			if c.back {
				tg.push(tg.call(c.t, int64(c.person), line, c.dur, false))
			} else {
				tg.push(tg.call(c.t, line, int64(c.person), c.dur, false))
			}
			js.Truth.ScamCalls++
			if c.pay >= 0 {
				p := &pays[c.pay]
				p.Line, p.CallStart, p.CallSeconds = num, time.Unix(c.t, 0).In(cst), c.dur
			}
		}
		batch := tg.buckets[h]
		delete(tg.buckets, h)
		slices.SortFunc(batch, func(a, b tevent) int {
			return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.seq, b.seq))
		})
		for i := range batch {
			tg.account(&batch[i])
			if err := cdrs(tg.format(&batch[i])); err != nil {
				return JointScenario{}, fmt.Errorf("simulate: joint: call records: %w", err)
			}
		}
	}
	js.Telecom = tg.truth()
	slices.SortStableFunc(pays, func(a, b JointPayment) int { return a.Time.Compare(b.Time) })
	js.Truth.VictimPayments = pays
	for _, v := range mg.victims {
		js.Truth.VictimPhones = append(js.Truth.VictimPhones, tg.number(int64(v.person)))
	}
	slices.Sort(js.Truth.VictimPhones)
	for n := range lines {
		js.Truth.FraudLines = append(js.Truth.FraudLines, n)
	}
	slices.Sort(js.Truth.FraudLines)
	// Victims report the number that called them, not the ring's other
	// phones the money simulator would name.
	for i := range js.Money.Reports {
		r := &js.Money.Reports[i]
		if num, ok := hooked[r.ID]; ok {
			for k := range r.Contacts {
				if r.Contacts[k].Kind == "phone" {
					r.Contacts[k].Value = num
				}
			}
		}
	}
	return js, nil
}

// planScams plans the calls of every victim's scam: the hook (a long
// conversation hours to days before the first payment), for some a call
// back to the line, and a call before every payment that ends a minute or
// more before the money moves — victims are talked through each payment.
// It returns the calls by time and the victims' payments, by victim (the
// calls index them).
func planScams(mg *mgen, tg *tgen) ([]scamCall, []JointPayment) {
	var calls []scamCall
	var pays []JointPayment
	for k := range mg.victims {
		v := &mg.victims[k]
		ring := &mg.rings[v.ring]
		// Officials and customer service are impersonated from abroad with
		// spoofed numbers; the other scams run from call centres' SIMs.
		spoof := ring.typology == "impersonation_official" || ring.typology == "customer_service"
		slot := v.ring
		phone := tg.number(int64(v.person))
		first := mg.pays[v.pays[0]].t
		hook := first - int64(tg.dur(20*3600, 1.0, 1800, 5*daySec))
		if len(v.contacts) > 0 && v.contacts[0].Kind == "phone" {
			hook = min(hook, v.contacts[0].Time.Unix())
		}
		hookDur := tg.dur(900, 0.6, 300, 5400)
		if hook >= tg.t0 { // else the scam began before the records do
			calls = append(calls, scamCall{t: hook, person: v.person, dur: hookDur, spoof: spoof, slot: slot, pay: -1, report: v.report})
		}
		if !spoof && tg.chance(0.4) {
			tb := hook + int64(tg.dur(2*3600, 1.0, 600, 12*3600))
			if tb < first-600 {
				calls = append(calls, scamCall{t: tb, person: v.person, dur: tg.dur(400, 0.8, 60, 3600), back: true, slot: slot, pay: -1, report: v.report})
			}
		}
		for _, p := range v.pays {
			vp := &mg.pays[p]
			lead := int64(tg.dur(45*60, 1.0, 5*60, 12*3600))
			start := max(vp.t-lead, tg.t0+60)
			d := min(tg.dur(1200, 0.6, 180, 5400), int(vp.t-start)-60)
			if d < 30 { // the scenario's first minutes: no room for a call
				continue
			}
			calls = append(calls, scamCall{t: start, person: v.person, dur: d, spoof: spoof, slot: slot, pay: len(pays), report: v.report})
			pays = append(pays, JointPayment{ID: vp.id, Time: time.Unix(vp.t, 0).In(cst), Phone: phone})
		}
	}
	slices.SortStableFunc(calls, func(a, b scamCall) int { return cmp.Compare(a.t, b.t) })
	return calls, pays
}

// WriteJoint writes dir/transfers.csv, cdr.csv, phones.csv,
// attributions.csv, reports.ndjson and truth.json (the money truth, the
// telecom truth and the joint truth under "money", "telecom" and "joint").
func WriteJoint(cfg JointConfig, dir string) (JointScenario, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return JointScenario{}, fmt.Errorf("simulate: %w", err)
	}
	tw, err := newCSVFile(filepath.Join(dir, "transfers.csv"), TransferColumns)
	if err != nil {
		return JointScenario{}, err
	}
	defer tw.f.Close()
	cw, err := newCSVFile(filepath.Join(dir, "cdr.csv"), CDRColumns)
	if err != nil {
		return JointScenario{}, err
	}
	defer cw.f.Close()
	js, err := GenerateJoint(cfg, tw.w.Write, cw.w.Write)
	if err != nil {
		return js, err
	}
	if err := tw.close(); err != nil {
		return js, err
	}
	if err := cw.close(); err != nil {
		return js, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(PhonesColumns)
	for _, p := range js.Phones {
		w.Write([]string{p.Account, p.Phone})
	}
	w.Flush()
	if err := os.WriteFile(filepath.Join(dir, "phones.csv"), buf.Bytes(), 0o644); err != nil {
		return js, fmt.Errorf("simulate: writing phones.csv: %w", err)
	}
	buf.Reset()
	w = csv.NewWriter(&buf)
	w.Write(AttributionColumns)
	for _, a := range js.Money.Attributions {
		w.Write(a.record())
	}
	w.Flush()
	if err := os.WriteFile(filepath.Join(dir, "attributions.csv"), buf.Bytes(), 0o644); err != nil {
		return js, fmt.Errorf("simulate: writing attributions.csv: %w", err)
	}
	buf.Reset()
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range js.Money.Reports {
		if err := enc.Encode(r); err != nil {
			return js, fmt.Errorf("simulate: report %s: %w", r.ID, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "reports.ndjson"), buf.Bytes(), 0o644); err != nil {
		return js, fmt.Errorf("simulate: writing reports.ndjson: %w", err)
	}
	truth, err := json.MarshalIndent(struct {
		Money   MoneyTruth   `json:"money"`
		Telecom TelecomTruth `json:"telecom"`
		Joint   JointTruth   `json:"joint"`
	}{js.Money.Truth, js.Telecom, js.Truth}, "", "  ")
	if err != nil {
		return js, fmt.Errorf("simulate: truth: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(truth, '\n'), 0o644); err != nil {
		return js, fmt.Errorf("simulate: writing truth.json: %w", err)
	}
	return js, nil
}

// csvFile is a buffered CSV file being written.
type csvFile struct {
	f  *os.File
	bw *bufio.Writer
	w  *csv.Writer
}

func newCSVFile(path string, header []string) (*csvFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	c := &csvFile{f: f, bw: bufio.NewWriterSize(f, 1<<20)}
	c.w = csv.NewWriter(c.bw)
	if err := c.w.Write(header); err != nil {
		f.Close()
		return nil, fmt.Errorf("simulate: writing %s: %w", path, err)
	}
	return c, nil
}

func (c *csvFile) close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("simulate: writing %s: %w", c.f.Name(), err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("simulate: writing %s: %w", c.f.Name(), err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("simulate: writing %s: %w", c.f.Name(), err)
	}
	return nil
}

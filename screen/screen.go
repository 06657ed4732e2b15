// Package screen decides, in real time, whether a payment may go: allow,
// review (let it through, look later), hold (stop it until the payer has
// been called back) or block. It is the bank's last chance to stop a
// victim's money before it reaches a mule and is gone within minutes.
//
// One payment becomes one flat set of Features — the payment, the
// velocity of its payer and payee kept in memory, its memo through the
// content classifier, and what the other engines know (registry risk of
// the payee, the payer's phone and device; the payer's calls with current
// suspects; the payee's mule score) — and the published scenario's rules,
// expressions over those features written by analysts in a JSON file, add
// their weights to a score. Every decision carries the rules that fired
// with their figures and the features behind them, so a held payer can be
// told why and an analyst can check the rule.
//
// Rules that read only the payment and velocity run first; the content
// classifier and the other engines are consulted only when their rules
// could still change the outcome.
package screen

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/fanzha/fanzha/content"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/telecom"
)

// Payment is a transfer asked for, with what the paying bank knows of
// the session: the channel (app, web, counter, atm, api…), the device and
// the payer's phone, each optional.
type Payment struct {
	money.Transfer
	Channel    string
	Device     indicator.Indicator
	PayerPhone indicator.Indicator
}

// Fired is one rule that held, with its reason in figures.
type Fired struct {
	Name     string `json:"name"`
	Typology string `json:"typology,omitempty"`
	Weight   int    `json:"weight"`
	Reason   string `json:"reason"`
}

// Decision is the answer for one payment.
type Decision struct {
	ID       string  `json:"id"`
	Decision string  `json:"decision"` // allow | review | hold | block
	Score    int     `json:"score"`    // 0..100
	Typology string  `json:"typology,omitempty"`
	Rules    []Fired `json:"rules"`
	Scenario string  `json:"scenario"`
	Version  int     `json:"version"`
	// Signals are the features the rules read; groups not consulted are
	// named in Skipped and their features are zero.
	Signals Features `json:"signals"`
	Skipped []string `json:"skipped,omitempty"`
	// Shadow is what the draft rule set would have decided, if one runs.
	Shadow *ShadowDecision `json:"shadow,omitempty"`
}

// ShadowDecision is a draft's verdict on a payment, never acted on.
type ShadowDecision struct {
	Decision string   `json:"decision"`
	Score    int      `json:"score"`
	Version  int      `json:"version"`
	Rules    []string `json:"rules"`
}

// SetRules replaces the published rule set (and the draft in shadow; nil
// for none) without losing the velocity learnt so far: publishing a rule
// set needs no restart. The next decision uses the new rules.
func (e *Engine) SetRules(published, draft *RuleSet) error {
	if published.Status != Published {
		return fmt.Errorf("screen: scenario %q version %d is a %s: only a published rule set decides", published.Scenario, published.Version, published.Status)
	}
	live, err := compile(published)
	if err != nil {
		return err
	}
	var shadow *compiled
	if draft != nil {
		if shadow, err = compile(draft); err != nil {
			return fmt.Errorf("shadow: %w", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.live, e.shadow = live, shadow
	return nil
}

// Rules returns the published rule set and the draft in shadow (or nil).
func (e *Engine) Rules() (published, draft *RuleSet) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.shadow != nil {
		draft = e.shadow.set
	}
	return e.live.set, draft
}

// Backtest compares a draft with the published rule set over the same
// payments: how many of each published outcome the draft would have
// turned into each of its own, and examples of the changes. Feed it every
// Decision of an Engine running the draft in shadow.
type Backtest struct {
	Published, Draft int                       // versions
	Payments         int                       // decided
	Changed          int                       // with another outcome under the draft
	Moves            map[string]map[string]int // published outcome → draft outcome → payments
	Examples         []string                  // the first changes, with the rules behind them
}

// maxExamples bounds the changes a backtest quotes.
const maxExamples = 20

// Add counts one decision.
func (b *Backtest) Add(d Decision) {
	if d.Shadow == nil {
		return
	}
	if b.Moves == nil {
		b.Moves = map[string]map[string]int{}
	}
	b.Payments++
	b.Published, b.Draft = d.Version, d.Shadow.Version
	m := b.Moves[d.Decision]
	if m == nil {
		m = map[string]int{}
		b.Moves[d.Decision] = m
	}
	m[d.Shadow.Decision]++
	if d.Shadow.Decision != d.Decision {
		b.Changed++
		if len(b.Examples) < maxExamples {
			b.Examples = append(b.Examples, fmt.Sprintf("%s: %s (%d) → %s (%d) [%s]", d.ID, d.Decision, d.Score,
				d.Shadow.Decision, d.Shadow.Score, strings.Join(d.Shadow.Rules, ", ")))
		}
	}
}

// Reasons joins the fired rules' reasons for a one-line column.
func (d *Decision) Reasons() string {
	var b strings.Builder
	for i, r := range d.Rules {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Name)
		b.WriteString(": ")
		b.WriteString(r.Reason)
	}
	return b.String()
}

// IndicatorRisk is what a registry knows of an indicator.
type IndicatorRisk struct {
	Score    int // 0..100
	Reports  int // victims' reports naming it
	Typology string
}

// RiskSource scores indicators as known at a time (the registry).
type RiskSource interface {
	Risk(ind indicator.Indicator, at time.Time) (IndicatorRisk, bool)
}

// ExposureSource lists a subscriber's contacts with current suspects since
// a time; telecom.Engine and worker.Telecom are ones.
type ExposureSource interface {
	Exposure(subscriber indicator.Indicator, since time.Time) []telecom.Contact
}

// MuleSource scores accounts as money mules (0..100) as known at a time.
type MuleSource interface {
	MuleScore(acct indicator.Indicator, at time.Time) (int, bool)
}

// EntitySource says who controls an account, from attributions: the
// entity type (money.BankEntity, money.PaymentFirm, money.Merchant…).
type EntitySource interface {
	EntityType(acct indicator.Indicator) (string, bool)
}

// Entities is an EntitySource from attributions held in memory.
type Entities map[indicator.Indicator]string

// NewEntities indexes attributions by account.
func NewEntities(as []money.Attribution) Entities {
	m := make(Entities, len(as))
	for _, a := range as {
		m[a.Indicator] = a.EntityType
	}
	return m
}

// EntityType implements EntitySource.
func (e Entities) EntityType(acct indicator.Indicator) (string, bool) {
	t, ok := e[acct]
	return t, ok
}

// Sources are the other engines a decision consults; any may be nil, and
// its features then stay zero ("nothing known").
type Sources struct {
	Risk     RiskSource
	Exposure ExposureSource
	Mules    MuleSource
	Entities EntitySource
	// ExposureWindow is how far back calls count; 72 h when zero (victims
	// pay hours to days after the first call).
	ExposureWindow time.Duration
	// Classify scores a memo; content.Classify when nil.
	Classify func(text, channel string) (content.Verdict, error)
}

// Engine decides payments with a published rule set (and optionally a
// draft in shadow), learning velocity from each payment it decides. It is
// safe for concurrent use; decisions are serialised, since each one
// changes the velocity the next one reads.
type Engine struct {
	mu     sync.Mutex
	live   *compiled
	shadow *compiled
	src    Sources
	vel    *Velocity
	vm     vm.VM
	f      Features
}

// NewEngine compiles a published rule set, and a draft to shadow it when
// draft is not nil.
func NewEngine(published, draft *RuleSet, src Sources) (*Engine, error) {
	live, err := compile(published)
	if err != nil {
		return nil, err
	}
	if published.Status != Published {
		return nil, fmt.Errorf("screen: scenario %q version %d is a %s: only a published rule set decides", published.Scenario, published.Version, published.Status)
	}
	e := &Engine{live: live, src: src, vel: NewVelocity()}
	if draft != nil {
		if e.shadow, err = compile(draft); err != nil {
			return nil, fmt.Errorf("shadow: %w", err)
		}
	}
	if e.src.ExposureWindow <= 0 {
		e.src.ExposureWindow = 72 * time.Hour
	}
	if e.src.Classify == nil {
		e.src.Classify = content.Classify
	}
	return e, nil
}

// Record remembers a payment that was not screened (an incoming salary,
// card spending) so that later velocity includes it.
func (e *Engine) Record(t money.Transfer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vel.Record(t.From, t.To, t.Time, t.Amount.InexactFloat64())
}

// Decide answers for one payment and then remembers it, so that the next
// payment's velocity includes it. Payments must come in time order for
// the decision to see only the past.
func (e *Engine) Decide(p Payment) (Decision, error) {
	if p.From.IsZero() || p.To.IsZero() || p.Time.IsZero() {
		return Decision{}, errors.New("screen: a payment needs a payer, a payee and a time")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	amount := p.Amount.InexactFloat64()
	f := &e.f
	*f = Features{}
	base(f, &p, amount)
	if es := e.src.Entities; es != nil {
		// A map lookup: cheap enough for the base group, where the
		// dampening rules that read it must run before any early stop.
		if t, ok := es.EntityType(p.To); ok {
			f.PayeeInstitution = t == money.BankEntity || t == money.PaymentFirm || t == money.Merchant
		}
	}
	e.vel.fill(f, p.From, p.To, p.Time, amount)

	d := Decision{ID: p.ID, Scenario: e.live.set.Scenario, Version: e.live.set.Version}
	var have [numGroups]bool
	have[groupBase] = true
	score, fired, err := e.run(e.live, &p, &have, true)
	if err != nil {
		return Decision{}, err
	}
	d.Score = clamp(score)
	d.Decision = e.live.set.Thresholds.outcome(d.Score)
	best := 0
	for _, i := range fired {
		r := &e.live.rules[i]
		d.Rules = append(d.Rules, Fired{Name: r.Name, Typology: r.Typology, Weight: r.Weight, Reason: r.reasonFor(f)})
		if r.Typology != "" && r.Weight > best {
			best, d.Typology = r.Weight, r.Typology
		}
	}
	if e.shadow != nil {
		s, sf, err := e.run(e.shadow, &p, &have, false)
		if err != nil {
			return Decision{}, fmt.Errorf("shadow: %w", err)
		}
		sd := &ShadowDecision{Score: clamp(s), Version: e.shadow.set.Version}
		sd.Decision = e.shadow.set.Thresholds.outcome(sd.Score)
		for _, i := range sf {
			sd.Rules = append(sd.Rules, e.shadow.rules[i].Name)
		}
		d.Shadow = sd
	}
	for g := range numGroups {
		if !have[g] {
			d.Skipped = append(d.Skipped, groupNames[g])
		}
	}
	d.Signals = *f
	e.vel.Record(p.From, p.To, p.Time, amount)
	return d, nil
}

// run evaluates a compiled set's rules in cost order. When early is true
// it stops as soon as the remaining rules cannot change the outcome
// (their positive weights could not raise it, their negative ones could
// not lower it), which is what spares the expensive sources.
func (e *Engine) run(c *compiled, p *Payment, have *[numGroups]bool, early bool) (int, []int, error) {
	var restUp, restDown int
	for _, r := range c.rules {
		if r.Weight > 0 {
			restUp += r.Weight
		} else {
			restDown += r.Weight
		}
	}
	th := c.set.Thresholds
	score := 0
	var fired []int
	for i := range c.rules {
		r := &c.rules[i]
		if early && th.outcome(clamp(score+restUp)) == th.outcome(clamp(score+restDown)) {
			break
		}
		if r.Weight > 0 {
			restUp -= r.Weight
		} else {
			restDown -= r.Weight
		}
		for g := groupBase + 1; g <= r.group; g++ {
			if !have[g] {
				e.load(g, p)
				have[g] = true
			}
		}
		out, err := e.vm.Run(r.prog, &e.f)
		if err != nil {
			return 0, nil, fmt.Errorf("screen: rule %q: %w", r.Name, err)
		}
		if out == true {
			score += r.Weight
			fired = append(fired, i)
		}
	}
	return score, fired, nil
}

// base fills the features of the payment itself.
func base(f *Features, p *Payment, amount float64) {
	f.Amount = amount
	f.Asset = p.Asset
	f.Rail = p.Rail.String()
	f.Channel = p.Channel
	f.Hour = p.Time.Hour()
	f.RoundAmount = amount >= 1000 && amount == float64(int64(amount/1000))*1000
	f.HasMemo = strings.TrimSpace(p.Memo) != ""
	f.HasDevice = !p.Device.IsZero()
	f.HasPhone = !p.PayerPhone.IsZero()
	f.SuspectHoursAgo = NeverHours
}

// load consults the sources of one feature group.
func (e *Engine) load(g int, p *Payment) {
	f := &e.f
	switch g {
	case groupContent:
		if !f.HasMemo {
			return
		}
		// A classifier that fails leaves the memo unscored rather than
		// failing the payment: the other rules still decide.
		if v, err := e.src.Classify(p.Memo, "other"); err == nil {
			f.MemoScamScore, f.MemoScam, f.MemoTypology = v.Score, v.Scam, v.Typology
		}
	case groupSources:
		if rs := e.src.Risk; rs != nil {
			if r, ok := rs.Risk(p.To, p.Time); ok {
				f.PayeeRisk, f.PayeeReports, f.PayeeTypology = r.Score, r.Reports, r.Typology
			}
			if r, ok := rs.Risk(p.From, p.Time); ok {
				f.PayerRisk = r.Score
			}
			if f.HasDevice {
				if r, ok := rs.Risk(p.Device, p.Time); ok {
					f.DeviceRisk = r.Score
				}
			}
			if f.HasPhone {
				if r, ok := rs.Risk(p.PayerPhone, p.Time); ok {
					f.PayerPhoneRisk = r.Score
				}
			}
		}
		if ex := e.src.Exposure; ex != nil && f.HasPhone {
			for _, c := range ex.Exposure(p.PayerPhone, p.Time.Add(-e.src.ExposureWindow)) {
				if c.Time.After(p.Time) {
					continue // not yet happened when the payment was asked for
				}
				f.SuspectContacts++
				f.SuspectHoursAgo = min(f.SuspectHoursAgo, p.Time.Sub(c.Time).Hours())
				f.SuspectCallMins += c.Duration.Minutes()
				f.SuspectTopScore = max(f.SuspectTopScore, c.Score)
				f.SuspectCalledOut = f.SuspectCalledOut || c.Outgoing
			}
		}
		if ms := e.src.Mules; ms != nil {
			if s, ok := ms.MuleScore(p.To, p.Time); ok {
				f.PayeeMuleScore = s
			}
		}
	}
}

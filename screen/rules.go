package screen

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// A RuleSet is one scenario's rules as analysts write them: plain JSON, so
// it can be read, diffed, reviewed and changed without a release. Each
// rule is an expression over the Features (github.com/expr-lang/expr:
// `payee_risk >= 70`, `memo_scam_score > 0.8 && amount > 5000`), a weight
// added to the score when it holds, and a reason with {feature}
// placeholders filled with the payment's figures. The score (clamped to
// 0..100) against the thresholds gives the decision.
//
// A rule set goes from draft to published: only a published set decides;
// a draft can run beside it in shadow, so an analyst sees what it would
// have decided before publishing it under the next version.
type RuleSet struct {
	Scenario    string     `json:"scenario"`
	Version     int        `json:"version"`
	Status      string     `json:"status"` // draft | published
	Description string     `json:"description,omitempty"`
	Thresholds  Thresholds `json:"thresholds"`
	Rules       []Rule     `json:"rules"`
}

// Thresholds are the scores from which a payment is reviewed (let through,
// looked at later), held (stopped until the payer is called back) or
// blocked.
type Thresholds struct {
	Review int `json:"review"`
	Hold   int `json:"hold"`
	Block  int `json:"block"`
}

// Rule is one named expression.
type Rule struct {
	Name     string `json:"name"`
	Typology string `json:"typology,omitempty"` // the FORMATS.md typology it looks for, if one
	When     string `json:"when"`
	Weight   int    `json:"weight"` // may be negative: a sign of ordinary business
	Reason   string `json:"reason"` // with {feature} placeholders
	Why      string `json:"why,omitempty"`
}

// Statuses of a rule set.
const (
	Draft     = "draft"
	Published = "published"
)

// Decisions, mildest first.
const (
	Allow  = "allow"
	Review = "review"
	Hold   = "hold"
	Block  = "block"
)

//go:embed scenarios/*.json
var scenarioFiles embed.FS

// DefaultRuleSet is the shipped published scenario (scenarios/default.json).
func DefaultRuleSet() (*RuleSet, error) {
	b, err := scenarioFiles.ReadFile("scenarios/default.json")
	if err != nil {
		return nil, fmt.Errorf("screen: default scenario: %w", err)
	}
	return ReadRuleSet(bytes.NewReader(b))
}

// ReadRuleSet parses a rule set; unknown fields are an error, since a
// misspelt "wieght" silently ignored would change decisions.
func ReadRuleSet(r io.Reader) (*RuleSet, error) {
	dec := json.NewDecoder(io.LimitReader(r, 4<<20))
	dec.DisallowUnknownFields()
	var rs RuleSet
	if err := dec.Decode(&rs); err != nil {
		return nil, fmt.Errorf("screen: reading rule set: %w", err)
	}
	return &rs, nil
}

// Publish returns the draft as the next published version.
func (rs *RuleSet) Publish() *RuleSet {
	p := *rs
	p.Rules = slices.Clone(rs.Rules)
	p.Status = Published
	p.Version++
	return &p
}

// compiled is a rule set ready to run: rules in cost order.
type compiled struct {
	set   *RuleSet
	rules []compiledRule
}

type compiledRule struct {
	Rule
	prog   *vm.Program
	group  int       // the costliest feature group the rule reads
	reason []segment // the reason template, split
}

// segment is literal text or, when isField, a feature to print.
type segment struct {
	text    string
	f       field
	isField bool
}

// compile checks and compiles every rule once: an unknown feature, a type
// error, an expression that is not true/false, a reason naming an unknown
// feature, duplicate names or thresholds out of order are all errors that
// name the rule.
func compile(rs *RuleSet) (*compiled, error) {
	if rs == nil {
		return nil, errors.New("screen: no rule set")
	}
	th := rs.Thresholds
	if !(0 < th.Review && th.Review <= th.Hold && th.Hold <= th.Block && th.Block <= 100) {
		return nil, fmt.Errorf("screen: scenario %q: thresholds must be 0 < review <= hold <= block <= 100 (got %d, %d, %d)", rs.Scenario, th.Review, th.Hold, th.Block)
	}
	if rs.Status != Draft && rs.Status != Published {
		return nil, fmt.Errorf("screen: scenario %q: status %q: want draft or published", rs.Scenario, rs.Status)
	}
	c := &compiled{set: rs}
	names := map[string]bool{}
	for i, r := range rs.Rules {
		if r.Name == "" {
			return nil, fmt.Errorf("screen: scenario %q: rule %d has no name", rs.Scenario, i+1)
		}
		if names[r.Name] {
			return nil, fmt.Errorf("screen: scenario %q: two rules named %q", rs.Scenario, r.Name)
		}
		names[r.Name] = true
		prog, err := expr.Compile(r.When, expr.Env(Features{}), expr.AsBool())
		if err != nil {
			return nil, fmt.Errorf("screen: rule %q: %w", r.Name, err)
		}
		cr := compiledRule{Rule: r, prog: prog}
		node := prog.Node()
		ast.Walk(&node, groupVisitor{&cr.group})
		if cr.reason, err = parseReason(r.Reason); err != nil {
			return nil, fmt.Errorf("screen: rule %q: reason: %w", r.Name, err)
		}
		c.rules = append(c.rules, cr)
	}
	// Cheap rules first; the analysts' order is kept within a cost.
	slices.SortStableFunc(c.rules, func(a, b compiledRule) int { return a.group - b.group })
	return c, nil
}

// groupVisitor records the costliest feature group an expression reads.
type groupVisitor struct{ group *int }

func (g groupVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		if f, ok := featureFields[id.Value]; ok && f.group > *g.group {
			*g.group = f.group
		}
	}
}

// parseReason splits "payee reported {payee_reports} times" into text and
// fields.
func parseReason(s string) ([]segment, error) {
	var out []segment
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			out = append(out, segment{text: s})
			break
		}
		if i > 0 {
			out = append(out, segment{text: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unclosed { in %q", s)
		}
		name := s[i+1 : i+j]
		f, ok := featureFields[name]
		if !ok {
			return nil, fmt.Errorf("unknown feature {%s}", name)
		}
		out = append(out, segment{f: f, isField: true})
		s = s[i+j+1:]
	}
	return out, nil
}

// reasonFor fills a rule's reason with the payment's figures.
func (r *compiledRule) reasonFor(f *Features) string {
	var b strings.Builder
	for _, s := range r.reason {
		if s.isField {
			f.format(&b, s.f)
		} else {
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// outcome maps a score to a decision.
func (th Thresholds) outcome(score int) string {
	switch {
	case score >= th.Block:
		return Block
	case score >= th.Hold:
		return Hold
	case score >= th.Review:
		return Review
	}
	return Allow
}

func clamp(s int) int { return min(100, max(0, s)) }

package screen

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Features are everything the rules may read about one payment, computed
// once per payment into one flat struct so that a rule is a cheap field
// read and an analyst sees every name in one place. The `expr` tag is the
// name a rule uses; the `group` tag says what it costs to know:
//
//   - base: the payment itself and the in-memory velocity of its payer and
//     payee — always computed, a few hundred nanoseconds;
//   - content: the memo run through the scam-text classifier;
//   - sources: the registry, telecom exposure and mule scores — lookups in
//     other engines, skipped when the cheaper rules already decided.
//
// Amounts are floats here (rules compare, they do not add money up); the
// payment keeps its exact decimal. Durations are hours; "never" is a large
// number (NeverHours) so that `x <= 2` reads naturally.
type Features struct {
	// The payment.
	Amount      float64 `expr:"amount" group:"base"`
	Asset       string  `expr:"asset" group:"base"`
	Rail        string  `expr:"rail" group:"base"`
	Channel     string  `expr:"channel" group:"base"`
	Hour        int     `expr:"hour" group:"base"`         // local hour of the payment, 0..23
	RoundAmount bool    `expr:"round_amount" group:"base"` // a whole multiple of 1000
	HasMemo     bool    `expr:"has_memo" group:"base"`
	HasDevice   bool    `expr:"has_device" group:"base"`
	HasPhone    bool    `expr:"has_payer_phone" group:"base"`

	// The payer's outgoing history before this payment.
	PayerAgeDays     float64 `expr:"payer_age_days" group:"base"` // since the payer was first seen
	PayerCount1h     int     `expr:"payer_1h_count" group:"base"`
	PayerAmount1h    float64 `expr:"payer_1h_amount" group:"base"`
	PayerCount24h    int     `expr:"payer_24h_count" group:"base"`
	PayerAmount24h   float64 `expr:"payer_24h_amount" group:"base"` // includes this payment
	PayerCount7d     int     `expr:"payer_7d_count" group:"base"`
	PayerAmount7d    float64 `expr:"payer_7d_amount" group:"base"`
	PayerAvgDaily30d float64 `expr:"payer_30d_avg_daily" group:"base"` // outflow per day over the days known, at most 30
	PayerMax30d      float64 `expr:"payer_30d_max" group:"base"`       // largest single payment in 30 days before this one
	PayerPayees24h   int     `expr:"payer_24h_payees" group:"base"`    // distinct payees in 24 h, this one included
	PayerIn24h       float64 `expr:"payer_in_24h_amount" group:"base"` // what the payer received in 24 h (borrowed just before?)
	FirstToPayee     bool    `expr:"first_payment_to_payee" group:"base"`

	// The payee's history before this payment.
	PayeeAgeDays      float64 `expr:"payee_age_days" group:"base"`
	PayeeInCount24h   int     `expr:"payee_24h_in_count" group:"base"`
	PayeeInAmount24h  float64 `expr:"payee_24h_in_amount" group:"base"`
	PayeeInAmount7d   float64 `expr:"payee_7d_in_amount" group:"base"`
	PayeePayers24h    int     `expr:"payee_24h_payers" group:"base"`     // distinct payers in 24 h
	PayeeNewPayers24h int     `expr:"payee_24h_new_payers" group:"base"` // payers paying it for the first time, in 24 h
	PayeeNewPayers7d  int     `expr:"payee_7d_new_payers" group:"base"`
	PayeePassThrough  float64 `expr:"payee_pass_through" group:"base"` // share of 7 d inflow that left within PassThroughWindow, 0..1
	PayeeOutCount24h  int     `expr:"payee_24h_out_count" group:"base"`
	PayeeOutPayees24h int     `expr:"payee_24h_out_payees" group:"base"` // distinct accounts it paid in 24 h
	// The payee is attributed to a bank, payment firm or merchant: an
	// institution whose accounts pass money through by design.
	PayeeInstitution bool `expr:"payee_institution" group:"base"`

	// The memo, through content.Classify.
	MemoScamScore float64 `expr:"memo_scam_score" group:"content"`
	MemoScam      bool    `expr:"memo_scam" group:"content"`
	MemoTypology  string  `expr:"memo_typology" group:"content"`

	// The registry.
	PayeeRisk      int    `expr:"payee_risk" group:"sources"`
	PayeeReports   int    `expr:"payee_reports" group:"sources"`
	PayeeTypology  string `expr:"payee_typology" group:"sources"`
	PayerRisk      int    `expr:"payer_risk" group:"sources"`
	DeviceRisk     int    `expr:"device_risk" group:"sources"`
	PayerPhoneRisk int    `expr:"payer_phone_risk" group:"sources"`

	// Telecom exposure of the payer's phone.
	SuspectContacts  int     `expr:"payer_suspect_contacts" group:"sources"` // calls and SMS with current suspects in the window
	SuspectHoursAgo  float64 `expr:"payer_on_call_with_suspect_within_h" group:"sources"`
	SuspectCallMins  float64 `expr:"payer_suspect_call_minutes" group:"sources"`
	SuspectTopScore  int     `expr:"payer_suspect_score" group:"sources"`
	SuspectCalledOut bool    `expr:"payer_called_suspect" group:"sources"` // the payer called back (victims do, when told to)

	// Money: the payee's mule score from the ledger.
	PayeeMuleScore int `expr:"payee_mule_score" group:"sources"`
}

// NeverHours stands for "no such contact": larger than any window.
const NeverHours = 1e6

// Feature groups, cheapest first; rules are evaluated in this order.
const (
	groupBase = iota
	groupContent
	groupSources
	numGroups
)

var groupNames = [numGroups]string{"base", "content", "sources"}

// field is one feature as rules see it.
type field struct {
	name  string
	index int
	group int
}

// featureFields lists the features by their rule names, read once from the
// struct tags so that the struct is the one place a feature is declared.
var featureFields = func() map[string]field {
	t := reflect.TypeFor[Features]()
	m := make(map[string]field, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		g := -1
		for k, n := range groupNames {
			if n == f.Tag.Get("group") {
				g = k
			}
		}
		name := f.Tag.Get("expr")
		if name == "" || g < 0 {
			panic(fmt.Sprintf("screen: feature %s needs expr and group tags", f.Name)) // a programming error, caught by every test
		}
		m[name] = field{name: name, index: i, group: g}
	}
	return m
}()

// FeatureNames lists the names rules may use, in declaration order.
func FeatureNames() []string {
	out := make([]string, len(featureFields))
	for _, f := range featureFields {
		out[f.index] = f.name
	}
	return out
}

// format writes one feature's value as a reason shows it: amounts without
// needless decimals, shares to two places.
func (f *Features) format(b *strings.Builder, fl field) {
	v := reflect.ValueOf(f).Elem().Field(fl.index)
	switch v.Kind() {
	case reflect.Float64:
		x := v.Float()
		switch {
		case x >= NeverHours:
			b.WriteString("never")
		case x == float64(int64(x)):
			b.WriteString(strconv.FormatInt(int64(x), 10))
		case x < 10 && x > -10:
			b.WriteString(strconv.FormatFloat(x, 'f', 2, 64))
		default:
			b.WriteString(strconv.FormatFloat(x, 'f', 0, 64))
		}
	case reflect.Int:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.String:
		b.WriteString(v.String())
	}
}

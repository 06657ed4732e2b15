package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

func screenDecision(id string, pay int) ScreenDecision {
	return ScreenDecision{
		ID: id, OrgID: 3, OrgName: "CCB", Decided: base().Add(time.Second),
		Payment: transfer("PAY-"+id, 1, pay, "52000.00", 0), Channel: "app",
		Device:     indicator.Stored(indicator.App, "device-77"),
		PayerPhone: phone(5),
		Decision:   "block", Score: 95, Typology: "task_scam", Scenario: "payments", Version: 1,
		Rules:    []ScreenRule{{Name: "payee_reported", Typology: "task_scam", Weight: 90, Reason: "payee reported 2 times"}},
		Detail:   json.RawMessage(`{"amount": 52000, "payee_risk": 95}`),
		SignalID: "screen:" + id,
	}
}

func testScreenDecisions(t *testing.T, s Store) {
	a, b := screenDecision("SD-1", 2), screenDecision("SD-2", 3)
	b.Device, b.PayerPhone, b.Rules, b.Detail, b.SignalID, b.Decision, b.Score, b.Typology = indicator.Indicator{}, indicator.Indicator{}, nil, nil, "", "allow", 0, ""
	must(t, s.AddScreenDecisions(ctx, []ScreenDecision{a, b}))
	// Re-sent, even changed, the first one stored is kept.
	changed := a
	changed.Decision = "allow"
	must(t, s.AddScreenDecisions(ctx, []ScreenDecision{changed}))

	for _, want := range []ScreenDecision{a, b} {
		got, err := s.ScreenDecision(ctx, want.ID)
		must(t, err)
		var gd, wd any
		must(t, json.Unmarshal(got.Detail, &gd))
		if len(want.Detail) == 0 {
			want.Detail = json.RawMessage(`{}`)
		}
		must(t, json.Unmarshal(want.Detail, &wd))
		if !reflect.DeepEqual(gd, wd) {
			t.Errorf("%s detail %s, want %s", want.ID, got.Detail, want.Detail)
		}
		if !sameTransfer(got.Payment, storedTransfer(want.Payment)) {
			t.Errorf("%s payment\n%+v\nwant\n%+v", want.ID, got.Payment, storedTransfer(want.Payment))
		}
		if want.Rules == nil {
			want.Rules = []ScreenRule{}
		}
		want.Decided = micro(want.Decided)
		got.Detail, want.Detail, got.Payment = nil, nil, want.Payment
		if !reflect.DeepEqual(got, want) {
			t.Errorf("stored\n%+v\nwant\n%+v", got, want)
		}
	}
	if _, err := s.ScreenDecision(ctx, "SD-none"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown decision: %v, want ErrNotFound", err)
	}

	// A batch larger than one INSERT.
	many := make([]ScreenDecision, 1203)
	for i := range many {
		many[i] = screenDecision(fmt.Sprintf("SD-M%05d", i), 10+i)
	}
	must(t, s.AddScreenDecisions(ctx, many))
	if got, err := s.ScreenDecision(ctx, many[1202].ID); err != nil || got.Payment.ID != many[1202].Payment.ID {
		t.Errorf("last of a large batch: %+v, %v", got.Payment, err)
	}
	// Walking a window: every decision of the organisation, oldest first.
	n := 0
	err := s.EachScreenDecision(ctx, 3, base(), base().Add(time.Minute), func(id, decision string, version int, detail []byte) error {
		if decision == "" || version != 1 || !json.Valid(detail) {
			t.Errorf("walked %s: %q %d %s", id, decision, version, detail)
		}
		n++
		return nil
	})
	if err != nil || n != 2+len(many) {
		t.Errorf("walked %d decisions, want %d: %v", n, 2+len(many), err)
	}
	if err := s.EachScreenDecision(ctx, 99, base(), base().Add(time.Minute), func(string, string, int, []byte) error {
		t.Error("another organisation's decision")
		return nil
	}); err != nil {
		t.Error(err)
	}
	// Which of a request's decisions exist already, more than one query's worth.
	ask := []string{"SD-none", many[0].ID, many[700].ID, "SD-M99999", many[1202].ID}
	for i := 0; i < 600; i++ {
		ask = append(ask, fmt.Sprintf("SD-X%05d", i))
	}
	found, err := s.ScreenDecided(ctx, ask)
	if err != nil || len(found) != 3 || !found[many[0].ID] || !found[many[700].ID] || !found[many[1202].ID] {
		t.Errorf("decided: %v, %v", found, err)
	}

	for name, bad := range map[string]func(*ScreenDecision){
		"no id":        func(d *ScreenDecision) { d.ID = "" },
		"bad decision": func(d *ScreenDecision) { d.Decision = "maybe" },
		"bad score":    func(d *ScreenDecision) { d.Score = 101 },
		"no payee":     func(d *ScreenDecision) { d.Payment.To = indicator.Indicator{} },
		"no scenario":  func(d *ScreenDecision) { d.Scenario = "" },
		"bad detail":   func(d *ScreenDecision) { d.Detail = json.RawMessage(`{`) },
	} {
		d := screenDecision("SD-BAD", 2)
		bad(&d)
		if err := s.AddScreenDecisions(ctx, []ScreenDecision{d}); !errors.Is(err, errInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

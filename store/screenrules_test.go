package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func testScreenRuleSets(t *testing.T, s Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	v1 := ScreenRuleSet{Scenario: "payments", Version: 1, Status: "published", Body: []byte(`{"v":1}`), OrgID: 7, Created: at, Published: at}
	v2 := ScreenRuleSet{Scenario: "payments", Version: 2, Status: "draft", Body: []byte(`{"v":2}`), OrgID: 7, Created: at.Add(time.Hour)}
	other := ScreenRuleSet{Scenario: "cards", Version: 1, Status: "draft", Body: []byte(`{}`), OrgID: 8, Created: at}
	for _, rs := range []ScreenRuleSet{v1, v2, other} {
		must(t, s.AddScreenRuleSet(ctx, rs))
	}
	if err := s.AddScreenRuleSet(ctx, v2); !errors.Is(err, ErrConflict) {
		t.Errorf("a version stored twice: %v", err)
	}
	for _, bad := range []ScreenRuleSet{{Version: 3, Status: "draft", Body: []byte("{}")}, {Scenario: "x", Status: "draft", Body: []byte("{}")},
		{Scenario: "x", Version: 1, Status: "maybe", Body: []byte("{}")}, {Scenario: "x", Version: 1, Status: "draft"}} {
		if err := s.AddScreenRuleSet(ctx, bad); !errors.Is(err, errInvalid) {
			t.Errorf("%+v stored: %v", bad, err)
		}
	}
	got, err := s.ScreenRuleSets(ctx, "payments")
	if err != nil || len(got) != 2 || got[0].Version != 2 || got[1].Version != 1 || string(got[1].Body) != `{"v":1}` ||
		!got[1].Published.Equal(at) || !got[0].Published.IsZero() || got[0].Status != "draft" {
		t.Fatalf("payments rule sets: %+v, %v", got, err)
	}
	if all, err := s.ScreenRuleSets(ctx, ""); err != nil || len(all) != 3 {
		t.Errorf("all rule sets: %d, %v", len(all), err)
	}
	pub, err := s.PublishScreenRuleSet(ctx, "payments", 2, at.Add(2*time.Hour))
	if err != nil || pub.Status != "published" || !pub.Published.Equal(at.Add(2*time.Hour)) {
		t.Errorf("publish: %+v, %v", pub, err)
	}
	if _, err := s.PublishScreenRuleSet(ctx, "payments", 2, at); !errors.Is(err, ErrConflict) {
		t.Errorf("published twice: %v", err)
	}
	if _, err := s.PublishScreenRuleSet(ctx, "payments", 9, at); !errors.Is(err, ErrNotFound) {
		t.Errorf("publish a missing version: %v", err)
	}
}

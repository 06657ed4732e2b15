package auth_test

import (
	"context"
	"fmt"

	"github.com/fanzha/fanzha/auth"
)

func ExampleVisible() {
	bank := auth.Principal{Org: auth.Org{ID: 2, Name: "ICBC Shenzhen", Sector: auth.Finance}, Role: auth.Analyst}
	// A signal that China Mobile (org 3, telecom) marked AMBER.
	ok, why := auth.Visible(bank, 3, auth.Telecom, auth.TLPAmber)
	fmt.Println(ok, why)
	ok, why = auth.Visible(bank, 3, auth.Telecom, auth.TLPGreen)
	fmt.Println(ok, why)
	// Output:
	// false AMBER: shared with the submitter's sector (telecom) and police; viewer is finance
	// true GREEN: shared with every organisation in fanzha, never the public; viewer is finance
}

func ExampleAllow() {
	p := auth.Principal{Org: auth.Org{ID: 3, Sector: auth.Telecom}, Role: auth.Contributor}
	fmt.Println(auth.Allow(p, auth.SubmitSignals))
	fmt.Println(auth.Allow(p, auth.Lookup))
	// Output:
	// <nil>
	// lookup denied: role contributor may submit but not read
}

func ExampleMaskPhone() {
	fmt.Println(auth.MaskPhone("+86 138 0013 8000"))
	fmt.Println(auth.MaskAccount("6222 0212 3456 7890"))
	fmt.Println(auth.MaskEmail("zhang.san@example.com"))
	fmt.Println(auth.MaskName("张三"), "/", auth.MaskName("John Doe"))
	// Output:
	// +86138****8000
	// ****7890
	// z***@example.com
	// 张* / J*** D***
}

func ExampleNewAuditor() {
	var stored []auth.AuditEntry
	a := auth.NewAuditor(func(_ context.Context, es []auth.AuditEntry) error {
		stored = append(stored, es...) // the store's AppendAudit in fanzha
		return nil
	}, auth.AuditorOptions{})
	a.Record(context.Background(), auth.AuditEntry{OrgID: 2, Action: "lookup", Target: "phone:+8613800138000"})
	// A write waits until its audit row is stored.
	if err := a.RecordSync(context.Background(), auth.AuditEntry{OrgID: 2, Action: "signals.submit", Target: "batch:120"}); err != nil {
		fmt.Println(err)
	}
	if err := a.Close(context.Background()); err != nil {
		fmt.Println(err)
	}
	for _, e := range stored {
		fmt.Println(e.Action, e.Target)
	}
	// Output:
	// lookup phone:+8613800138000
	// signals.submit batch:120
}

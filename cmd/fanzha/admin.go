package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
)

func runOrg(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef("org add NAME --sector SECTOR | org list")
	}
	fs := flag.NewFlagSet("org "+args[0], flag.ContinueOnError)
	db := dbFlag(fs)
	sector := fs.String("sector", "", "one of "+joinNames(auth.Sectors()))
	region := fs.String("region", "", "ISO 3166-2 area the organisation answers for, e.g. CN-JS (police: where early warnings are routed); empty: nationwide")
	pos, err := parseFlags(fs, args[1:], out)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch args[0] {
	case "add":
		if len(pos) != 1 {
			return usagef("org add NAME --sector SECTOR")
		}
		sec, err := auth.ParseSector(*sector)
		if err != nil {
			return usagef("%v", err)
		}
		if *region != "" && !registry.ValidRegion(*region) {
			return usagef("--region wants an ISO 3166 code like CN or CN-JS, got %q", *region)
		}
		o, err := st.CreateOrg(ctx, auth.Org{Name: pos[0], Sector: sec, Region: *region, Created: time.Now().UTC()})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "organisation %d %q (%s) added\n", o.ID, o.Name, o.Sector)
		return nil
	case "list":
		orgs, err := st.ListOrgs(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSECTOR\tREGION\tCREATED")
		for _, o := range orgs {
			area := o.Region
			if area == "" {
				area = "nationwide"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", o.ID, o.Name, o.Sector, area, o.Created.Format(time.DateOnly))
		}
		return tw.Flush()
	}
	return usagef("unknown org command %q (add, list)", args[0])
}

func runToken(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef("token create --org NAME --role ROLE | token list [--org NAME] | token revoke ID")
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	db := dbFlag(fs)
	orgName := fs.String("org", "", "organisation name")
	roleName := fs.String("role", "", "one of "+joinNames(auth.Roles()))
	label := fs.String("label", "", "what the token is for (shown in lists)")
	ttl := fs.Duration("expires", 0, "lifetime, e.g. 2160h for 90 days (default: never)")
	pos, err := parseFlags(fs, args[1:], out)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch args[0] {
	case "create":
		if *orgName == "" || *roleName == "" {
			return usagef("token create --org NAME --role ROLE")
		}
		secret, t, err := createToken(ctx, st, *orgName, *roleName, *label, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "token %d for %s (%s). Keep it now; it is not shown again:\n%s\n", t.ID, *orgName, t.Role, secret)
		return nil
	case "list":
		var orgID int64
		if *orgName != "" {
			o, err := st.OrgByName(ctx, *orgName)
			if err != nil {
				return fmt.Errorf("organisation %q: %w", *orgName, err)
			}
			orgID = o.ID
		}
		toks, err := st.ListTokens(ctx, orgID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tORG\tROLE\tLABEL\tCREATED\tEXPIRES\tREVOKED")
		for _, t := range toks {
			exp := "never"
			if !t.Expires.IsZero() {
				exp = t.Expires.Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%v\n", t.ID, t.OrgID, t.Role, t.Label, t.Created.Format(time.DateOnly), exp, t.Revoked)
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 1 {
			return usagef("token revoke ID")
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return usagef("token ID must be a number, got %q", pos[0])
		}
		if err := st.RevokeToken(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(out, "token %d revoked\n", id)
		return nil
	}
	return usagef("unknown token command %q (create, list, revoke)", args[0])
}

// createToken makes a token for an organisation; only its hash is stored.
func createToken(ctx context.Context, st store.Store, orgName, roleName, label string, ttl time.Duration) (string, auth.Token, error) {
	org, err := st.OrgByName(ctx, orgName)
	if err != nil {
		return "", auth.Token{}, fmt.Errorf("organisation %q: %w (add it with fanzha org add)", orgName, err)
	}
	role, err := auth.ParseRole(roleName)
	if err != nil {
		return "", auth.Token{}, usagef("%v", err)
	}
	secret, hash, err := auth.NewToken()
	if err != nil {
		return "", auth.Token{}, err
	}
	now := time.Now().UTC()
	t := auth.Token{OrgID: org.ID, Role: role, Hash: hash, Label: label, Created: now}
	if ttl > 0 {
		t.Expires = now.Add(ttl)
	}
	t, err = st.CreateToken(ctx, t)
	return secret, t, err
}

func runAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("audit verify")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	db := dbFlag(fs)
	if _, err := parseFlags(fs, args[1:], out); err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := auth.VerifyChain(func(after int64, limit int) ([]auth.AuditEntry, error) {
		return st.AuditRange(ctx, after, limit)
	})
	if err != nil {
		var ce *auth.ChainError
		if errors.As(err, &ce) {
			return fmt.Errorf("audit chain BROKEN at entry %d after %d good entries: %s", ce.Seq, n, ce.Reason)
		}
		return err
	}
	fmt.Fprintf(out, "audit chain intact: %d entries verified\n", n)
	return nil
}

// runLookup normalises an indicator and, reading the store directly as the
// operator, shows what the registry knows of it. The read is audited.
func runLookup(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	db := dbFlag(fs)
	region := regionFlag(fs)
	kind := fs.String("kind", "", "kind of the indicator (detected when absent)")
	offline := fs.Bool("offline", false, "only parse and normalise; do not open the database")
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("lookup [--kind KIND] INDICATOR")
	}
	opts := indicator.Options{DefaultRegion: *region}
	var ind indicator.Indicator
	if *kind == "" {
		ind, err = opts.Detect(pos[0])
	} else {
		k, kerr := indicator.ParseKind(*kind)
		if kerr != nil {
			return usagef("%v", kerr)
		}
		ind, err = opts.Parse(k, pos[0])
	}
	if err != nil {
		return err
	}
	res := map[string]any{"kind": ind.Kind().String(), "value": ind.Value(), "details": indicator.Describe(ind)}
	if !*offline {
		st, err := store.Open(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		sigs, err := st.SignalsFor(ctx, ind)
		if err != nil {
			return err
		}
		obs := make([]registry.Obs, len(sigs))
		for i, s := range sigs {
			obs[i] = registry.ObsOf(s)
		}
		res["risk"] = registry.Assess(ind.Kind(), obs, nil, time.Now())
		if _, err := st.AppendAudit(ctx, []auth.AuditEntry{{Time: time.Now().UTC(), OrgName: "operator (cli)", Action: "lookup.cli", Target: ind.String()}}); err != nil {
			return fmt.Errorf("audit the lookup: %w", err)
		}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}

// joinNames lists sectors or roles for flag help, from the auth package's
// own lists so help never disagrees with what is accepted.
func joinNames[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

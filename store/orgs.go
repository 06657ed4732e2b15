package store

import (
	"context"
	"fmt"

	"github.com/fanzha/fanzha/auth"
)

// CreateOrg assigns the ID (o.ID is ignored) and, when o.Created is zero,
// the creation time.
func (d *db) CreateOrg(ctx context.Context, o auth.Org) (auth.Org, error) {
	if o.Name == "" {
		return auth.Org{}, fmt.Errorf("store: create org: empty name: %w", errInvalid)
	}
	if o.Created.IsZero() {
		o.Created = now()
	}
	o.Created = micro(o.Created)
	err := d.b.inTx(ctx, func(tx writeTx) error {
		return tx.queryRow(ctx, `INSERT INTO orgs (name, sector, region, created) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name) DO NOTHING RETURNING id`,
			o.Name, string(o.Sector), o.Region, d.b.ts(o.Created)).Scan(&o.ID)
	})
	if noRows(err) {
		return auth.Org{}, fmt.Errorf("store: create org %q: %w", o.Name, ErrConflict)
	}
	if err != nil {
		return auth.Org{}, fmt.Errorf("store: create org %q: %w", o.Name, err)
	}
	return o, nil
}

const orgCols = `id, name, sector, region, created`

func scanOrg(r row) (auth.Org, error) {
	var (
		o      auth.Org
		sector string
	)
	err := r.Scan(&o.ID, &o.Name, &sector, &o.Region, tscan{&o.Created})
	o.Sector = auth.Sector(sector)
	return o, err
}

func (d *db) OrgByName(ctx context.Context, name string) (auth.Org, error) {
	o, err := scanOrg(d.b.reader().queryRow(ctx, `SELECT `+orgCols+` FROM orgs WHERE name = $1`, name))
	if noRows(err) {
		return auth.Org{}, fmt.Errorf("store: org %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return auth.Org{}, fmt.Errorf("store: org %q: %w", name, err)
	}
	return o, nil
}

func (d *db) OrgByID(ctx context.Context, id int64) (auth.Org, error) {
	o, err := scanOrg(d.b.reader().queryRow(ctx, `SELECT `+orgCols+` FROM orgs WHERE id = $1`, id))
	if noRows(err) {
		return auth.Org{}, fmt.Errorf("store: org %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return auth.Org{}, fmt.Errorf("store: org %d: %w", id, err)
	}
	return o, nil
}

// ListOrgs returns every organisation in the order they were created.
func (d *db) ListOrgs(ctx context.Context) ([]auth.Org, error) {
	rs, err := d.b.reader().query(ctx, `SELECT `+orgCols+` FROM orgs ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list orgs: %w", err)
	}
	defer rs.Close()
	var out []auth.Org
	for rs.Next() {
		o, err := scanOrg(rs)
		if err != nil {
			return nil, fmt.Errorf("store: list orgs: %w", err)
		}
		out = append(out, o)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: list orgs: %w", err)
	}
	return out, nil
}

// CreateToken assigns the ID (t.ID is ignored) and, when t.Created is zero,
// the creation time. ErrNotFound if the organisation does not exist;
// ErrConflict if a token with the same hash exists (the secret was reused).
func (d *db) CreateToken(ctx context.Context, t auth.Token) (auth.Token, error) {
	if t.Hash == ([32]byte{}) {
		return auth.Token{}, fmt.Errorf("store: create token: zero hash: %w", errInvalid)
	}
	if t.Created.IsZero() {
		t.Created = now()
	}
	t.Created, t.Expires = micro(t.Created), micro(t.Expires)
	err := d.b.inTx(ctx, func(tx writeTx) error {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM orgs WHERE id = $1`, t.OrgID).Scan(&one); err != nil {
			if noRows(err) {
				return fmt.Errorf("org %d: %w", t.OrgID, ErrNotFound)
			}
			return err
		}
		err := tx.queryRow(ctx, `INSERT INTO tokens (org_id, role, hash, label, created, expires, revoked)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING RETURNING id`,
			t.OrgID, string(t.Role), t.Hash[:], t.Label, d.b.ts(t.Created), d.b.ts(t.Expires), t.Revoked).Scan(&t.ID)
		if noRows(err) {
			return fmt.Errorf("token hash: %w", ErrConflict)
		}
		return err
	})
	if err != nil {
		return auth.Token{}, fmt.Errorf("store: create token for org %d: %w", t.OrgID, err)
	}
	return t, nil
}

const tokenCols = `id, org_id, role, hash, label, created, expires, revoked`

func scanToken(r row) (auth.Token, error) {
	var (
		t    auth.Token
		role string
	)
	err := r.Scan(&t.ID, &t.OrgID, &role, hscan{&t.Hash}, &t.Label, tscan{&t.Created}, tscan{&t.Expires}, &t.Revoked)
	t.Role = auth.Role(role)
	return t, err
}

// TokenByHash returns revoked and expired tokens too: deciding whether a
// token still works is auth's business, and it needs the record to say why.
func (d *db) TokenByHash(ctx context.Context, hash [32]byte) (auth.Token, error) {
	t, err := scanToken(d.b.reader().queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash[:]))
	if noRows(err) {
		return auth.Token{}, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return auth.Token{}, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// ListTokens returns one organisation's tokens, oldest first, revoked ones
// included.
func (d *db) ListTokens(ctx context.Context, orgID int64) ([]auth.Token, error) {
	rs, err := d.b.reader().query(ctx, `SELECT `+tokenCols+` FROM tokens WHERE org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens of org %d: %w", orgID, err)
	}
	defer rs.Close()
	var out []auth.Token
	for rs.Next() {
		t, err := scanToken(rs)
		if err != nil {
			return nil, fmt.Errorf("store: list tokens of org %d: %w", orgID, err)
		}
		out = append(out, t)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: list tokens of org %d: %w", orgID, err)
	}
	return out, nil
}

// RevokeToken is idempotent: revoking a revoked token succeeds.
func (d *db) RevokeToken(ctx context.Context, id int64) error {
	var n int64
	err := d.b.inTx(ctx, func(tx writeTx) error {
		var err error
		n, err = tx.exec(ctx, `UPDATE tokens SET revoked = TRUE WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}

package store

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// freshPostgres creates a database with a random name on the server named
// by FANZHA_TEST_POSTGRES and drops it when the test ends.
func freshPostgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("FANZHA_TEST_POSTGRES")
	if admin == "" {
		t.Skip("set FANZHA_TEST_POSTGRES=postgres://… to run the PostgreSQL store tests")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("FANZHA_TEST_POSTGRES: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "fanzha_test_" + hex.EncodeToString(b[:])
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to FANZHA_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

func TestPostgres(t *testing.T) {
	if os.Getenv("FANZHA_TEST_POSTGRES") == "" {
		t.Skip("set FANZHA_TEST_POSTGRES=postgres://… to run the PostgreSQL store tests")
	}
	runSuite(t, freshPostgres)
}

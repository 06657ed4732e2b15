// Package store keeps fanzha's records: organisations and tokens, signals,
// links, reports, early warnings, the money ledger with its freeze requests,
// and the audit chain. One interface, two implementations —
// embedded SQLite (the default, nothing to install) and PostgreSQL — run the
// same numbered migrations and pass the same test suite. No SQL lives
// outside this package.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/telecom"
)

// Errors the store returns, wrapped with context; test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
)

// Store is everything fanzha keeps. Every write is idempotent where the
// record has an ID, and durable once the call returns without error.
type Store interface {
	Orgs
	Signals
	Reports
	Audit
	Warnings
	Money
	ScreenDecisions
	ScreenRuleSets
	// Close releases the database.
	Close() error
}

// Orgs holds organisations and API tokens.
type Orgs interface {
	// CreateOrg adds an organisation; ErrConflict if the name is taken.
	CreateOrg(ctx context.Context, o auth.Org) (auth.Org, error)
	OrgByName(ctx context.Context, name string) (auth.Org, error)
	OrgByID(ctx context.Context, id int64) (auth.Org, error)
	ListOrgs(ctx context.Context) ([]auth.Org, error)
	// CreateToken stores a token (its hash only) and returns it with its ID.
	CreateToken(ctx context.Context, t auth.Token) (auth.Token, error)
	// TokenByHash finds a token by the SHA-256 of its secret.
	TokenByHash(ctx context.Context, hash [32]byte) (auth.Token, error)
	ListTokens(ctx context.Context, orgID int64) ([]auth.Token, error)
	RevokeToken(ctx context.Context, id int64) error
}

// Signals holds the append-only signals and the links between indicators.
type Signals interface {
	// AddSignals stores signals and links in one transaction. A signal whose
	// ID is already stored, and a link already stored for the same pair and
	// source, are skipped. It returns how many signals were new.
	AddSignals(ctx context.Context, sigs []registry.Signal, links []registry.Link) (added int, err error)
	// SignalsFor returns every signal about one indicator, oldest first.
	SignalsFor(ctx context.Context, ind indicator.Indicator) ([]registry.Signal, error)
	// LinksFor returns the links that have ind on either side.
	LinksFor(ctx context.Context, ind indicator.Indicator) ([]registry.Link, error)
	// EachSignal calls fn for every stored signal in insertion order; used
	// to rebuild the in-memory index at start.
	EachSignal(ctx context.Context, fn func(registry.Signal) error) error
	// EachLink calls fn for every stored link.
	EachLink(ctx context.Context, fn func(registry.Link) error) error
	// CountSignals returns how many signals are stored.
	CountSignals(ctx context.Context) (int64, error)
}

// Reports holds victims' and witnesses' reports.
type Reports interface {
	// AddReport stores a report with the indicators it names (contacts and
	// payees) and, in the same transaction, their signals and links. If a
	// report with the same ID exists nothing changes and created is false;
	// the stored report is returned either way.
	AddReport(ctx context.Context, r registry.Report, inds []indicator.Indicator, sigs []registry.Signal, links []registry.Link) (stored registry.Report, created bool, err error)
	Report(ctx context.Context, id string) (registry.Report, error)
	// ReportByReceipt finds a report by the receipt number given to its reporter.
	ReportByReceipt(ctx context.Context, receipt string) (registry.Report, error)
	// SearchReports returns reports matching q, newest first.
	SearchReports(ctx context.Context, q registry.ReportQuery) ([]registry.Report, error)
}

// Audit holds the hash-chained audit log.
type Audit interface {
	// AppendAudit adds entries to the end of the chain in order, setting
	// each one's Seq, PrevHash and Hash (auth.ChainHash) atomically with
	// respect to other writers, and returns them as stored.
	AppendAudit(ctx context.Context, entries []auth.AuditEntry) ([]auth.AuditEntry, error)
	// AuditRange returns entries with Seq > after, in order, at most limit.
	AuditRange(ctx context.Context, after int64, limit int) ([]auth.AuditEntry, error)
	// AuditQuery filters the log for people reading it.
	AuditQuery(ctx context.Context, q AuditQuery) ([]auth.AuditEntry, error)
}

// AuditQuery selects audit entries, newest first. Zero fields do not filter.
type AuditQuery struct {
	OrgID    int64
	Action   string
	Target   string
	From, To time.Time
	Limit    int
}

// Warnings holds early warnings and how they were handled.
type Warnings interface {
	// AddWarnings stores new warnings and escalates stored ones (same ID):
	// grade, score, reason and Escalated rise, never fall; routing,
	// sign-for and outcome are kept. It returns how many were new.
	AddWarnings(ctx context.Context, ws []telecom.Issued) (added int, err error)
	Warning(ctx context.Context, id string) (telecom.Issued, error)
	// SearchWarnings returns warnings newest raised first.
	SearchWarnings(ctx context.Context, q WarningQuery) ([]telecom.Issued, error)
	// SignWarning records that an officer took the warning on; ErrConflict
	// if someone already has.
	SignWarning(ctx context.Context, id, officer string, at time.Time) (telecom.Issued, error)
	// CloseWarning records the outcome (may be set again, e.g. contacted
	// then dissuaded; each call is kept in the audit log).
	CloseWarning(ctx context.Context, id, outcome, officer, note string, at time.Time) (telecom.Issued, error)
	// RouteWarning sets the organisation responsible for a warning.
	RouteWarning(ctx context.Context, id string, orgID int64) error
	// WarningStats counts warnings raised in [from, to) by grade and
	// outcome, with the median minutes from raised to signed.
	WarningStats(ctx context.Context, q WarningQuery) (WarningStats, error)
}

// WarningQuery selects warnings. Zero fields do not filter.
type WarningQuery struct {
	Region              string // exact or prefix on a hyphen boundary ("CN" matches "CN-JS")
	Grade               string
	OrgID               int64
	Open                bool // only those without an outcome
	Subscriber, Suspect indicator.Indicator
	From, To            time.Time // on Raised
	Limit               int
	After               string // cursor: the last ID of the previous page
}

// WarningStats are the figures of the warning work.
type WarningStats struct {
	Raised        int            `json:"raised"`
	ByGrade       map[string]int `json:"by_grade"`
	Signed        int            `json:"signed"`
	ByOutcome     map[string]int `json:"by_outcome"`
	MedianSignMin float64        `json:"median_minutes_to_sign"`
}

// Money holds the transfer ledger of every rail, who controls which
// accounts, and the stop-payment and freeze requests (package money holds
// their rules).
type Money interface {
	// AddTransfers stores transfers supplied by orgID, skipping ids already
	// stored; it returns how many were new.
	AddTransfers(ctx context.Context, orgID int64, ts []money.Transfer) (added int, err error)
	// EachTransfer calls fn for every transfer in the order stored; used to
	// rebuild the in-memory ledger at start (LoadLedger).
	EachTransfer(ctx context.Context, fn func(money.Transfer) error) error
	// AddAttributions stores who controls which accounts; a later word on
	// an account replaces the earlier.
	AddAttributions(ctx context.Context, orgID int64, as []money.Attribution) error
	EachAttribution(ctx context.Context, fn func(money.Attribution) error) error
	// AddFreezeRequests stores drafted requests, keeping any already stored
	// under the same id; it returns them as stored and which were new.
	AddFreezeRequests(ctx context.Context, rs []money.FreezeRequest) (stored []money.FreezeRequest, created []bool, err error)
	// FreezeRequest reads one request with its history.
	FreezeRequest(ctx context.Context, id string) (money.FreezeRequest, error)
	// SearchFreezeRequests pages requests newest first, without history.
	SearchFreezeRequests(ctx context.Context, q FreezeQuery) ([]money.FreezeRequest, error)
	// EachFreezeRequest calls fn for every request q selects, without history.
	EachFreezeRequest(ctx context.Context, q FreezeQuery, fn func(money.FreezeRequest) error) error
	// UpdateFreezeRequest moves a request on: fn changes it and appends its
	// history row, all in one transaction.
	UpdateFreezeRequest(ctx context.Context, id string, fn func(*money.FreezeRequest) error) (money.FreezeRequest, error)
}

// FreezeQuery selects freeze requests. Zero fields do not filter.
type FreezeQuery struct {
	ReportID    string
	Institution string
	Status      money.FreezeStatus // "expired", "stopped" and "frozen" are judged at Now
	Now         time.Time          // zero: now
	Addressee   int64              // a finance organisation: only requests it answers (its own or unaddressed), never drafts
	Limit       int
	After       string // cursor: the last ID of the previous page
}

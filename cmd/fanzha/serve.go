package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/stream"
	"github.com/fanzha/fanzha/web"
	"github.com/fanzha/fanzha/worker"
)

func runServe(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("FANZHA_ADDR", "127.0.0.1:8080"), "listen address (env FANZHA_ADDR)")
	cfg := appFlags(fs)
	if _, err := parseFlags(fs, args, out); err != nil {
		return err
	}
	app, err := openApp(ctx, *cfg)
	if err != nil {
		return err
	}
	defer app.close()
	return app.serve(ctx, *addr, nil)
}

// app is a running fanzha: store, registry, audit writer, record stream,
// detectors and HTTP server.
type app struct {
	store    store.Store
	registry *registry.Registry
	audit    *auth.Auditor
	bus      *stream.Bus
	telecom  *worker.Telecom
	ledger   *money.Ledger
	server   *web.Server
	log      *slog.Logger
	stop     context.CancelFunc // stops the detectors
	stopped  chan struct{}
}

// appConfig is what every command that runs fanzha shares.
type appConfig struct {
	DSN, Region string
	NATS        string // JetStream server URL; "" runs one embedded
	StreamDir   string // where the embedded server keeps its streams; "" a temporary directory
}

// appFlags adds --db, --region, --nats and --stream-dir.
func appFlags(fs *flag.FlagSet) *appConfig {
	c := &appConfig{}
	fs.StringVar(&c.DSN, "db", env("FANZHA_DB", defaultDB), "database: sqlite:PATH or postgres://… (env FANZHA_DB)")
	fs.StringVar(&c.Region, "region", env("FANZHA_REGION", "CN"), "default region for phone numbers written without a country code (env FANZHA_REGION)")
	fs.StringVar(&c.NATS, "nats", env("FANZHA_NATS", ""), "NATS JetStream URL for the record streams; empty runs an embedded server (env FANZHA_NATS)")
	fs.StringVar(&c.StreamDir, "stream-dir", env("FANZHA_STREAM_DIR", ""), "where the embedded JetStream keeps the streams (env FANZHA_STREAM_DIR; default: beside an SQLite database, else ./fanzha.jetstream)")
	return c
}

func openApp(ctx context.Context, cfg appConfig) (*app, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := store.Open(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	reg, err := registry.Open(ctx, st)
	if err != nil {
		st.Close()
		return nil, err
	}
	inds, sigs := reg.Index().Len()
	log.Info("index rebuilt from store", "indicators", inds, "signals", sigs, "took", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	ledger, err := store.LoadLedger(ctx, st)
	if err != nil {
		st.Close()
		return nil, err
	}
	ls := ledger.Stats()
	log.Info("money ledger rebuilt from store", "transfers", ls.Transfers, "accounts", ls.Accounts, "attributed", ls.Attributed, "took", time.Since(start).Round(time.Millisecond))
	// An embedded JetStream keeps its streams on disk beside the database
	// (or in the working directory), never in a temporary directory: a
	// record acknowledged to an operator must survive a crash.
	dir := cfg.StreamDir
	if dir == "" && cfg.NATS == "" {
		dir = "fanzha.jetstream"
		if path, ok := strings.CutPrefix(cfg.DSN, "sqlite:"); ok {
			dir = path + ".jetstream"
		}
	}
	bus, err := stream.Open(ctx, stream.Options{URL: cfg.NATS, Dir: dir, Name: "fanzha"})
	if err != nil {
		st.Close()
		return nil, err
	}
	tel, err := worker.NewTelecom(ctx, bus, reg, st, cfg.Region, log)
	if err != nil {
		bus.Close()
		st.Close()
		return nil, err
	}
	audit := auth.NewAuditor(func(ctx context.Context, es []auth.AuditEntry) error {
		_, err := st.AppendAudit(ctx, es)
		return err
	}, auth.AuditorOptions{Logger: log})
	// One screening engine per node: its velocity is warmed with the stored
	// ledger, so a restart does not forget who paid whom.
	start = time.Now()
	scr, warmed, err := web.NewScreening(ctx, st, reg, tel)
	if err != nil {
		bus.Close()
		st.Close()
		return nil, err
	}
	log.Info("payment screening ready", "velocity_transfers", warmed, "took", time.Since(start).Round(time.Millisecond))
	srv := web.New(st, reg, audit, web.Options{Parse: indicator.Options{DefaultRegion: cfg.Region}, Logger: log, Telecom: tel, Ledger: ledger, Screening: scr})
	a := &app{store: st, registry: reg, audit: audit, bus: bus, telecom: tel, ledger: ledger, server: srv, log: log, stopped: make(chan struct{})}
	runCtx, stop := context.WithCancel(context.Background())
	a.stop = stop
	go func() {
		defer close(a.stopped)
		// Findings land every 100 ms: a suspect is in lookups well within a
		// second of the record that crossed its threshold.
		if err := tel.Run(runCtx, 100*time.Millisecond); err != nil {
			log.Error("telecom detectors stopped", "err", err)
		}
	}()
	return a, nil
}

// close stops the detectors (landing what they found), drains the audit
// queue, then closes the stream and the store.
func (a *app) close() {
	a.stop()
	<-a.stopped
	a.bus.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.audit.Close(ctx); err != nil {
		a.log.Error("audit writer did not drain", "err", err)
	}
	if err := a.store.Close(); err != nil {
		a.log.Error("close store", "err", err)
	}
}

// serve listens on addr until ctx ends, then shuts down gracefully:
// in-flight requests finish (up to 20 s) before the store closes. ready,
// if not nil, receives the bound address once listening.
func (a *app) serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           a.server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("fanzha listening", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}

	a.log.Info("shutting down: finishing in-flight requests")
	shut, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

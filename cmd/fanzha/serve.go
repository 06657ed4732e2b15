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
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/web"
)

func runServe(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("FANZHA_ADDR", "127.0.0.1:8080"), "listen address (env FANZHA_ADDR)")
	db := dbFlag(fs)
	region := regionFlag(fs)
	if _, err := parseFlags(fs, args, out); err != nil {
		return err
	}
	app, err := openApp(ctx, *db, *region)
	if err != nil {
		return err
	}
	defer app.close()
	return app.serve(ctx, *addr, nil)
}

// app is a running fanzha: store, registry, audit writer and HTTP server.
type app struct {
	store    store.Store
	registry *registry.Registry
	audit    *auth.Auditor
	server   *web.Server
	log      *slog.Logger
}

func openApp(ctx context.Context, dsn, region string) (*app, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := store.Open(ctx, dsn)
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
	audit := auth.NewAuditor(func(ctx context.Context, es []auth.AuditEntry) error {
		_, err := st.AppendAudit(ctx, es)
		return err
	}, auth.AuditorOptions{Logger: log})
	srv := web.New(st, reg, audit, web.Options{Parse: indicator.Options{DefaultRegion: region}, Logger: log})
	return &app{store: st, registry: reg, audit: audit, server: srv, log: log}, nil
}

// close drains the audit queue, then closes the store.
func (a *app) close() {
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

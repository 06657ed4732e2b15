// Package stream carries records between ingest and the detectors over NATS
// JetStream: the machine's (or a cluster's) server when a URL is given, an
// embedded one otherwise, so a single fanzha needs nothing else installed.
//
// Delivery is at least once: a consumer acknowledges a message only after
// its handler returned, and a message the handler failed is redelivered.
// Publishers set a message ID (the record's own ID), so JetStream drops a
// re-sent record inside its duplicate window, and the detectors downstream
// are idempotent for the rest.
package stream

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Options say where the streams live.
type Options struct {
	// URL of a NATS server with JetStream ("nats://127.0.0.1:4222"). Empty:
	// start an embedded server.
	URL string
	// Dir keeps the embedded server's streams; empty: a temporary
	// directory removed on Close (streams then last as long as the process).
	Dir string
	// Name labels the connection in the server's monitoring.
	Name string
}

// Bus is a connection to JetStream, and the embedded server if it runs one.
type Bus struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	server  *server.Server
	tempDir string
}

// Open connects to the server in o.URL, or starts an embedded one.
func Open(ctx context.Context, o Options) (*Bus, error) {
	b := &Bus{}
	opts := []nats.Option{nats.Name(o.Name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	url := o.URL
	if url == "" {
		dir := o.Dir
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp("", "fanzha-jetstream-"); err != nil {
				return nil, fmt.Errorf("stream: %w", err)
			}
			b.tempDir = dir
		}
		ns, err := server.NewServer(&server.Options{
			ServerName: "fanzha-embedded", JetStream: true, StoreDir: dir,
			DontListen: true, NoSigs: true, NoLog: true,
		})
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("stream: embedded NATS server: %w", err)
		}
		go ns.Start()
		if !ns.ReadyForConnections(10 * time.Second) {
			ns.Shutdown()
			b.Close()
			return nil, errors.New("stream: embedded NATS server did not start within 10 s")
		}
		b.server = ns
		opts = append(opts, nats.InProcessServer(ns))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("stream: connect to NATS at %q: %w", url, err)
	}
	b.nc = nc
	if b.js, err = jetstream.New(nc); err != nil {
		b.Close()
		return nil, fmt.Errorf("stream: JetStream: %w", err)
	}
	if _, err := b.js.AccountInfo(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("stream: JetStream not available at %q: %w", url, err)
	}
	return b, nil
}

// Ensure creates or updates a stream holding subjects, keeping messages for
// maxAge and dropping re-sent message IDs seen within dedupe.
func (b *Bus) Ensure(ctx context.Context, name string, subjects []string, maxAge, dedupe time.Duration) error {
	_, err := b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: name, Subjects: subjects, Storage: jetstream.FileStorage,
		MaxAge: maxAge, Duplicates: dedupe,
	})
	if err != nil {
		return fmt.Errorf("stream: ensure %s: %w", name, err)
	}
	return nil
}

// Publish stores one message and returns once JetStream has it (the
// publish acknowledgement), so that what the caller acknowledges onward is
// never lost. id deduplicates re-sends.
func (b *Bus) Publish(ctx context.Context, subject, id string, data []byte) error {
	_, err := b.js.Publish(ctx, subject, data, jetstream.WithMsgID(id))
	if err != nil {
		return fmt.Errorf("stream: publish to %s: %w", subject, err)
	}
	return nil
}

// PublishAsync queues messages without waiting for each acknowledgement,
// then waits for all of them: the way to move many records quickly. It
// returns the first failure; messages before it may be stored (re-sending
// them is harmless).
func (b *Bus) PublishAsync(ctx context.Context, subject string, ids []string, data [][]byte) error {
	futures := make([]jetstream.PubAckFuture, 0, len(data))
	for i := range data {
		f, err := b.js.PublishAsync(subject, data[i], jetstream.WithMsgID(ids[i]))
		if err != nil {
			return fmt.Errorf("stream: publish to %s: %w", subject, err)
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("stream: publish to %s: %w", subject, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Handler processes one message; an error has it delivered again later.
type Handler func(subject string, data []byte) error

// Consume delivers the stream's messages to fn through the durable
// consumer named durable (created if needed), acknowledging each after fn
// succeeds, until ctx ends. Workers sharing a durable name share the work.
func (b *Bus) Consume(ctx context.Context, streamName, durable string, fn Handler) error {
	cons, err := b.js.CreateOrUpdateConsumer(ctx, streamName, jetstream.ConsumerConfig{
		Durable: durable, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
		MaxAckPending: 20_000,
	})
	if err != nil {
		return fmt.Errorf("stream: consumer %s on %s: %w", durable, streamName, err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		if err := fn(m.Subject(), m.Data()); err != nil {
			m.NakWithDelay(time.Second)
			return
		}
		m.Ack()
	})
	if err != nil {
		return fmt.Errorf("stream: consume %s: %w", streamName, err)
	}
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	return nil
}

// Close disconnects and stops the embedded server.
func (b *Bus) Close() {
	if b.nc != nil {
		b.nc.Drain()
		b.nc.Close()
	}
	if b.server != nil {
		b.server.Shutdown()
		b.server.WaitForShutdown()
	}
	if b.tempDir != "" {
		os.RemoveAll(b.tempDir)
	}
}

// Delete removes a stream and everything in it (for tests and benchmarks
// that need a clean start on a shared server).
func (b *Bus) Delete(ctx context.Context, name string) error {
	if err := b.js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("stream: delete %s: %w", name, err)
	}
	return nil
}

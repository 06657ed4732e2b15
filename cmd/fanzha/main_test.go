package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	return out.String(), err
}

func TestHelpListsEveryCommand(t *testing.T) {
	out, err := runCLI(t, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !regexp.MustCompile(`(?m)^  ` + c.name + ` +\S`).MatchString(out) {
			t.Errorf("help lacks a line for %s:\n%s", c.name, out)
		}
	}
	if _, err := runCLI(t, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
}

func TestOrgTokenAuditLookup(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	if out, err := runCLI(t, "org", "add", "Jiangsu PSB", "--sector", "police", "--db", db); err != nil || !strings.Contains(out, "added") {
		t.Fatalf("org add: %s %v", out, err)
	}
	if _, err := runCLI(t, "org", "add", "Jiangsu PSB", "--sector", "police", "--db", db); err == nil {
		t.Error("adding an organisation twice succeeded")
	}
	if out, err := runCLI(t, "org", "add", "Suzhou PSB", "--sector", "police", "--region", "CN-JS", "--db", db); err != nil {
		t.Fatalf("org add --region: %s %v", out, err)
	}
	if _, err := runCLI(t, "org", "add", "Y", "--sector", "police", "--region", "Jiangsu", "--db", db); err == nil {
		t.Error("a region that is not an ISO code was accepted")
	}
	if out, _ := runCLI(t, "org", "list", "--db", db); !strings.Contains(out, "CN-JS") || !strings.Contains(out, "nationwide") {
		t.Errorf("org list:\n%s", out)
	}
	if _, err := runCLI(t, "org", "add", "X", "--sector", "bakery", "--db", db); err == nil || !strings.Contains(err.Error(), "bakery") {
		t.Errorf("bad sector: %v", err)
	}
	out, err := runCLI(t, "token", "create", "--org", "Jiangsu PSB", "--role", "analyst", "--db", db)
	if err != nil || !regexp.MustCompile(`fz_[A-Za-z0-9_-]{43}`).MatchString(out) {
		t.Fatalf("token create: %s %v", out, err)
	}
	if _, err := runCLI(t, "token", "create", "--org", "Nobody", "--role", "analyst", "--db", db); err == nil {
		t.Error("token for an unknown organisation")
	}
	out, err = runCLI(t, "lookup", "138-0013-8000", "--db", db)
	if err != nil || !strings.Contains(out, `"value": "+8613800138000"`) || !strings.Contains(out, `"kind": "phone"`) {
		t.Errorf("lookup: %s %v", out, err)
	}
	if _, err := runCLI(t, "lookup", "--offline", "definitely not an indicator"); err == nil {
		t.Error("lookup of garbage succeeded")
	}
	if out, err := runCLI(t, "audit", "verify", "--db", db); err != nil || !strings.Contains(out, "1 entries verified") {
		t.Errorf("audit verify: %s %v", out, err)
	}
}

// buildBinary compiles fanzha once for the tests that run it as a process.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "fanzha-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "fanzha")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServer(t *testing.T, bin, db, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("server did not start")
	return nil
}

// TestCrashDuringBulkIngest kills the server with SIGKILL while batches of
// signals stream in, restarts it, and checks that every batch the server
// acknowledged is there, and no batch is there in part.
func TestCrashDuringBulkIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "crash.db")
	for _, args := range [][]string{{"org", "add", "Eastern Mobile", "--sector", "telecom"}} {
		if out, err := exec.Command(bin, append(args, "--db", db)...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", args, out)
		}
	}
	out, err := exec.Command(bin, "token", "create", "--org", "Eastern Mobile", "--role", "contributor", "--db", db).CombinedOutput()
	if err != nil {
		t.Fatalf("token: %s", out)
	}
	token := regexp.MustCompile(`fz_[A-Za-z0-9_-]{43}`).FindString(string(out))
	addr := freeAddr(t)
	srv := startServer(t, bin, db, addr)

	const batch = 2000
	var (
		mu    sync.Mutex
		acked []int // batch numbers acknowledged with 200
	)
	send := func(n int) error {
		var body bytes.Buffer
		body.WriteString("id,kind,value,typology,confidence\n")
		for i := 0; i < batch; i++ {
			fmt.Fprintf(&body, "b%d-%d,phone,+86139%08d,task_scam,0.7\n", n, i, n*batch+i)
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/signals", &body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/csv")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var sum struct{ Accepted, Added int }
		json.NewDecoder(resp.Body).Decode(&sum)
		if resp.StatusCode != 200 || sum.Accepted != batch {
			return fmt.Errorf("batch %d: HTTP %d, accepted %d", n, resp.StatusCode, sum.Accepted)
		}
		mu.Lock()
		acked = append(acked, n)
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for n := w; n < 400; n += 4 {
				if send(n) != nil {
					return // the server died under us
				}
			}
		})
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 8 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	wg.Wait()
	mu.Lock()
	done := append([]int(nil), acked...)
	mu.Unlock()

	srv = startServer(t, bin, db, addr)
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Signals int }
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health.Signals < len(done)*batch {
		t.Fatalf("after the crash %d signals are stored, but %d were acknowledged", health.Signals, len(done)*batch)
	}
	if health.Signals%batch != 0 {
		t.Errorf("%d signals stored: a batch was stored in part", health.Signals)
	}
	t.Logf("acknowledged %d batches (%d signals) before SIGKILL; %d signals stored after restart", len(done), len(done)*batch, health.Signals)
	// Re-sending the acknowledged batches adds nothing.
	for _, n := range done[:2] {
		if err := send(n); err != nil {
			t.Fatal(err)
		}
	}
	resp, _ = http.Get("http://" + addr + "/healthz")
	var again struct{ Signals int }
	json.NewDecoder(resp.Body).Decode(&again)
	resp.Body.Close()
	if again.Signals != health.Signals {
		t.Errorf("re-sending acknowledged batches changed the count from %d to %d", health.Signals, again.Signals)
	}
	if out, err := exec.Command(bin, "audit", "verify", "--db", db).CombinedOutput(); err != nil {
		t.Errorf("audit chain after the crash: %s", out)
	}
}

func TestSimulateTelecom(t *testing.T) {
	dir := t.TempDir()
	out, err := runCLI(t, "simulate", "telecom", "--subscribers", "500", "--days", "1", "--seed", "3", "--out", dir)
	if err != nil || !strings.Contains(out, "records") {
		t.Fatalf("%s %v", out, err)
	}
	for _, f := range []string{"cdr.csv", "truth.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := runCLI(t, "simulate", "telecom"); err == nil {
		t.Error("simulate without --out succeeded")
	}
}

// Command http measures fanzha's HTTP lookups on loopback against Redis in
// the same run: it starts `fanzha serve` on a fresh SQLite database loaded
// with N indicators, drives GET /api/v1/lookup with wrk (keep-alive, 50
// connections), drives redis-benchmark -t get with the same concurrency
// against a local redis-server, prints both and their ratio, then measures
// batch lookups through POST /api/v1/lookup.
//
//	go run ./bench/http [-n 1000000] [-duration 15s] [-redis 127.0.0.1:6379]
//
// Needs Debian's wrk and redis-tools (redis-server, redis-benchmark).
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 1_000_000, "indicators to load")
	dur := flag.Duration("duration", 15*time.Second, "how long each load runs")
	conns := flag.Int("c", 50, "concurrent connections")
	redisAddr := flag.String("redis", "127.0.0.1:6379", "redis-server to compare with (started on a spare port if none answers)")
	flag.Parse()
	if err := run(*n, *dur, *conns, *redisAddr); err != nil {
		log.Fatal(err)
	}
}

func run(n int, dur time.Duration, conns int, redisAddr string) error {
	for _, tool := range []string{"wrk", "redis-benchmark"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: apt-get install wrk redis-tools", tool)
		}
	}
	dir, err := os.MkdirTemp("", "fanzha-httpbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "fanzha")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/fanzha").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	db := "sqlite:" + filepath.Join(dir, "bench.db")
	must(exec.Command(bin, "org", "add", "Bench Bank", "--sector", "finance", "--db", db).Run())
	out, err := exec.Command(bin, "token", "create", "--org", "Bench Bank", "--role", "analyst", "--db", db).Output()
	if err != nil {
		return err
	}
	token := regexp.MustCompile(`fz_[A-Za-z0-9_-]{43}`).FindString(string(out))
	addr := freeAddr()
	srv := exec.Command(bin, "serve", "--db", db, "--addr", addr)
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	base := "http://" + addr
	if err := waitUp(base); err != nil {
		return err
	}

	// Load n phone numbers as signals, in batches, through the API.
	start := time.Now()
	const batch = 50_000
	for lo := 0; lo < n; lo += batch {
		var body bytes.Buffer
		body.WriteString("id,kind,value,typology,confidence\n")
		for i := lo; i < min(lo+batch, n); i++ {
			fmt.Fprintf(&body, "s%d,phone,+86138%08d,task_scam,0.7\n", i, i)
		}
		if err := post(base+"/api/v1/signals", token, "text/csv", body.Bytes(), nil); err != nil {
			return err
		}
	}
	loadTook := time.Since(start)
	fmt.Printf("loaded %d signals through POST /api/v1/signals in %s (%.0f signals/s, SQLite)\n", n, loadTook.Round(time.Millisecond), float64(n)/loadTook.Seconds())

	// wrk: GET /api/v1/lookup of random loaded numbers (90%) and unknown ones.
	lua := filepath.Join(dir, "lookup.lua")
	os.WriteFile(lua, []byte(fmt.Sprintf(`
wrk.headers["Authorization"] = "Bearer %s"
math.randomseed(7)
request = function()
  local prefix = "138"
  if math.random(10) == 1 then prefix = "150" end
  return wrk.format("GET", "/api/v1/lookup?q=%%2B86" .. prefix .. string.format("%%08d", math.random(0, %d)))
end
`, token, n-1)), 0o644)
	wrkOut, err := exec.Command("wrk", "-t", "2", "-c", strconv.Itoa(conns), "-d", dur.String(), "--latency", "-s", lua, base).CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrk: %v\n%s", err, wrkOut)
	}
	rps, p99, non2xx := parseWrk(string(wrkOut))
	fmt.Printf("\nfanzha GET /api/v1/lookup (wrk, %d connections, %s): %.0f requests/s, p99 %s, non-2xx %d\n", conns, dur, rps, p99, non2xx)

	// redis-benchmark GET on the same machine, same concurrency.
	stopRedis, raddr, err := ensureRedis(redisAddr, dir)
	if err != nil {
		return err
	}
	defer stopRedis()
	host, port, _ := net.SplitHostPort(raddr)
	requests := int(rps * dur.Seconds())
	rbOut, err := exec.Command("redis-benchmark", "-h", host, "-p", port, "-t", "get", "-c", strconv.Itoa(conns), "-n", strconv.Itoa(max(requests, 200000)), "-r", strconv.Itoa(n), "--csv").CombinedOutput()
	if err != nil {
		return fmt.Errorf("redis-benchmark: %v\n%s", err, rbOut)
	}
	redisRPS, redisP99 := parseRedisCSV(string(rbOut))
	fmt.Printf("redis GET (redis-benchmark, %d connections): %.0f requests/s, p99 %.3f ms\n", conns, redisRPS, redisP99)
	fmt.Printf("ratio fanzha/redis: %.2f×\n", rps/redisRPS)

	// Batch lookups: 10,000 indicators a request, 4 clients in parallel.
	return batchLoad(base, token, n, dur)
}

func batchLoad(base, token string, n int, dur time.Duration) error {
	bodies := make([][]byte, 8)
	for b := range bodies {
		var buf bytes.Buffer
		for i := 0; i < 10_000; i++ {
			fmt.Fprintf(&buf, "+86138%08d\n", (b*10_000+i*7919)%n)
		}
		bodies[b] = buf.Bytes()
	}
	var total atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	start := time.Now()
	var firstErr atomic.Value
	for c := 0; c < 4; c++ {
		wg.Go(func() {
			for i := c; ctx.Err() == nil; i++ {
				if err := post(base+"/api/v1/lookup?kind=phone", token, "text/plain", bodies[i%len(bodies)], io.Discard); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				total.Add(10_000)
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("\nfanzha POST /api/v1/lookup (10,000 phones a request, text/plain, 4 clients): %.0f indicators/s\n", float64(total.Load())/took.Seconds())
	return nil
}

func post(url, token, ct string, body []byte, sink io.Writer) error {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s: HTTP %d: %s", url, resp.StatusCode, msg)
	}
	if sink == nil {
		sink = io.Discard
	}
	_, err = io.Copy(sink, resp.Body)
	return err
}

var (
	reqRe   = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	p99Re   = regexp.MustCompile(`\s99%\s+([\d.]+\w+)`)
	non2xRe = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
)

func parseWrk(out string) (rps float64, p99 string, non2xx int) {
	if m := reqRe.FindStringSubmatch(out); m != nil {
		rps, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := p99Re.FindStringSubmatch(out); m != nil {
		p99 = m[1]
	}
	if m := non2xRe.FindStringSubmatch(out); m != nil {
		non2xx, _ = strconv.Atoi(m[1])
	}
	return
}

// parseRedisCSV reads redis-benchmark --csv: a header line, then
// "GET","rps","avg","min","p50","p95","p99","max".
func parseRedisCSV(out string) (rps, p99 float64) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Split(strings.ReplaceAll(sc.Text(), `"`, ""), ",")
		if len(f) >= 7 && f[0] == "GET" {
			rps, _ = strconv.ParseFloat(f[1], 64)
			p99, _ = strconv.ParseFloat(f[6], 64)
		}
	}
	return
}

// ensureRedis uses a redis-server at addr, or starts one on a spare port.
func ensureRedis(addr, dir string) (stop func(), bound string, err error) {
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		return func() {}, addr, nil
	}
	bound = freeAddr()
	_, port, _ := net.SplitHostPort(bound)
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start redis-server: %w", err)
	}
	for i := 0; i < 50; i++ {
		if c, err := net.Dial("tcp", bound); err == nil {
			c.Close()
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return func() { cmd.Process.Kill(); cmd.Wait() }, bound, nil
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	defer ln.Close()
	return ln.Addr().String()
}

func waitUp(base string) error {
	for i := 0; i < 300; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("server at %s did not come up", base)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

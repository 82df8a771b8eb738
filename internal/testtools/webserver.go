package testtools

// The web servers the live tests run (Apache, nginx, HAProxy): how each is
// started, stopped, reloaded and seen to refuse a client.

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is one kind of web server.
type Server struct {
	Name string
	// Start runs the server on 127.0.0.1:port with config (Apache's
	// <VirtualHost> or nginx's server block) and stops it at cleanup.
	Start func(t testing.TB, config string, port int)
	// DeniedStatus is the HTTP status of a refused client when the server
	// completes the handshake (nginx); Apache aborts the handshake instead.
	DeniedStatus int
	// ReloadSignal makes the server re-read its configuration and the files
	// it names: `apachectl graceful` sends SIGUSR1, `nginx -s reload` SIGHUP.
	ReloadSignal syscall.Signal
}

var (
	Apache = Server{Name: "apache", Start: StartApache, ReloadSignal: syscall.SIGUSR1}
	Nginx  = Server{Name: "nginx", Start: StartNginx, DeniedStatus: 403, ReloadSignal: syscall.SIGHUP}
	// HAProxy runs in the foreground without its master process, so it has
	// no reload signal; it aborts the handshake of a refused client.
	HAProxy = Server{Name: "haproxy", Start: StartHAProxy}
)

// running maps the port of each server started here to its main process,
// for Reload.
var running sync.Map

// Reload signals the server running on port to reload, as an operator does
// after replacing a certificate or CRL file. It returns at once: the server
// reloads in the background, so callers wait for the behaviour they expect.
func (s Server) Reload(t testing.TB, port int) {
	t.Helper()
	entry, _ := running.Load(port)
	process, ok := entry.(*os.Process)
	if !ok {
		t.Fatalf("no %s was started on port %d", s.Name, port)
	}
	if err := process.Signal(s.ReloadSignal); err != nil {
		t.Fatalf("reloading %s: %v", s.Name, err)
	}
}

// CheckRefused fails the test unless the server refused the client: with
// DeniedStatus, or by aborting the TLS handshake with an alert.
func (s Server) CheckRefused(t testing.TB, result CurlResult) {
	t.Helper()
	switch {
	case s.DeniedStatus != 0 && result.ExitCode == 0 && result.Status == s.DeniedStatus:
		t.Logf("refused with HTTP %d: %q", result.Status, result.Body)
	// 35 and 56 are curl's TLS failures; a timeout (28) would not count.
	case s.DeniedStatus == 0 && (result.ExitCode == 35 || result.ExitCode == 56) && strings.Contains(result.Stderr, "alert"):
		t.Logf("refused during the handshake: %s", result.Stderr)
	default:
		t.Fatalf("not refused as expected: %v", result)
	}
}

// startProcess starts a foreground server process, stops it at cleanup and
// waits until it accepts connections on port.
func startProcess(t testing.TB, port int, logFile string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// Its own process group, so its workers can be stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed when the process ends; waitErr is then its status.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	running.Store(port, cmd.Process)
	t.Cleanup(func() {
		running.Delete(port)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			_ = conn.Close()
			return
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited before serving: %v\n%s\n%s", name, waitErr, output.String(), log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s did not listen on port %d within 10s\n%s\n%s", name, port, output.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func writeConfig(t testing.TB, dir, name, content string) string {
	t.Helper()
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

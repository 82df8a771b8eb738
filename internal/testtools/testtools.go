// Package testtools drives the real programs that live and interop tests
// need: it finds them (failing in CI, skipping elsewhere), runs Apache httpd,
// nginx and HAProxy on loopback ports around a rendered configuration,
// drives them with curl or a TLS client, and reads keytool listings. It is for tests only and knows
// nothing of Terraform, so every package's tests share it.
//
// One file a concern: this one finds programs, ports and runs commands;
// webserver.go with apache.go, nginx.go and haproxy.go, mariadb.go and
// postgresql.go run the servers; backends.go, clients.go and proxy_checks.go
// stand around a proxy; keytool.go reads keytool; pki.go is the test PKI.
package testtools

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// RequireTool returns the path of the first installed candidate program. A
// missing program fails the test in CI (CI=true), where it must be
// installed, and skips it elsewhere.
func RequireTool(t testing.TB, candidates ...string) string {
	t.Helper()
	for _, candidate := range candidates {
		if path, err := exec.LookPath(candidate); err == nil {
			return path
		}
	}
	reason := fmt.Sprintf("none of %v is installed", candidates)
	if os.Getenv("CI") == "true" {
		t.Fatal(reason)
	}
	t.Skip("skipping: " + reason)
	return ""
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = listener.Close() }()
	address, _ := listener.Addr().(*net.TCPAddr) // a "tcp" listener's address is always one
	return address.Port
}

// RunCommand runs a short command with a deadline and returns its output.
func RunCommand(t testing.TB, timeout time.Duration, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

package testtools

import (
	"path/filepath"
	"testing"
	"time"
)

// StartHAProxy runs HAProxy in the foreground (-db) with minimal global and
// defaults sections before sections (frontends and backends), after
// `haproxy -c` has accepted the whole file.
func StartHAProxy(t testing.TB, sections string, port int) {
	t.Helper()
	haproxy := RequireTool(t, "/usr/sbin/haproxy", "haproxy")
	dir := t.TempDir()
	conf := "global\n    log stderr format raw local0 info\n\n" +
		"defaults\n    log global\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\n" + sections
	confFile := writeConfig(t, dir, "haproxy.cfg", conf)
	if out, errOut, err := RunCommand(t, 30*time.Second, haproxy, "-c", "-f", confFile); err != nil {
		t.Fatalf("haproxy -c rejected the configuration: %v\n%s%s\n%s", err, out, errOut, conf)
	}
	startProcess(t, port, filepath.Join(dir, "none.log"), haproxy, "-db", "-f", confFile)
}

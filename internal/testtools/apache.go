package testtools

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var apacheListen = regexp.MustCompile(`(?m)^\s*Listen\s`)

// StartApache runs Apache with a minimal top-level configuration around a
// virtual host.
func StartApache(t testing.TB, vhost string, port int) {
	t.Helper()
	apache := RequireTool(t, "/usr/sbin/apache2", "apache2", "httpd")
	modules := "/usr/lib/apache2/modules"
	dir := t.TempDir()
	var conf strings.Builder
	fmt.Fprintf(&conf, "ServerRoot %q\nDefaultRuntimeDir %q\nPidFile %q\nErrorLog %q\nLogLevel warn ssl:info\n",
		dir, dir, filepath.Join(dir, "apache.pid"), filepath.Join(dir, "error.log"))
	for _, module := range []string{"mpm_event", "authz_core", "headers", "proxy", "proxy_http", "ssl"} {
		fmt.Fprintf(&conf, "LoadModule %s_module %s/mod_%s.so\n", module, modules, module)
	}
	if !apacheListen.MatchString(vhost) {
		// A configuration rendered with its own Listen line gets none here:
		// Apache refuses two for one address and port.
		fmt.Fprintf(&conf, "Listen 127.0.0.1:%d\n", port)
	}
	conf.WriteString("ServerName localhost\nStartServers 1\nServerLimit 1\nThreadsPerChild 16\nMaxRequestWorkers 16\n")
	if os.Geteuid() == 0 {
		// Apache refuses to serve as root; its workers drop to this user.
		conf.WriteString("User www-data\nGroup www-data\n")
	}
	conf.WriteString(vhost)
	confFile := writeConfig(t, dir, "httpd.conf", conf.String())

	if out, errOut, err := RunCommand(t, 30*time.Second, apache, "-t", "-f", confFile); err != nil {
		t.Fatalf("apache2 -t rejected the configuration: %v\n%s%s\n%s", err, out, errOut, conf.String())
	}
	startProcess(t, port, filepath.Join(dir, "error.log"), apache, "-DFOREGROUND", "-f", confFile)
}

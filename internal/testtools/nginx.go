package testtools

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// StartNginx runs nginx with a minimal top-level configuration around a
// server block.
func StartNginx(t testing.TB, serverBlock string, port int) {
	t.Helper()
	nginx := RequireTool(t, "/usr/sbin/nginx", "nginx")
	dir := t.TempDir()
	var conf strings.Builder
	fmt.Fprintf(&conf, "pid %q;\nerror_log %q info;\nworker_processes 1;\nevents { worker_connections 64; }\nhttp {\n    access_log off;\n",
		filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	for _, temp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&conf, "    %s_temp_path %q;\n", temp, filepath.Join(dir, temp))
	}
	for _, line := range strings.Split(strings.TrimRight(serverBlock, "\n"), "\n") {
		if line != "" {
			conf.WriteString("    " + line)
		}
		conf.WriteString("\n")
	}
	conf.WriteString("}\n")
	confFile := writeConfig(t, dir, "nginx.conf", conf.String())

	args := []string{"-p", dir, "-c", confFile, "-g", "daemon off;"}
	if out, errOut, err := RunCommand(t, 30*time.Second, nginx, append([]string{"-t"}, args...)...); err != nil {
		t.Fatalf("nginx -t rejected the configuration: %v\n%s%s\n%s", err, out, errOut, conf.String())
	}
	startProcess(t, port, filepath.Join(dir, "error.log"), nginx, args...)
}

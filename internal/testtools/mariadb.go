package testtools

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// MariaDB is a throwaway MariaDB server on a loopback port, never the
// system service: its own data directory, socket and log under a private
// directory. As root, the server runs as the mysql user (mariadbd --user),
// so the files it reads are handed to that user.
type MariaDB struct {
	// Dir is where to write the files the server reads (certificates, keys,
	// CRLs) before Start.
	Dir  string
	Port int
	// Socket is the Unix socket administrators connect through.
	Socket string
	// Log is the server's error log, where it explains refused logins.
	Log string

	base, dataDir string
	client        string
	admin         string // the account install-db made for this OS user
	runAs         *user.User
}

// NewMariaDB prepares a server: the programs must be installed (CI fails
// without them, elsewhere the test is skipped).
func NewMariaDB(t testing.TB) *MariaDB {
	t.Helper()
	RequireTool(t, "/usr/sbin/mariadbd", "mariadbd")
	RequireTool(t, "mariadb-install-db")
	m := &MariaDB{client: RequireTool(t, "mariadb"), Port: FreePort(t)}
	// Not t.TempDir: its parents are private to this user, and the server
	// may run as another.
	base, err := os.MkdirTemp("", "mtls-mariadb-") //nolint:usetesting // see above
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	m.base, m.Dir, m.dataDir = base, filepath.Join(base, "files"), filepath.Join(base, "data")
	m.Socket, m.Log = filepath.Join(m.dataDir, "mariadb.sock"), filepath.Join(m.dataDir, "error.log")
	if err := os.Mkdir(m.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	m.admin = "root"
	if os.Geteuid() == 0 {
		if m.runAs, err = user.Lookup("mysql"); err != nil {
			t.Fatalf("running as root, the server needs the mysql user (from the mariadb-server package): %v", err)
		}
	} else if current, err := user.Current(); err == nil {
		m.admin = current.Username
	}
	return m
}

// Start installs the system tables into a fresh data directory and runs
// mariadbd with the mysqld section (a rendered [mysqld] group) followed by
// the lines that put this server on its port, socket and directories. It
// waits until the port accepts connections and stops the server at cleanup.
func (m *MariaDB) Start(t testing.TB, mysqld string) {
	t.Helper()
	if err := os.Mkdir(m.dataDir, 0o750); err != nil {
		t.Fatal(err)
	}
	var conf strings.Builder
	conf.WriteString(mysqld)
	fmt.Fprintf(&conf, "\n[mysqld]\ndatadir = %s\nsocket = %s\nport = %d\nbind-address = 127.0.0.1\npid-file = %s\nlog-error = %s\n",
		m.dataDir, m.Socket, m.Port, filepath.Join(m.dataDir, "mariadb.pid"), m.Log)
	conf.WriteString("skip-name-resolve\nlog-warnings = 2\ninnodb-buffer-pool-size = 16M\n")
	if m.runAs != nil {
		fmt.Fprintf(&conf, "user = %s\n", m.runAs.Username)
	}
	confFile := writeConfig(t, m.base, "my.cnf", conf.String())
	if m.runAs != nil {
		uid, _ := strconv.Atoi(m.runAs.Uid)
		gid, _ := strconv.Atoi(m.runAs.Gid)
		for _, dir := range []string{m.Dir, m.dataDir} {
			err := filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
				if err != nil {
					return err
				}
				return os.Lchown(path, uid, gid)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(confFile, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	install := []string{"--defaults-file=" + confFile, "--auth-root-authentication-method=socket", "--skip-test-db"}
	if out, errOut, err := RunCommand(t, 2*time.Minute, "mariadb-install-db", install...); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s%s", err, out, errOut)
	}
	startProcess(t, m.Port, m.Log, RequireTool(t, "/usr/sbin/mariadbd", "mariadbd"), "--defaults-file="+confFile)
}

// Admin runs SQL as the administrator, through the Unix socket, and fails
// the test if the client fails.
func (m *MariaDB) Admin(t testing.TB, sql string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), m.client, "--no-defaults", "--socket="+m.Socket, "--user="+m.admin, "--batch", "--raw", "--skip-column-names")
	cmd.Stdin = strings.NewReader(sql)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb as %s: %v\n%s\nSQL:\n%s", m.admin, err, out, sql)
	}
	return string(out)
}

// MariaDBResult is what one client connection produced.
type MariaDBResult struct {
	Output string // stdout and stderr
	Err    error  // non-nil when the client failed
}

func (r MariaDBResult) String() string {
	return fmt.Sprintf("err %v, output %q", r.Err, r.Output)
}

// Connect runs the mariadb client over TCP to 127.0.0.1 with the given
// options (--user, --ssl-cert, --defaults-file ...) and a query.
func (m *MariaDB) Connect(t testing.TB, query string, options ...string) MariaDBResult {
	t.Helper()
	args := append([]string{}, options...)
	if len(args) == 0 || !strings.HasPrefix(args[0], "--defaults-file=") {
		args = append([]string{"--no-defaults"}, args...)
	}
	args = append(args, "--protocol=TCP", "--host=127.0.0.1", "--port="+strconv.Itoa(m.Port), "--connect-timeout=10", "--batch", "--raw", "--skip-column-names", "--execute="+query)
	out, errOut, err := RunCommand(t, 30*time.Second, m.client, args...)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("running mariadb: %v", err)
	}
	return MariaDBResult{Output: strings.TrimSpace(out + errOut), Err: err}
}

// LogSince returns what the server logged after the first skip bytes, and
// the log's length now.
func (m *MariaDB) LogSince(t testing.TB, skip int) (string, int) {
	t.Helper()
	log, err := os.ReadFile(m.Log)
	if err != nil {
		t.Fatal(err)
	}
	if skip > len(log) {
		skip = 0
	}
	return string(log[skip:]), len(log)
}

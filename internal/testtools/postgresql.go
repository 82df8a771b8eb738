package testtools

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PostgreSQLSuperuser is the superuser of a cluster from NewPostgreSQL; it
// connects over the cluster's own Unix socket only (see Start).
const PostgreSQLSuperuser = "postgres"

// PostgreSQL is a throwaway cluster: initdb in a temporary directory, run as
// an unprivileged user (postgres refuses to run as root), on a loopback port
// with a Unix socket in that directory. It never touches the system service.
type PostgreSQL struct {
	// Dir holds the cluster and the files its configuration names; the
	// server's user owns it.
	Dir  string
	Port int

	bin      string // directory of initdb, pg_ctl and postgres
	psql     string
	data     string
	setpriv  string   // non-empty when running as root
	uid, gid int      // the server's user, when running as root
	owner    []string // setpriv arguments that switch to that user
}

// postgresqlBinDirs are where Debian and others keep initdb, which is not on
// PATH there: the newest version first.
func postgresqlBinDirs() []string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	return dirs
}

// NewPostgreSQL runs initdb in a new directory; Start runs the server. As
// root, the cluster belongs to the postgres user (Debian's package creates
// it) and every server command runs as that user through setpriv.
func NewPostgreSQL(t testing.TB) *PostgreSQL {
	t.Helper()
	var candidates []string
	for _, dir := range postgresqlBinDirs() {
		candidates = append(candidates, filepath.Join(dir, "initdb"))
	}
	initdb := RequireTool(t, append(candidates, "initdb")...)
	pg := &PostgreSQL{bin: filepath.Dir(initdb), psql: RequireTool(t, "psql"), Port: FreePort(t)}
	if os.Geteuid() == 0 {
		pg.setpriv = RequireTool(t, "setpriv")
		account, err := user.Lookup("postgres")
		if err != nil {
			reason := "running as root, PostgreSQL needs an unprivileged user to run as, and there is no postgres user: " + err.Error()
			if os.Getenv("CI") == "true" {
				t.Fatal(reason)
			}
			t.Skip("skipping: " + reason)
		}
		pg.uid, _ = strconv.Atoi(account.Uid)
		pg.gid, _ = strconv.Atoi(account.Gid)
		pg.owner = []string{"--reuid=" + account.Uid, "--regid=" + account.Gid, "--clear-groups", "--"}
	}
	// Not t.TempDir: its parent is private to root, so the server's user
	// could not reach it.
	dir, err := os.MkdirTemp("", "mtls-postgresql-") //nolint:usetesting // see above
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	pg.Dir, pg.data = dir, filepath.Join(dir, "data")
	pg.chown(t, dir)
	if out, err := pg.run(t, 60*time.Second, filepath.Join(pg.bin, "initdb"), "-D", pg.data, "-U", PostgreSQLSuperuser,
		"--auth=reject", "--encoding=UTF8", "--no-locale", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	return pg
}

func (pg *PostgreSQL) chown(t testing.TB, file string) {
	t.Helper()
	if pg.setpriv == "" {
		return
	}
	if err := os.Chown(file, pg.uid, pg.gid); err != nil {
		t.Fatal(err)
	}
}

// run runs a server command as the server's user. It does not use
// t.Context, which is already cancelled when cleanups stop the server.
func (pg *PostgreSQL) run(t testing.TB, timeout time.Duration, name string, args ...string) (string, error) {
	t.Helper()
	if pg.setpriv != "" {
		args = append(append(slices.Clone(pg.owner), name), args...)
		name = pg.setpriv
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// WriteFile writes a file into Dir that only the server's user can read,
// as PostgreSQL demands of its key file, and returns its path.
func (pg *PostgreSQL) WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	file := writeConfig(t, pg.Dir, name, content)
	pg.chown(t, file)
	return file
}

// Start runs the server with settings included from postgresql.conf, and
// hba and ident as the whole of pg_hba.conf and pg_ident.conf, after one
// line of pg_hba.conf that lets PostgreSQLSuperuser in over the cluster's
// Unix socket (for Exec). It stops the server at cleanup.
func (pg *PostgreSQL) Start(t testing.TB, settings, hba, ident string) {
	t.Helper()
	include := pg.WriteFile(t, "mtls.conf", settings)
	conf, err := os.OpenFile(filepath.Join(pg.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fmt.Fprintf(conf, "\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\ninclude '%s'\n", pg.Port, pg.Dir, include)
	if closeErr := conf.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		t.Fatal(err)
	}
	pg.WriteFile(t, "data/pg_hba.conf", "local all "+PostgreSQLSuperuser+" trust\n"+hba)
	pg.WriteFile(t, "data/pg_ident.conf", ident)
	log := filepath.Join(pg.Dir, "server.log")
	pgCtl := filepath.Join(pg.bin, "pg_ctl")
	if out, err := pg.run(t, 60*time.Second, pgCtl, "-D", pg.data, "-l", log, "-w", "-t", "30", "start"); err != nil {
		logText, _ := os.ReadFile(log)
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, logText)
	}
	t.Cleanup(func() {
		if out, err := pg.run(t, 60*time.Second, pgCtl, "-D", pg.data, "-m", "immediate", "-w", "stop"); err != nil {
			t.Errorf("pg_ctl stop: %v\n%s", err, out)
		}
	})
}

// Exec runs SQL as PostgreSQLSuperuser over the Unix socket and returns
// its unaligned output.
func (pg *PostgreSQL) Exec(t testing.TB, sql string) string {
	t.Helper()
	stdout, stderr, err := pg.Connect(t, fmt.Sprintf("host='%s' port=%d user=%s dbname=postgres", pg.Dir, pg.Port, PostgreSQLSuperuser), sql)
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", sql, err, stderr)
	}
	return strings.TrimSpace(stdout)
}

// Connect runs SQL through psql with a libpq connection string, with no
// PG* variable set and an empty home directory, so that only the
// connection string decides what psql presents (libpq would otherwise read
// ~/.postgresql/postgresql.crt and root.crt).
func (pg *PostgreSQL) Connect(t testing.TB, conninfo, sql string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, pg.psql, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PGCONNECT_TIMEOUT=10"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

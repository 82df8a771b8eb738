// Package testtools drives the real programs that live and interop tests
// need: it finds them (failing in CI, skipping elsewhere), runs Apache httpd,
// nginx and HAProxy on loopback ports around a rendered configuration,
// drives them with curl or a TLS client, and reads keytool listings. It is for tests only and knows
// nothing of Terraform, so every package's tests share it.
package testtools

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// NewEchoBackend runs a TCP server on 127.0.0.1 that sends back whatever it
// receives, and returns its address.
func NewEchoBackend(t testing.TB) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = conn.Close() }()
				_, _ = io.Copy(conn, conn)
			}()
		}
	}()
	return listener.Addr().String()
}

// TLSEcho connects to localhost:port over TLS, trusting only rootFile and
// presenting client when given, sends message and returns what comes back
// (as much as was sent). A refused client gets an error: the handshake's,
// or with TLS 1.3, where the server checks the client certificate after the
// client has finished, the alert on the first read.
func TLSEcho(t testing.TB, rootFile string, port int, client *ClientFiles, message string) (string, error) {
	t.Helper()
	conn, err := dialTLS(t, rootFile, port, client)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, message); err != nil {
		return "", err
	}
	reply := make([]byte, len(message))
	n, err := io.ReadFull(conn, reply)
	return string(reply[:n]), err
}

// dialTLS connects to localhost:port (127.0.0.1) trusting only rootFile,
// presenting client when given, even to a server that asks for another CA's.
func dialTLS(t testing.TB, rootFile string, port int, client *ClientFiles) (*tls.Conn, error) {
	t.Helper()
	rootPEM, err := os.ReadFile(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		t.Fatalf("%s holds no certificate", rootFile)
	}
	config := &tls.Config{ServerName: "localhost", RootCAs: roots}
	if client != nil {
		pair, err := tls.LoadX509KeyPair(client.Cert, client.Key)
		if err != nil {
			t.Fatal(err)
		}
		// Sent whatever CAs the server names, as curl does: crypto/tls would
		// otherwise send no certificate to a server that names other CAs.
		config.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &pair, nil }
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	return tls.DialWithDialer(dialer, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), config)
}

// IdentityBackend records the headers of the requests a proxy forwards.
type IdentityBackend struct {
	URL      string
	mu       sync.Mutex
	requests []*http.Request
}

// BackendBody is what the backend answers every request with.
const BackendBody = "backend reached\n"

func NewIdentityBackend(t testing.TB) *IdentityBackend {
	backend := &IdentityBackend{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		backend.mu.Lock()
		backend.requests = append(backend.requests, r)
		backend.mu.Unlock()
		_, _ = fmt.Fprint(w, BackendBody)
	}))
	t.Cleanup(server.Close)
	backend.URL = server.URL
	return backend
}

// Last returns the most recent request and how many arrived in all.
func (b *IdentityBackend) Last() (*http.Request, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		return nil, 0
	}
	return b.requests[len(b.requests)-1], len(b.requests)
}

func (b *IdentityBackend) Count() int {
	_, n := b.Last()
	return n
}

// ClientFiles is a client certificate and its key on disk.
type ClientFiles struct{ Cert, Key string }

// CurlResult is what a request with curl produced. ExitCode is non-zero
// when TLS or the connection failed.
type CurlResult struct {
	ExitCode int
	Status   int
	Body     string
	Stderr   string
}

func (r CurlResult) String() string {
	return fmt.Sprintf("curl exit %d, HTTP %d, body %q, stderr %q", r.ExitCode, r.Status, r.Body, r.Stderr)
}

// Fetch requests https://localhost:port/path trusting only rootFile, with an
// optional client certificate; localhost is pinned to 127.0.0.1 and proxies
// are bypassed.
func Fetch(t testing.TB, rootFile string, port int, path string, client *ClientFiles, headers ...string) CurlResult {
	t.Helper()
	curl := RequireTool(t, "curl")
	bodyFile := filepath.Join(t.TempDir(), "body")
	args := []string{"-sS", "--noproxy", "*", "--max-time", "10",
		"--resolve", fmt.Sprintf("localhost:%d:127.0.0.1", port),
		"--cacert", rootFile, "-o", bodyFile, "-w", "%{http_code}"}
	if client != nil {
		args = append(args, "--cert", client.Cert, "--key", client.Key)
	}
	for _, header := range headers {
		args = append(args, "-H", header)
	}
	args = append(args, fmt.Sprintf("https://localhost:%d%s", port, path))
	stdout, stderr, err := RunCommand(t, 20*time.Second, curl, args...)
	result := CurlResult{Stderr: strings.TrimSpace(stderr)}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		result.ExitCode = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running curl: %v", err)
	}
	result.Status, _ = strconv.Atoi(strings.TrimSpace(stdout))
	body, _ := os.ReadFile(bodyFile)
	result.Body = string(body)
	return result
}

// CheckForwardedIdentity checks the headers the backend received for a
// verified client: exactly one of each, describing client.
func CheckForwardedIdentity(t testing.TB, request *http.Request, client *x509.Certificate) {
	t.Helper()
	if request == nil {
		t.Fatal("the backend saw no request")
	}
	if got := request.Header.Values("X-SSL-Client-Verify"); len(got) != 1 || got[0] != "SUCCESS" {
		t.Errorf("X-SSL-Client-Verify = %q, want exactly [SUCCESS]", got)
	}
	subject := request.Header.Values("X-SSL-Client-S-DN")
	if len(subject) != 1 || !strings.Contains(subject[0], "CN="+client.Subject.CommonName) {
		t.Errorf("X-SSL-Client-S-DN = %q, want the client's subject only", subject)
	}
	if issuer := request.Header.Get("X-SSL-Client-I-DN"); !strings.Contains(issuer, "CN="+client.Issuer.CommonName) {
		t.Errorf("X-SSL-Client-I-DN = %q, want %q", issuer, client.Issuer.CommonName)
	}
	serial := strings.ToUpper(client.SerialNumber.Text(16))
	if got := strings.TrimLeft(strings.ToUpper(request.Header.Get("X-SSL-Client-Serial")), "0"); got != serial {
		t.Errorf("X-SSL-Client-Serial = %q, want %s", got, serial)
	}
	escaped := request.Header.Get("X-SSL-Client-Cert")
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		t.Fatalf("X-SSL-Client-Cert is not URL-escaped: %v: %q", err, escaped)
	}
	block, _ := pem.Decode([]byte(unescaped))
	if block == nil || !bytes.Equal(block.Bytes, client.Raw) {
		t.Errorf("X-SSL-Client-Cert does not decode to the client certificate: %q", escaped)
	}
}

var keytoolEntry = regexp.MustCompile(`(?m)^Alias name: (.*)\n(?:.*\n)*?Entry type: (\w+)`)

// KeytoolEntries maps each alias in `keytool -list -v` output to its entry
// type (PrivateKeyEntry, trustedCertEntry).
func KeytoolEntries(out string) map[string]string {
	entries := map[string]string{}
	for _, m := range keytoolEntry.FindAllStringSubmatch(out, -1) {
		entries[m[1]] = m[2]
	}
	return entries
}

// RawResult is the answer to a request sent with RawRequest; Err is set when
// the TLS handshake, the connection or the response failed.
type RawResult struct {
	Status int
	Body   string
	Err    error
}

func (r RawResult) String() string {
	if r.Err != nil {
		return fmt.Sprintf("error %v", r.Err)
	}
	return fmt.Sprintf("HTTP %d, body %q", r.Status, r.Body)
}

// RawRequest sends "GET target HTTP/1.1" to https://localhost:port exactly
// as given, so that attack strings (dot segments, encodings, ;parameters)
// reach the server unnormalised, which curl does not promise. It trusts only
// rootFile and presents client when given.
func RawRequest(t testing.TB, rootFile string, port int, target string, client *ClientFiles, headers ...string) RawResult {
	t.Helper()
	conn, err := dialTLS(t, rootFile, port, client)
	if err != nil {
		return RawResult{Err: err}
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	request := "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
	for _, header := range headers {
		request += header + "\r\n"
	}
	if _, err := io.WriteString(conn, request+"\r\n"); err != nil {
		return RawResult{Err: err}
	}
	response, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return RawResult{Err: err}
	}
	defer func() { _ = response.Body.Close() }()
	body, err := io.ReadAll(response.Body)
	return RawResult{Status: response.StatusCode, Body: string(body), Err: err}
}

// ProtectedLocations are the locations CheckLocationsCannotBeBypassed
// expects to need a certificate.
var ProtectedLocations = []string{"/admin", "/api/private"}

// LocationBypassTargets are request targets, sent as they are, whose path
// the server or a backend behind it may read as starting with one of
// ProtectedLocations: encodings, dot segments, empty segments, letter case,
// ;parameters (Tomcat strips them), backslashes (Windows reads "/") and
// "..;" segments (Tomcat resolves them once the parameter is gone).
var LocationBypassTargets = []string{
	"/admin", "/admin/secret", "/admin.html", "/administrator", "/admin%20", "/admin?x=1",
	"/admin;x/secret", "/admin%3bx/secret", "/admin%3Bx/secret", "/admin;/secret", "/;x/admin/secret",
	"/ADMIN", "/Admin/secret", "/%41DMIN", "/%61dmin",
	"//admin", "///admin/secret", "/./admin", "/%2e/admin", "/admin/../admin", "/x/../admin", "/x/%2e%2e/admin",
	"/%2fadmin", "/%2Fadmin/secret", "/admin%2Fsecret", "/x/..%2Fadmin", "/x%2F..%2Fadmin",
	"/admin./secret", "/admin%2e/secret", "/admin%00", "/admin#x",
	"/admin\\secret", "/x/..\\admin", "/x/..%5cadmin",
	"/foo/..;/admin/secret", "/.;/admin/secret", "/%2e%2e;/admin", "/x/.%2e;/admin",
	"https://localhost/admin", "https://localhost//ADMIN;x",
	"/api/private", "/api/private/data", "/API/Private", "/api;x/private", "/api/;x/private",
	"/api//private", "/api/./private", "/api/x/../private", "/api%2Fprivate", "/api/privateer",
}

// CheckLocationsCannotBeBypassed checks a server on port, proxying to
// backend with ProtectedLocations needing a certificate: anonymous requests
// for any of LocationBypassTargets are refused with a 4xx and never reach
// the backend, other paths do, and so do protected ones with client's
// certificate.
func CheckLocationsCannotBeBypassed(t testing.TB, rootFile string, port int, backend *IdentityBackend, client *ClientFiles) {
	t.Helper()
	for _, target := range LocationBypassTargets {
		before := backend.Count()
		result := RawRequest(t, rootFile, port, target, nil)
		if result.Err != nil || result.Status < 400 || result.Status > 499 {
			t.Errorf("anonymous %q: want a 4xx refusal, got %v", target, result)
		}
		if backend.Count() != before {
			request, _ := backend.Last()
			t.Errorf("anonymous %q reached the backend as %q", target, request.RequestURI)
		}
	}
	for _, target := range []string{"/", "/open", "/adm", "/public/admin", "/x/admin", "/open;x/y", "/api", "/api/privat", "/api/public"} {
		if result := RawRequest(t, rootFile, port, target, nil); result.Status != 200 || result.Body != BackendBody {
			t.Errorf("anonymous %q is not served: %v", target, result)
		}
	}
	for _, target := range []string{"/admin/secret", "/ADMIN", "/admin;x/secret", "/api/private/data", "/x/..;/admin"} {
		if result := RawRequest(t, rootFile, port, target, client); result.Status != 200 || result.Body != BackendBody {
			t.Errorf("valid client %q is not served: %v", target, result)
		}
	}
}

// ForgedUnderscoreIdentityHeaders are client-sent identity headers spelt
// with "_" (and one with "-"), which backends that fold "_" and "-" (PHP,
// WSGI, Rack) would read as the verified ones.
var ForgedUnderscoreIdentityHeaders = []string{
	"X_SSL_Client_S_DN: CN=forged",
	"x_ssl_client_i_dn: CN=forged",
	"X-SSL_Client-S_DN: CN=forged",
	"X_SSL_CLIENT_VERIFY: SUCCESS",
	"X-SSL-Client_Serial: 01",
	"X_SSL_Client-Cert: forged",
	"X-SSL-Client-S-DN: CN=forged",
}

// CheckNoUnderscoreIdentity fails on any header the backend received that
// reads as an identity header once "_" is taken for "-".
func CheckNoUnderscoreIdentity(t testing.TB, request *http.Request) {
	t.Helper()
	for name, values := range request.Header {
		folded := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
		if strings.Contains(name, "_") && strings.HasPrefix(folded, "x-ssl-client-") {
			t.Errorf("the backend received %s: %q", name, values)
		}
	}
}

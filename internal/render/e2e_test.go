//go:build e2e

// Live tests: render a configuration, run the real Apache or nginx on a
// loopback port and check with curl and openssl that only properly issued
// client certificates get through. Run with: go test -tags e2e ./internal/render/...

package render

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// requireTool returns the path of an installed program. A missing program
// fails the test in CI (CI=true), where it must be installed, and skips it
// elsewhere.
func requireTool(t *testing.T, candidates ...string) string {
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

// clientFiles is a client certificate and key on disk.
type clientFiles struct{ cert, key string }

// liveFixture is a PKI written to disk: root CA -> intermediate CA -> server
// and client certificates, plus clients that must be refused.
type liveFixture struct {
	dir        string
	rootFile   string // what curl and openssl trust
	caFile     string // intermediate + root: ca_certificate_file
	crlFile    string // a CRL from each CA: crl_file
	serverCert string // leaf + intermediate: certificate_file
	serverKey  string

	client       clientFiles // issued by the intermediate for clientAuth
	clientCert   *x509.Certificate
	otherCA      clientFiles // a well-formed client certificate from an unrelated CA
	serverOnly   clientFiles // issued by the intermediate, but only for serverAuth
	expired      clientFiles
	revoked      clientFiles
	intermediate *x509.Certificate
	root         *x509.Certificate
}

func newLiveFixture(t *testing.T) *liveFixture {
	t.Helper()
	dir := t.TempDir()
	root := newTestCA(t, "Render Test Root CA", nil)
	intermediate := newTestCA(t, "Render Test Intermediate CA", root)
	stranger := newTestCA(t, "Unrelated CA", nil)

	fx := &liveFixture{dir: dir, intermediate: intermediate.cert, root: root.cert}
	fx.rootFile = writeFile(t, dir, "root.pem", root.certPEM)
	fx.caFile = writeFile(t, dir, "client-ca.pem", intermediate.certPEM, root.certPEM)

	_, serverPEM, serverKeyPEM := intermediate.issue(t, "localhost", leafOptions{
		dnsNames: []string{"localhost"},
		ips:      []net.IP{net.IPv4(127, 0, 0, 1)},
		usages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	fx.serverCert = writeFile(t, dir, "server.pem", serverPEM, intermediate.certPEM)
	fx.serverKey = writeFile(t, dir, "server.key", serverKeyPEM)

	writeClient := func(name string, ca *testCA, opts leafOptions) (clientFiles, *x509.Certificate) {
		cert, certPEM, keyPEM := ca.issue(t, name, opts)
		return clientFiles{
			cert: writeFile(t, dir, name+".pem", certPEM),
			key:  writeFile(t, dir, name+".key", keyPEM),
		}, cert
	}
	fx.client, fx.clientCert = writeClient("client", intermediate, leafOptions{})
	fx.otherCA, _ = writeClient("other-ca-client", stranger, leafOptions{})
	fx.serverOnly, _ = writeClient("server-only", intermediate, leafOptions{usages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	fx.expired, _ = writeClient("expired", intermediate, leafOptions{notAfter: time.Now().Add(-time.Hour)})
	var revokedCert *x509.Certificate
	fx.revoked, revokedCert = writeClient("revoked", intermediate, leafOptions{})
	fx.crlFile = writeFile(t, dir, "crl.pem", intermediate.crl(t, revokedCert.SerialNumber), root.crl(t))
	return fx
}

// serverInput is the configuration under test, with the fixture's files.
func (fx *liveFixture) serverInput(port int, backend string) ServerInput {
	return ServerInput{
		ServerName:            "localhost",
		ListenAddress:         "127.0.0.1",
		Listen:                port,
		CertificateFile:       fx.serverCert,
		CertificateKeyFile:    fx.serverKey,
		CACertificateFile:     fx.caFile,
		CRLFile:               fx.crlFile,
		CAChainDepth:          2,
		ForwardClientIdentity: true,
		ProxyPass:             backend,
	}
}

// identityBackend records the headers of the requests the proxy forwards.
type identityBackend struct {
	url      string
	mu       sync.Mutex
	requests []*http.Request
}

func newIdentityBackend(t *testing.T) *identityBackend {
	backend := &identityBackend{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		backend.mu.Lock()
		backend.requests = append(backend.requests, r)
		backend.mu.Unlock()
		fmt.Fprintln(w, "backend reached")
	}))
	t.Cleanup(server.Close)
	backend.url = server.URL
	return backend
}

// last returns the most recent request and how many arrived in all.
func (b *identityBackend) last() (*http.Request, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		return nil, 0
	}
	return b.requests[len(b.requests)-1], len(b.requests)
}

func (b *identityBackend) count() int {
	_, n := b.last()
	return n
}

func freePort(t *testing.T) int {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}

// runCommand runs a short command with a deadline and returns its output.
func runCommand(t *testing.T, timeout time.Duration, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// startServer starts a foreground server process, stops it at cleanup and
// waits until it accepts connections on port.
func startServer(t *testing.T, port int, logFile string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// Its own process group, so its workers can be stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
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
			conn.Close()
			return
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited before serving: %v\n%s\n%s", name, err, output.String(), log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s did not listen on port %d within 10s\n%s\n%s", name, port, output.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startApache runs Apache with a minimal top-level configuration around
// the rendered virtual host.
func startApache(t *testing.T, vhost string, port int) {
	apache := requireTool(t, "/usr/sbin/apache2", "apache2", "httpd")
	modules := "/usr/lib/apache2/modules"
	dir := t.TempDir()
	var conf strings.Builder
	fmt.Fprintf(&conf, "ServerRoot %q\nDefaultRuntimeDir %q\nPidFile %q\nErrorLog %q\nLogLevel warn ssl:info\n",
		dir, dir, filepath.Join(dir, "apache.pid"), filepath.Join(dir, "error.log"))
	for _, module := range []string{"mpm_event", "authz_core", "headers", "proxy", "proxy_http", "ssl"} {
		fmt.Fprintf(&conf, "LoadModule %s_module %s/mod_%s.so\n", module, modules, module)
	}
	fmt.Fprintf(&conf, "Listen 127.0.0.1:%d\nServerName localhost\nStartServers 1\nServerLimit 1\nThreadsPerChild 16\nMaxRequestWorkers 16\n", port)
	if os.Geteuid() == 0 {
		// Apache refuses to serve as root; its workers drop to this user.
		conf.WriteString("User www-data\nGroup www-data\n")
	}
	conf.WriteString(vhost)
	confFile := writeFile(t, dir, "httpd.conf", []byte(conf.String()))

	if out, errOut, err := runCommand(t, 30*time.Second, apache, "-t", "-f", confFile); err != nil {
		t.Fatalf("apache2 -t rejected the configuration: %v\n%s%s\n%s", err, out, errOut, conf.String())
	}
	startServer(t, port, filepath.Join(dir, "error.log"), apache, "-DFOREGROUND", "-f", confFile)
}

// startNginx runs nginx with a minimal top-level configuration around the
// rendered server block.
func startNginx(t *testing.T, serverBlock string, port int) {
	nginx := requireTool(t, "/usr/sbin/nginx", "nginx")
	dir := t.TempDir()
	var conf strings.Builder
	fmt.Fprintf(&conf, "pid %q;\nerror_log %q info;\nworker_processes 1;\nevents { worker_connections 64; }\nhttp {\n    access_log off;\n",
		filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	for _, temp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&conf, "    %s_temp_path %q;\n", temp, filepath.Join(dir, temp))
	}
	conf.WriteString(indent(4, serverBlock) + "\n}\n")
	confFile := writeFile(t, dir, "nginx.conf", []byte(conf.String()))

	args := []string{"-p", dir, "-c", confFile, "-g", "daemon off;"}
	if out, errOut, err := runCommand(t, 30*time.Second, nginx, append([]string{"-t"}, args...)...); err != nil {
		t.Fatalf("nginx -t rejected the configuration: %v\n%s%s\n%s", err, out, errOut, conf.String())
	}
	startServer(t, port, filepath.Join(dir, "error.log"), nginx, args...)
}

// curlResult is what a request with curl produced. exitCode is non-zero
// when TLS or the connection failed.
type curlResult struct {
	exitCode int
	status   int
	body     string
	stderr   string
}

func (r curlResult) String() string {
	return fmt.Sprintf("curl exit %d, HTTP %d, body %q, stderr %q", r.exitCode, r.status, r.body, r.stderr)
}

// fetch requests https://localhost:port/path with an optional client
// certificate; localhost is pinned to 127.0.0.1 and proxies are bypassed.
func fetch(t *testing.T, fx *liveFixture, port int, path string, client *clientFiles, headers ...string) curlResult {
	t.Helper()
	curl := requireTool(t, "curl")
	bodyFile := filepath.Join(t.TempDir(), "body")
	args := []string{"-sS", "--noproxy", "*", "--max-time", "10",
		"--resolve", fmt.Sprintf("localhost:%d:127.0.0.1", port),
		"--cacert", fx.rootFile, "-o", bodyFile, "-w", "%{http_code}"}
	if client != nil {
		args = append(args, "--cert", client.cert, "--key", client.key)
	}
	for _, header := range headers {
		args = append(args, "-H", header)
	}
	args = append(args, fmt.Sprintf("https://localhost:%d%s", port, path))
	stdout, stderr, err := runCommand(t, 20*time.Second, curl, args...)
	result := curlResult{stderr: strings.TrimSpace(stderr)}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		result.exitCode = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running curl: %v", err)
	}
	result.status, _ = strconv.Atoi(strings.TrimSpace(stdout))
	body, _ := os.ReadFile(bodyFile)
	result.body = string(body)
	return result
}

// liveServer starts one kind of server from a ServerInput.
type liveServer struct {
	start func(t *testing.T, in ServerInput)
	// deniedStatus is the HTTP status of a refused client when the server
	// completes the handshake (nginx); Apache aborts the handshake instead.
	deniedStatus int
}

var liveApache = liveServer{
	start: func(t *testing.T, in ServerInput) {
		out, _, err := RenderApache(ApacheInput{in})
		if err != nil {
			t.Fatal(err)
		}
		startApache(t, out.VirtualHost, in.Listen)
	},
}

var liveNginx = liveServer{
	start: func(t *testing.T, in ServerInput) {
		out, _, err := RenderNginx(NginxInput{in})
		if err != nil {
			t.Fatal(err)
		}
		startNginx(t, out.ServerBlock, in.Listen)
	},
	deniedStatus: 403,
}

func TestLiveApacheRequireClientCertificate(t *testing.T) {
	testRequireClientCertificate(t, liveApache)
}

func TestLiveNginxRequireClientCertificate(t *testing.T) {
	testRequireClientCertificate(t, liveNginx)
}

func TestLiveApacheOptionalWithLocations(t *testing.T) {
	testOptionalWithLocations(t, liveApache)
}

func TestLiveNginxOptionalWithLocations(t *testing.T) {
	testOptionalWithLocations(t, liveNginx)
}

func TestLiveApacheOptionalNoCA(t *testing.T) {
	testOptionalNoCA(t, liveApache)
}

func TestLiveNginxOptionalNoCA(t *testing.T) {
	testOptionalNoCA(t, liveNginx)
}

func TestLiveApacheStaticFilesWithLocations(t *testing.T) {
	testStaticFilesWithLocations(t, liveApache)
}

func TestLiveNginxStaticFilesWithLocations(t *testing.T) {
	testStaticFilesWithLocations(t, liveNginx)
}

// With CRL checking Apache finds no CRL for an unknown issuer and refuses
// the certificate even under optional_no_ca, as RenderApache warns.
func TestLiveApacheOptionalNoCAWithCRLRefusesUnknownCA(t *testing.T) {
	requireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := newIdentityBackend(t)
	port := freePort(t)
	in := fx.serverInput(port, backend.url)
	in.VerifyClient = VerifyClientOptionalNoCA
	out, warnings, err := RenderApache(ApacheInput{in})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(warnings, func(w Warning) bool { return w.Field == "crl_file" }) {
		t.Errorf("no warning on crl_file: %+v", warnings)
	}
	startApache(t, out.VirtualHost, port)
	checkRefused(t, liveApache, fetch(t, fx, port, "/", &fx.otherCA))
	if result := fetch(t, fx, port, "/", nil); result.status != 200 {
		t.Errorf("a client without a certificate is still let through: %v", result)
	}
}

// Apache counts the root CA against SSLVerifyDepth, so a client issued by an
// intermediate needs a depth of 2: the reason verify_depth may not be
// smaller than ca_chain_depth.
func TestLiveApacheVerifyDepthCountsEveryCA(t *testing.T) {
	requireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := newIdentityBackend(t)
	port := freePort(t)
	in := fx.serverInput(port, backend.url)
	in.VerifyDepth, in.CAChainDepth = 1, 0
	liveApache.start(t, in)
	checkRefused(t, liveApache, fetch(t, fx, port, "/", &fx.client))
	if backend.count() != 0 {
		t.Fatal("the backend was reached")
	}
}

// testRequireClientCertificate checks verify_client = "require": the valid
// client reaches the backend with its identity, every other client is
// refused before reaching it.
func testRequireClientCertificate(t *testing.T, server liveServer) {
	requireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := newIdentityBackend(t)
	port := freePort(t)
	server.start(t, fx.serverInput(port, backend.url))

	t.Run("valid client reaches backend with its identity", func(t *testing.T) {
		// The forged headers must be replaced, not passed along.
		result := fetch(t, fx, port, "/hello", &fx.client,
			"X-SSL-Client-S-DN: CN=forged", "X-SSL-Client-Verify: FORGED")
		if result.exitCode != 0 || result.status != 200 || !strings.Contains(result.body, "backend reached") {
			t.Fatalf("want 200 from the backend, got %v", result)
		}
		request, _ := backend.last()
		checkForwardedIdentity(t, fx, request)
	})

	refused := map[string]*clientFiles{
		"no certificate":              nil,
		"certificate from another CA": &fx.otherCA,
		"server-only certificate":     &fx.serverOnly,
		"expired certificate":         &fx.expired,
		"revoked certificate":         &fx.revoked,
	}
	for name, client := range refused {
		t.Run(name+" is refused", func(t *testing.T) {
			before := backend.count()
			result := fetch(t, fx, port, "/", client)
			checkRefused(t, server, result)
			if after := backend.count(); after != before {
				t.Fatalf("the backend was reached (%d requests before, %d after)", before, after)
			}
		})
	}

	t.Run("handshake names the client CAs", func(t *testing.T) {
		openssl := requireTool(t, "openssl")
		stdout, stderr, _ := runCommand(t, 20*time.Second, openssl, "s_client",
			"-connect", fmt.Sprintf("127.0.0.1:%d", port), "-servername", "localhost",
			"-CAfile", fx.rootFile, "-verify_return_error")
		output := stdout + stderr
		start := strings.Index(output, "Acceptable client certificate CA names")
		if start < 0 {
			t.Fatalf("the server did not request a client certificate:\n%s", output)
		}
		section, _, _ := strings.Cut(output[start:], "---")
		for _, ca := range []*x509.Certificate{fx.intermediate, fx.root} {
			if !strings.Contains(section, "CN = "+ca.Subject.CommonName) {
				t.Errorf("acceptable CA names lack %q:\n%s", ca.Subject.CommonName, output)
			}
		}
		if !strings.Contains(output, "Verify return code: 0 (ok)") {
			t.Errorf("the server certificate chain did not verify against the root:\n%s", output)
		}
	})
}

// testOptionalWithLocations checks verify_client = "optional" with a
// protected location: anonymous clients reach other paths but carry no
// identity, and the location needs a valid certificate.
func testOptionalWithLocations(t *testing.T, server liveServer) {
	requireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := newIdentityBackend(t)
	port := freePort(t)
	in := fx.serverInput(port, backend.url)
	in.VerifyClient = VerifyClientOptional
	in.Locations = []string{"/secure"}
	server.start(t, in)

	t.Run("anonymous client reaches open path without identity", func(t *testing.T) {
		result := fetch(t, fx, port, "/open", nil, "X-SSL-Client-S-DN: CN=forged", "X-SSL-Client-Cert: forged")
		if result.exitCode != 0 || result.status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.last()
		if got := request.Header.Get("X-SSL-Client-Verify"); got != "NONE" {
			t.Errorf("X-SSL-Client-Verify = %q, want NONE", got)
		}
		for _, header := range []string{"X-SSL-Client-S-DN", "X-SSL-Client-Cert"} {
			if values := request.Header.Values(header); len(values) > 0 {
				t.Errorf("%s reached the backend for an anonymous client: %q", header, values)
			}
		}
	})
	t.Run("anonymous client is denied the location", func(t *testing.T) {
		before := backend.count()
		result := fetch(t, fx, port, "/secure/data", nil)
		if result.exitCode != 0 || result.status != 403 {
			t.Fatalf("want 403, got %v", result)
		}
		if backend.count() != before {
			t.Fatal("the backend was reached")
		}
	})
	t.Run("valid client reaches the location", func(t *testing.T) {
		result := fetch(t, fx, port, "/secure/data", &fx.client)
		if result.exitCode != 0 || result.status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.last()
		checkForwardedIdentity(t, fx, request)
	})
	t.Run("client of another CA is refused", func(t *testing.T) {
		before := backend.count()
		checkRefused(t, server, fetch(t, fx, port, "/open", &fx.otherCA))
		if backend.count() != before {
			t.Fatal("the backend was reached")
		}
	})
}

// testOptionalNoCA checks verify_client = "optional_no_ca": a certificate
// from an unknown CA is let through but never passed on as an identity, and
// it does not open a protected location.
func testOptionalNoCA(t *testing.T, server liveServer) {
	requireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := newIdentityBackend(t)
	port := freePort(t)
	in := fx.serverInput(port, backend.url)
	in.VerifyClient = VerifyClientOptionalNoCA
	in.Locations = []string{"/secure"}
	// Apache refuses unknown CAs when checking CRLs (see
	// TestLiveApacheOptionalNoCAWithCRLRefusesUnknownCA).
	in.CRLFile = ""
	server.start(t, in)

	t.Run("unverified certificate carries no identity", func(t *testing.T) {
		result := fetch(t, fx, port, "/open", &fx.otherCA, "X-SSL-Client-S-DN: CN=forged")
		if result.exitCode != 0 || result.status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.last()
		if got := request.Header.Get("X-SSL-Client-Verify"); got == "SUCCESS" || got == "" {
			t.Errorf("X-SSL-Client-Verify = %q for an unverified certificate", got)
		}
		for _, header := range []string{"X-SSL-Client-S-DN", "X-SSL-Client-I-DN", "X-SSL-Client-Serial", "X-SSL-Client-Cert"} {
			if values := request.Header.Values(header); len(values) > 0 {
				t.Errorf("%s reached the backend for an unverified certificate: %q", header, values)
			}
		}
	})
	t.Run("unverified certificate is denied the location", func(t *testing.T) {
		before := backend.count()
		if result := fetch(t, fx, port, "/secure", &fx.otherCA); result.exitCode != 0 || result.status != 403 {
			t.Fatalf("want 403, got %v", result)
		}
		if backend.count() != before {
			t.Fatal("the backend was reached")
		}
	})
	t.Run("valid client still gets its identity through", func(t *testing.T) {
		if result := fetch(t, fx, port, "/secure", &fx.client); result.exitCode != 0 || result.status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.last()
		checkForwardedIdentity(t, fx, request)
	})
}

// testStaticFilesWithLocations checks document_root with a protected
// location: files are served, the location's files only to a valid client.
func testStaticFilesWithLocations(t *testing.T, server liveServer) {
	requireTool(t, "curl")
	fx := newLiveFixture(t)
	root := t.TempDir()
	// The servers' workers drop root privileges and must reach the files.
	for _, dir := range []string{filepath.Dir(root), root} {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "private"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"index.html": "public page\n", "private/secret.txt": "secret file\n"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	in := fx.serverInput(port, "")
	in.DocumentRoot = root
	in.VerifyClient = VerifyClientOptional
	in.Locations = []string{"/private"}
	server.start(t, in)

	if result := fetch(t, fx, port, "/index.html", nil); result.status != 200 || result.body != "public page\n" {
		t.Errorf("anonymous public page: %v", result)
	}
	if result := fetch(t, fx, port, "/private/secret.txt", nil); result.status != 403 || strings.Contains(result.body, "secret") {
		t.Errorf("anonymous private file: %v", result)
	}
	if result := fetch(t, fx, port, "/private/secret.txt", &fx.client); result.status != 200 || result.body != "secret file\n" {
		t.Errorf("valid client private file: %v", result)
	}
}

func checkRefused(t *testing.T, server liveServer, result curlResult) {
	t.Helper()
	switch {
	case server.deniedStatus != 0 && result.exitCode == 0 && result.status == server.deniedStatus:
		t.Logf("refused with HTTP %d: %q", result.status, result.body)
	// 35 and 56 are curl's TLS failures; a timeout (28) would not count.
	case server.deniedStatus == 0 && (result.exitCode == 35 || result.exitCode == 56) && strings.Contains(result.stderr, "alert"):
		t.Logf("refused during the handshake: %s", result.stderr)
	default:
		t.Fatalf("not refused as expected: %v", result)
	}
}

// checkForwardedIdentity checks the headers the backend received for the
// valid client.
func checkForwardedIdentity(t *testing.T, fx *liveFixture, request *http.Request) {
	t.Helper()
	if request == nil {
		t.Fatal("the backend saw no request")
	}
	if got := request.Header.Values("X-SSL-Client-Verify"); len(got) != 1 || got[0] != "SUCCESS" {
		t.Errorf("X-SSL-Client-Verify = %q, want exactly [SUCCESS]", got)
	}
	subject := request.Header.Values("X-SSL-Client-S-DN")
	if len(subject) != 1 || !strings.Contains(subject[0], "CN=client") {
		t.Errorf("X-SSL-Client-S-DN = %q, want the client's subject only", subject)
	}
	if issuer := request.Header.Get("X-SSL-Client-I-DN"); !strings.Contains(issuer, "CN="+fx.intermediate.Subject.CommonName) {
		t.Errorf("X-SSL-Client-I-DN = %q, want the intermediate CA", issuer)
	}
	serial := strings.ToUpper(fx.clientCert.SerialNumber.Text(16))
	if got := strings.TrimLeft(strings.ToUpper(request.Header.Get("X-SSL-Client-Serial")), "0"); got != serial {
		t.Errorf("X-SSL-Client-Serial = %q, want %s", got, serial)
	}
	escaped := request.Header.Get("X-SSL-Client-Cert")
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		t.Fatalf("X-SSL-Client-Cert is not URL-escaped: %v: %q", err, escaped)
	}
	block, _ := pem.Decode([]byte(unescaped))
	if block == nil || !bytes.Equal(block.Bytes, fx.clientCert.Raw) {
		t.Errorf("X-SSL-Client-Cert does not decode to the client certificate: %q", escaped)
	}
}

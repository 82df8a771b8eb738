//go:build e2e

// Live tests: render a configuration, run the real Apache or nginx on a
// loopback port and check with curl and openssl that only properly issued
// client certificates get through. Run with: go test -tags e2e ./internal/render/...

package render

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// liveFixture is a PKI written to disk: root CA -> intermediate CA -> server
// and client certificates, plus clients that must be refused.
type liveFixture struct {
	dir        string
	rootFile   string // what curl and openssl trust
	caFile     string // intermediate + root: ca_certificate_file
	crlFile    string // a CRL from each CA: crl_file
	serverCert string // leaf + intermediate: certificate_file
	serverKey  string

	client       testtools.ClientFiles // issued by the intermediate for clientAuth
	clientCert   *x509.Certificate
	otherCA      testtools.ClientFiles // a well-formed client certificate from an unrelated CA
	serverOnly   testtools.ClientFiles // issued by the intermediate, but only for serverAuth
	expired      testtools.ClientFiles
	revoked      testtools.ClientFiles
	intermediate *x509.Certificate
	root         *x509.Certificate
}

func newLiveFixture(t *testing.T) *liveFixture {
	t.Helper()
	dir := t.TempDir()
	root := testtools.Issue(t, testtools.CATemplate("Render Test Root CA"), nil)
	intermediate := testtools.Issue(t, testtools.CATemplate("Render Test Intermediate CA"), &root)
	stranger := testtools.Issue(t, testtools.CATemplate("Unrelated CA"), nil)

	fx := &liveFixture{dir: dir, intermediate: intermediate.Cert, root: root.Cert}
	fx.rootFile = testtools.WriteFile(t, dir, "root.pem", root.CertPEM())
	fx.caFile = testtools.WriteFile(t, dir, "client-ca.pem", intermediate.CertPEM(), root.CertPEM())

	serverTemplate := testtools.LeafTemplate("localhost", x509.ExtKeyUsageServerAuth)
	serverTemplate.DNSNames, serverTemplate.IPAddresses = []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}
	server := testtools.Issue(t, serverTemplate, &intermediate)
	fx.serverCert = testtools.WriteFile(t, dir, "server.pem", server.CertPEM(), intermediate.CertPEM())
	fx.serverKey = testtools.WriteFile(t, dir, "server.key", server.KeyPEM(t))

	writeClient := func(template *x509.Certificate, ca *testtools.Cert) (testtools.ClientFiles, *x509.Certificate) {
		client := testtools.Issue(t, template, ca)
		name := template.Subject.CommonName
		return testtools.ClientFiles{
			Cert: testtools.WriteFile(t, dir, name+".pem", client.CertPEM()),
			Key:  testtools.WriteFile(t, dir, name+".key", client.KeyPEM(t)),
		}, client.Cert
	}
	clientAuth := func(commonName string) *x509.Certificate {
		return testtools.LeafTemplate(commonName, x509.ExtKeyUsageClientAuth)
	}
	fx.client, fx.clientCert = writeClient(clientAuth("client"), &intermediate)
	fx.otherCA, _ = writeClient(clientAuth("other-ca-client"), &stranger)
	fx.serverOnly, _ = writeClient(testtools.LeafTemplate("server-only", x509.ExtKeyUsageServerAuth), &intermediate)
	expired := clientAuth("expired")
	expired.NotBefore, expired.NotAfter = time.Now().Add(-25*time.Hour), time.Now().Add(-time.Hour)
	fx.expired, _ = writeClient(expired, &intermediate)
	var revokedCert *x509.Certificate
	fx.revoked, revokedCert = writeClient(clientAuth("revoked"), &intermediate)
	fx.crlFile = testtools.WriteFile(t, dir, "crl.pem", intermediate.CRL(t, revokedCert.SerialNumber), root.CRL(t))
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

// fetch requests https://localhost:port/path trusting the fixture's root.
func fetch(t *testing.T, fx *liveFixture, port int, path string, client *testtools.ClientFiles, headers ...string) testtools.CurlResult {
	t.Helper()
	return testtools.Fetch(t, fx.rootFile, port, path, client, headers...)
}

// liveServer renders a ServerInput and starts the server on it.
type liveServer struct {
	testtools.Server
	render func(t *testing.T, in ServerInput) string
}

func (s liveServer) start(t *testing.T, in ServerInput) {
	s.Start(t, s.render(t, in), in.Listen)
}

var liveApache = liveServer{
	Server: testtools.Apache,
	render: func(t *testing.T, in ServerInput) string {
		out, _, err := RenderApache(ApacheInput{ServerInput: in})
		if err != nil {
			t.Fatal(err)
		}
		return out.VirtualHost
	},
}

var liveNginx = liveServer{
	Server: testtools.Nginx,
	render: func(t *testing.T, in ServerInput) string {
		out, _, err := RenderNginx(NginxInput{in})
		if err != nil {
			t.Fatal(err)
		}
		return out.ServerBlock
	},
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
	testtools.RequireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := testtools.NewIdentityBackend(t)
	port := testtools.FreePort(t)
	in := fx.serverInput(port, backend.URL)
	in.VerifyClient = VerifyClientOptionalNoCA
	out, warnings, err := RenderApache(ApacheInput{ServerInput: in})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(warnings, func(w Warning) bool { return w.Field == "crl_file" }) {
		t.Errorf("no warning on crl_file: %+v", warnings)
	}
	testtools.StartApache(t, out.VirtualHost, port)
	checkRefused(t, liveApache, fetch(t, fx, port, "/", &fx.otherCA))
	if result := fetch(t, fx, port, "/", nil); result.Status != 200 {
		t.Errorf("a client without a certificate is still let through: %v", result)
	}
}

// Apache counts the root CA against SSLVerifyDepth, so a client issued by an
// intermediate needs a depth of 2: the reason verify_depth may not be
// smaller than ca_chain_depth.
func TestLiveApacheVerifyDepthCountsEveryCA(t *testing.T) {
	testtools.RequireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := testtools.NewIdentityBackend(t)
	port := testtools.FreePort(t)
	in := fx.serverInput(port, backend.URL)
	in.VerifyDepth, in.CAChainDepth = 1, 0
	liveApache.start(t, in)
	checkRefused(t, liveApache, fetch(t, fx, port, "/", &fx.client))
	if backend.Count() != 0 {
		t.Fatal("the backend was reached")
	}
}

// testRequireClientCertificate checks verify_client = "require": the valid
// client reaches the backend with its identity, every other client is
// refused before reaching it.
func testRequireClientCertificate(t *testing.T, server liveServer) {
	testtools.RequireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := testtools.NewIdentityBackend(t)
	port := testtools.FreePort(t)
	server.start(t, fx.serverInput(port, backend.URL))

	t.Run("valid client reaches backend with its identity", func(t *testing.T) {
		// The forged headers must be replaced, not passed along.
		result := fetch(t, fx, port, "/hello", &fx.client,
			"X-SSL-Client-S-DN: CN=forged", "X-SSL-Client-Verify: FORGED")
		if result.ExitCode != 0 || result.Status != 200 || !strings.Contains(result.Body, "backend reached") {
			t.Fatalf("want 200 from the backend, got %v", result)
		}
		request, _ := backend.Last()
		checkForwardedIdentity(t, fx, request)
	})

	refused := map[string]*testtools.ClientFiles{
		"no certificate":              nil,
		"certificate from another CA": &fx.otherCA,
		"server-only certificate":     &fx.serverOnly,
		"expired certificate":         &fx.expired,
		"revoked certificate":         &fx.revoked,
	}
	for name, client := range refused {
		t.Run(name+" is refused", func(t *testing.T) {
			before := backend.Count()
			result := fetch(t, fx, port, "/", client)
			checkRefused(t, server, result)
			if after := backend.Count(); after != before {
				t.Fatalf("the backend was reached (%d requests before, %d after)", before, after)
			}
		})
	}

	t.Run("handshake names the client CAs", func(t *testing.T) {
		openssl := testtools.RequireTool(t, "openssl")
		stdout, stderr, _ := testtools.RunCommand(t, 20*time.Second, openssl, "s_client",
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
	testtools.RequireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := testtools.NewIdentityBackend(t)
	port := testtools.FreePort(t)
	in := fx.serverInput(port, backend.URL)
	in.VerifyClient = VerifyClientOptional
	in.Locations = []string{"/secure"}
	server.start(t, in)

	t.Run("anonymous client reaches open path without identity", func(t *testing.T) {
		result := fetch(t, fx, port, "/open", nil, "X-SSL-Client-S-DN: CN=forged", "X-SSL-Client-Cert: forged")
		if result.ExitCode != 0 || result.Status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.Last()
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
		before := backend.Count()
		result := fetch(t, fx, port, "/secure/data", nil)
		if result.ExitCode != 0 || result.Status != 403 {
			t.Fatalf("want 403, got %v", result)
		}
		if backend.Count() != before {
			t.Fatal("the backend was reached")
		}
	})
	t.Run("valid client reaches the location", func(t *testing.T) {
		result := fetch(t, fx, port, "/secure/data", &fx.client)
		if result.ExitCode != 0 || result.Status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.Last()
		checkForwardedIdentity(t, fx, request)
	})
	t.Run("client of another CA is refused", func(t *testing.T) {
		before := backend.Count()
		checkRefused(t, server, fetch(t, fx, port, "/open", &fx.otherCA))
		if backend.Count() != before {
			t.Fatal("the backend was reached")
		}
	})
}

// testOptionalNoCA checks verify_client = "optional_no_ca": a certificate
// from an unknown CA is let through but never passed on as an identity, and
// it does not open a protected location.
func testOptionalNoCA(t *testing.T, server liveServer) {
	testtools.RequireTool(t, "curl")
	fx := newLiveFixture(t)
	backend := testtools.NewIdentityBackend(t)
	port := testtools.FreePort(t)
	in := fx.serverInput(port, backend.URL)
	in.VerifyClient = VerifyClientOptionalNoCA
	in.Locations = []string{"/secure"}
	// Apache refuses unknown CAs when checking CRLs (see
	// TestLiveApacheOptionalNoCAWithCRLRefusesUnknownCA).
	in.CRLFile = ""
	server.start(t, in)

	t.Run("unverified certificate carries no identity", func(t *testing.T) {
		result := fetch(t, fx, port, "/open", &fx.otherCA, "X-SSL-Client-S-DN: CN=forged")
		if result.ExitCode != 0 || result.Status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.Last()
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
		before := backend.Count()
		if result := fetch(t, fx, port, "/secure", &fx.otherCA); result.ExitCode != 0 || result.Status != 403 {
			t.Fatalf("want 403, got %v", result)
		}
		if backend.Count() != before {
			t.Fatal("the backend was reached")
		}
	})
	t.Run("valid client still gets its identity through", func(t *testing.T) {
		if result := fetch(t, fx, port, "/secure", &fx.client); result.ExitCode != 0 || result.Status != 200 {
			t.Fatalf("want 200, got %v", result)
		}
		request, _ := backend.Last()
		checkForwardedIdentity(t, fx, request)
	})
}

// testStaticFilesWithLocations checks document_root with a protected
// location: files are served, the location's files only to a valid client.
func testStaticFilesWithLocations(t *testing.T, server liveServer) {
	testtools.RequireTool(t, "curl")
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
	port := testtools.FreePort(t)
	in := fx.serverInput(port, "")
	in.DocumentRoot = root
	in.VerifyClient = VerifyClientOptional
	in.Locations = []string{"/private"}
	server.start(t, in)

	if result := fetch(t, fx, port, "/index.html", nil); result.Status != 200 || result.Body != "public page\n" {
		t.Errorf("anonymous public page: %v", result)
	}
	if result := fetch(t, fx, port, "/private/secret.txt", nil); result.Status != 403 || strings.Contains(result.Body, "secret") {
		t.Errorf("anonymous private file: %v", result)
	}
	if result := fetch(t, fx, port, "/private/secret.txt", &fx.client); result.Status != 200 || result.Body != "secret file\n" {
		t.Errorf("valid client private file: %v", result)
	}
}

func checkRefused(t *testing.T, server liveServer, result testtools.CurlResult) {
	t.Helper()
	server.CheckRefused(t, result)
}

// checkForwardedIdentity checks the headers the backend received for the
// fixture's valid client.
func checkForwardedIdentity(t *testing.T, fx *liveFixture, request *http.Request) {
	t.Helper()
	testtools.CheckForwardedIdentity(t, request, fx.clientCert)
}

func TestLiveApacheLocationsCannotBeBypassed(t *testing.T) {
	testLocationsCannotBeBypassed(t, liveApache)
}

func TestLiveNginxLocationsCannotBeBypassed(t *testing.T) {
	testLocationsCannotBeBypassed(t, liveNginx)
}

// testLocationsCannotBeBypassed checks the documented meaning of
// locations (see testtools.CheckLocationsCannotBeBypassed).
// Without forward_client_identity too: the rewrite headers are dropped
// for the locations' sake alone.
func testLocationsCannotBeBypassed(t *testing.T, server liveServer) {
	for _, identity := range []bool{true, false} {
		t.Run(fmt.Sprintf("forward_client_identity=%v", identity), func(t *testing.T) {
			fx := newLiveFixture(t)
			backend := testtools.NewIdentityBackend(t)
			port := testtools.FreePort(t)
			in := fx.serverInput(port, backend.URL)
			in.VerifyClient = VerifyClientOptional
			in.Locations = testtools.ProtectedLocations
			in.ForwardClientIdentity = identity
			server.start(t, in)
			testtools.CheckLocationsCannotBeBypassed(t, fx.rootFile, port, backend, &fx.client)
		})
	}
}

func TestLiveApacheDropsUnderscoreIdentityHeaders(t *testing.T) {
	testDropsUnderscoreIdentityHeaders(t, liveApache.Server, liveApache.render)
}

func TestLiveNginxDropsUnderscoreIdentityHeaders(t *testing.T) {
	testDropsUnderscoreIdentityHeaders(t, liveNginx.Server, liveNginx.render)
}

// nginx ignores header names with "_" by default; the rendered
// configuration drops them also where underscores_in_headers lets them in.
func TestLiveNginxDropsUnderscoreIdentityHeadersWhenAllowed(t *testing.T) {
	testDropsUnderscoreIdentityHeaders(t, liveNginx.Server, func(t *testing.T, in ServerInput) string {
		block := liveNginx.render(t, in)
		allowed := strings.Replace(block, "server {\n", "server {\n    underscores_in_headers on;\n", 1)
		if allowed == block {
			t.Fatal("no server block to allow underscores in")
		}
		return allowed
	})
}

// testDropsUnderscoreIdentityHeaders checks forward_client_identity: no
// forged identity header of either spelling reaches the backend, in
// require and optional mode, while the verified ones do; nor does a rewrite
// header, which would make the backend serve another path than the one
// the server checked.
func testDropsUnderscoreIdentityHeaders(t *testing.T, server testtools.Server, render func(*testing.T, ServerInput) string) {
	for _, mode := range []string{VerifyClientRequire, VerifyClientOptional} {
		t.Run(mode, func(t *testing.T) {
			fx := newLiveFixture(t)
			backend := testtools.NewIdentityBackend(t)
			port := testtools.FreePort(t)
			in := fx.serverInput(port, backend.URL)
			in.VerifyClient = mode
			server.Start(t, render(t, in), port)

			result := testtools.RawRequest(t, fx.rootFile, port, "/hello", &fx.client, testtools.ForgedHeaders...)
			if result.Status != 200 {
				t.Fatalf("valid client: %v", result)
			}
			request, _ := backend.Last()
			checkForwardedIdentity(t, fx, request)
			testtools.CheckNoForgedHeaders(t, request)

			if mode == VerifyClientOptional {
				if result := testtools.RawRequest(t, fx.rootFile, port, "/hello", nil, testtools.ForgedHeaders...); result.Status != 200 {
					t.Fatalf("anonymous client: %v", result)
				}
				request, _ := backend.Last()
				testtools.CheckNoForgedHeaders(t, request)
				if got := request.Header.Values("X-SSL-Client-S-DN"); len(got) != 0 {
					t.Errorf("X-SSL-Client-S-DN = %q for an anonymous client", got)
				}
			}
		})
	}
}

// With render_listen the virtual host brings its own Listen line, and the
// test harness adds none: Apache serves the port because of it.
func TestLiveApacheRenderListen(t *testing.T) {
	fx := newLiveFixture(t)
	backend := testtools.NewIdentityBackend(t)
	port := testtools.FreePort(t)
	out, _, err := RenderApache(ApacheInput{ServerInput: fx.serverInput(port, backend.URL), RenderListen: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Listen 127.0.0.1:%d https\n", port); !strings.Contains(out.VirtualHost, want) {
		t.Fatalf("no %q in:\n%s", want, out.VirtualHost)
	}
	testtools.StartApache(t, out.VirtualHost, port)
	if result := testtools.RawRequest(t, fx.rootFile, port, "/hello", &fx.client); result.Status != 200 || result.Body != testtools.BackendBody {
		t.Fatalf("want 200 from the backend, got %v", result)
	}
}

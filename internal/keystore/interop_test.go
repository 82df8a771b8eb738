//go:build interop

package keystore

// Interoperability tests against the real consumers installed on the machine:
// OpenSSL, NSS (pk12util/certutil), Java keytool and a Java TLS client.
// Run with: go test -tags interop ./internal/keystore/
//
// Where a consumer cannot read an encoding, the test asserts the failure, so
// the consumer matrix in doc.go is proven in both directions; if a tool is
// upgraded and starts reading it, the test says to update the matrix.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

const (
	interopFriendlyName = "Client Leaf Nick"
	commandTimeout      = 60 * time.Second
)

// runTool runs a command with a deadline and returns its combined output.
func runTool(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, testtools.RequireTool(t, name), args...).CombinedOutput()
	return string(out), err
}

func mustRunTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := runTool(t, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func pemCerts(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

var versionNumbers = regexp.MustCompile(`(\d+)\.(\d+)`)

// toolVersion extracts the first "major.minor" of a version banner.
func toolVersion(t *testing.T, banner string) (major, minor int) {
	t.Helper()
	m := versionNumbers.FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("no version number in %q", banner)
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor
}

// opensslReadsPBMAC1: PBMAC1 verification arrived in OpenSSL 3.4.
func opensslReadsPBMAC1(t *testing.T) (bool, string) {
	banner := strings.TrimSpace(mustRunTool(t, "openssl", "version"))
	major, minor := toolVersion(t, banner)
	return major > 3 || (major == 3 && minor >= 4), banner
}

// javaReadsPBMAC1: PBMAC1 in PKCS12KeyStore arrived in Java 26.
func javaReadsPBMAC1(t *testing.T) (bool, string) {
	banner := strings.SplitN(mustRunTool(t, "java", "-version"), "\n", 2)[0]
	major, _ := toolVersion(t, banner)
	return major >= 26, banner
}

// interopArchive encodes the identity of the shared PKI with the interop
// friendly name and writes it to dir.
func interopArchive(t *testing.T, dir string, p *testPKI, enc Encoding) string {
	t.Helper()
	return testtools.WriteFile(t, dir, string(enc)+".p12", mustEncodePKCS12(t, p, enc, interopFriendlyName))
}

func TestInteropOpenSSL(t *testing.T) {
	readsPBMAC1, banner := opensslReadsPBMAC1(t)
	for _, keyType := range leafKeyTypes {
		p := sharedPKI(t, keyType)
		for _, enc := range Encodings() {
			t.Run(keyType+"/"+string(enc), func(t *testing.T) {
				dir := t.TempDir()
				file := interopArchive(t, dir, p, enc)
				if enc == EncodingModern2026 && !readsPBMAC1 {
					if _, _, _, err := gopkcs12.DecodeChain(mustEncodePKCS12(t, p, enc, ""), testPassword); err != nil {
						t.Fatalf("go-pkcs12 cannot decode modern2026 either: %v", err)
					}
					t.Skipf("%s cannot verify PBMAC1 (needs 3.4+); go-pkcs12 decoding of modern2026 checked instead", banner)
				}
				out := mustRunTool(t, "openssl", opensslReadArgs(file, enc, passwordFor(enc))...)
				assertOpenSSLIdentity(t, out, p)

				if enc == EncodingPasswordless {
					return
				}
				if out, err := runTool(t, "openssl", opensslReadArgs(file, enc, "wrong")...); err == nil || !strings.Contains(out, "Mac verify error") {
					t.Errorf("wrong password accepted or not reported as a MAC error: %v\n%s", err, out)
				}
			})
		}
	}
}

// opensslReadArgs prints every certificate and the unencrypted key. 3DES is
// in OpenSSL 3's default provider, so "legacy" needs no -legacy; RC2 lives
// in the legacy provider.
func opensslReadArgs(file string, enc Encoding, password string) []string {
	args := []string{"pkcs12", "-in", file, "-info", "-nodes", "-passin", "pass:" + password}
	if enc == EncodingLegacyRC2 {
		args = append(args, "-legacy")
	}
	return args
}

// assertOpenSSLIdentity checks the PEM that `openssl pkcs12 -info -nodes`
// printed: the leaf, the chain in order, the same key, and the friendly name.
func assertOpenSSLIdentity(t *testing.T, out string, p *testPKI) {
	t.Helper()
	var certs []*x509.Certificate
	var keys []any
	rest := []byte(out)
	for {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
	}
	assertSameCerts(t, certs, []*x509.Certificate{p.leaf, p.intermediate, p.root})
	if len(keys) != 1 || !testtools.SamePrivateKey(p.leafKey, keys[0]) {
		t.Errorf("OpenSSL printed %d keys, want the leaf key", len(keys))
	}
	if got := strings.Count(out, "friendlyName: "+interopFriendlyName); got != 2 {
		t.Errorf("friendlyName appears %d times, want on the key and the leaf:\n%s", got, out)
	}
}

func TestInteropOpenSSLTrustStore(t *testing.T) {
	readsPBMAC1, banner := opensslReadsPBMAC1(t)
	p := sharedPKI(t, "ecdsa")
	for _, enc := range Encodings() {
		t.Run(string(enc), func(t *testing.T) {
			if enc == EncodingModern2026 && !readsPBMAC1 {
				t.Skipf("%s cannot verify PBMAC1 (needs 3.4+)", banner)
			}
			der, err := EncodeTrustStorePKCS12(trustEntries(p), passwordFor(enc), enc)
			if err != nil {
				t.Fatal(err)
			}
			file := testtools.WriteFile(t, t.TempDir(), "trust.p12", der)
			out := mustRunTool(t, "openssl", "pkcs12", "-in", file, "-info", "-nokeys", "-legacy", "-passin", "pass:"+passwordFor(enc))
			for _, alias := range wantTrustAliases {
				if !strings.Contains(out, "friendlyName: "+alias+"\n") {
					t.Errorf("OpenSSL output lacks friendlyName %q:\n%s", alias, out)
				}
			}
			if got := strings.Count(out, "2.16.840.1.113894.746875.1.1"); got != 3 {
				t.Errorf("Java trusted key usage attribute appears %d times, want 3", got)
			}
		})
	}
}

// nssReads is where pk12util (NSS 3.87 here) succeeds: it cannot verify
// PBMAC1 and refuses archives without a MAC, OpenSSL's own -nomac ones too.
func nssReads(enc Encoding) bool {
	return enc != EncodingModern2026 && enc != EncodingPasswordless
}

func TestInteropNSS(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	for _, enc := range Encodings() {
		t.Run(string(enc), func(t *testing.T) {
			dir := t.TempDir()
			file := interopArchive(t, dir, p, enc)
			db := "sql:" + filepath.Join(dir, "nssdb")
			if err := os.Mkdir(filepath.Join(dir, "nssdb"), 0o700); err != nil {
				t.Fatal(err)
			}
			mustRunTool(t, "certutil", "-N", "-d", db, "--empty-password")

			out, err := runTool(t, "pk12util", "-i", file, "-d", db, "-W", passwordFor(enc))
			if !nssReads(enc) {
				if err == nil {
					t.Fatalf("pk12util now imports %s; update the consumer matrix in doc.go:\n%s", enc, out)
				}
				t.Logf("pk12util refuses %s as documented: %s", enc, strings.TrimSpace(out))
				return
			}
			if err != nil {
				t.Fatalf("pk12util import: %v\n%s", err, out)
			}
			certs := mustRunTool(t, "certutil", "-L", "-d", db)
			if !regexp.MustCompile(`(?m)^` + interopFriendlyName + `\s+u,u,u$`).MatchString(certs) {
				t.Errorf("leaf not listed under nickname %q with a key (u,u,u):\n%s", interopFriendlyName, certs)
			}
			for _, ca := range []string{"Keystore Test Intermediate CA", "Keystore Test Root CA"} {
				if !strings.Contains(certs, ca) {
					t.Errorf("CA %q missing from certutil -L:\n%s", ca, certs)
				}
			}
			if keys := mustRunTool(t, "certutil", "-K", "-d", db); !strings.Contains(keys, interopFriendlyName) {
				t.Errorf("private key not listed under %q:\n%s", interopFriendlyName, keys)
			}
			if out, err := runTool(t, "pk12util", "-i", file, "-d", db, "-W", "wrong"); err == nil {
				t.Errorf("pk12util accepted a wrong password:\n%s", out)
			}
		})
	}
}

// keytoolList runs keytool -list -v; an empty password is passed on stdin,
// as keytool refuses an empty -storepass.
func keytoolList(t *testing.T, storeType, file, password string) (string, error) {
	t.Helper()
	args := []string{"-list", "-v", "-storetype", storeType, "-keystore", file}
	if password != "" {
		args = append(args, "-storepass", password)
	}
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, testtools.RequireTool(t, "keytool"), args...)
	cmd.Stdin = strings.NewReader("\n")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func assertKeytoolIdentity(t *testing.T, out, alias string) {
	t.Helper()
	if got := testtools.KeytoolEntries(out); len(got) != 1 || got[alias] != "PrivateKeyEntry" {
		t.Errorf("keytool entries %v, want {%s: PrivateKeyEntry}:\n%s", got, alias, out)
	}
	if !strings.Contains(out, "Certificate chain length: 3") {
		t.Errorf("keytool does not show a chain of 3:\n%s", out)
	}
}

func assertKeytoolTrustStore(t *testing.T, out string, aliases []string) {
	t.Helper()
	got := testtools.KeytoolEntries(out)
	if len(got) != len(aliases) {
		t.Errorf("keytool lists %v, want %q as trustedCertEntry:\n%s", got, aliases, out)
	}
	for _, a := range aliases {
		if got[a] != "trustedCertEntry" {
			t.Errorf("alias %q is %q, want trustedCertEntry", a, got[a])
		}
	}
}

// lowercase is how Java reports every alias.
func lowercase(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func TestInteropKeytool(t *testing.T) {
	readsPBMAC1, banner := javaReadsPBMAC1(t)
	p := sharedPKI(t, "ecdsa")
	for _, enc := range Encodings() {
		t.Run("pkcs12/"+string(enc), func(t *testing.T) {
			dir := t.TempDir()
			keyStore := interopArchive(t, dir, p, enc)
			trustDER, err := EncodeTrustStorePKCS12(trustEntries(p), passwordFor(enc), enc)
			if err != nil {
				t.Fatal(err)
			}
			trustStore := testtools.WriteFile(t, dir, "trust.p12", trustDER)

			out, err := keytoolList(t, "PKCS12", keyStore, passwordFor(enc))
			switch {
			case enc == EncodingModern2026 && !readsPBMAC1:
				if err == nil || !strings.Contains(out, "1.2.840.113549.1.5.14") {
					t.Fatalf("%s: want a PBMAC1 integrity failure, got %v:\n%s", banner, err, out)
				}
				t.Logf("%s cannot verify PBMAC1 (Java 26+), as documented", banner)
				return
			case err != nil:
				t.Fatalf("keytool: %v\n%s", err, out)
			case enc == EncodingPasswordless:
				// Java only loads shrouded key bags: an unencrypted key is
				// silently ignored, leaving no entry at all.
				if got := testtools.KeytoolEntries(out); len(got) != 0 {
					t.Fatalf("keytool now lists %v from a passwordless keyed archive; update the matrix", got)
				}
			default:
				assertKeytoolIdentity(t, out, strings.ToLower(interopFriendlyName))
				if out, err := keytoolList(t, "PKCS12", keyStore, "wrong-password"); err == nil || !strings.Contains(out, "password was incorrect") {
					t.Errorf("wrong password: %v\n%s", err, out)
				}
			}

			out, err = keytoolList(t, "PKCS12", trustStore, passwordFor(enc))
			if err != nil {
				t.Fatalf("keytool truststore: %v\n%s", err, out)
			}
			assertKeytoolTrustStore(t, out, lowercase(wantTrustAliases))
		})
	}
	t.Run("jks", func(t *testing.T) {
		dir := t.TempDir()
		keyDER, err := EncodeJKSKeyStore(p.leafKey, p.leaf, p.chain(), testPassword, interopFriendlyName)
		if err != nil {
			t.Fatal(err)
		}
		trustDER, err := EncodeJKSTrustStore(trustEntries(p), testPassword)
		if err != nil {
			t.Fatal(err)
		}
		out, err := keytoolList(t, "JKS", testtools.WriteFile(t, dir, "key.jks", keyDER), testPassword)
		if err != nil {
			t.Fatalf("keytool: %v\n%s", err, out)
		}
		assertKeytoolIdentity(t, out, strings.ToLower(interopFriendlyName))
		out, err = keytoolList(t, "JKS", testtools.WriteFile(t, dir, "trust.jks", trustDER), testPassword)
		if err != nil {
			t.Fatalf("keytool: %v\n%s", err, out)
		}
		assertKeytoolTrustStore(t, out, lowercase(wantTrustAliases))
		if out, err := keytoolList(t, "JKS", filepath.Join(dir, "trust.jks"), "wrong-password"); err == nil || !strings.Contains(out, "password was incorrect") {
			t.Errorf("wrong password: %v\n%s", err, out)
		}
	})
}

// startSServer runs `openssl s_server` on a loopback port chosen by the
// kernel, requiring a client certificate that chains to root, and returns
// "127.0.0.1:port". The server is killed when the test ends.
func startSServer(t *testing.T, p *testPKI) string {
	t.Helper()
	dir := t.TempDir()
	serverKey, err := x509.MarshalPKCS8PrivateKey(p.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*commandTimeout)
	cmd := exec.CommandContext(ctx, testtools.RequireTool(t, "openssl"), "s_server",
		"-accept", "127.0.0.1:0", "-www", "-Verify", "2",
		"-CAfile", testtools.WriteFile(t, dir, "root.pem", pemCerts(p.root)),
		"-cert", testtools.WriteFile(t, dir, "server.pem", pemCerts(p.server)),
		"-cert_chain", testtools.WriteFile(t, dir, "chain.pem", pemCerts(p.intermediate)),
		"-key", testtools.WriteFile(t, dir, "server.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: serverKey})))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "ACCEPT "); ok {
			go func() { // keep draining so the server never blocks on a full pipe
				for lines.Scan() {
				}
			}()
			return addr
		}
	}
	t.Fatalf("s_server exited before accepting connections: %v", lines.Err())
	return ""
}

// javaClientSource is a minimal mTLS client that uses only the standard
// javax.net.ssl system properties, as an application would.
const javaClientSource = `import javax.net.ssl.*;
import java.io.*;
import java.nio.charset.StandardCharsets;

public class MTLSClient {
    public static void main(String[] args) throws Exception {
        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        try (SSLSocket socket = (SSLSocket) factory.createSocket(args[0], Integer.parseInt(args[1]))) {
            socket.setSoTimeout(20000);
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            SSLSession session = socket.getSession();
            System.out.println("PROTOCOL " + session.getProtocol());
            System.out.println("CLIENT-CERT " + ((java.security.cert.X509Certificate) session.getLocalCertificates()[0]).getSubjectX500Principal());
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println(line);
            }
        }
    }
}
`

// compileJavaClient compiles MTLSClient once per test and returns its class path.
func compileJavaClient(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustRunTool(t, "javac", "-d", dir, testtools.WriteFile(t, dir, "MTLSClient.java", []byte(javaClientSource)))
	return dir
}

// javaStore is one side (key or trust) of a Java TLS configuration.
type javaStore struct {
	storeType string // PKCS12 or JKS
	der       []byte
	password  string // "" leaves javax.net.ssl.*StorePassword unset
}

func (s javaStore) properties(t *testing.T, dir, role string) []string {
	t.Helper()
	file := testtools.WriteFile(t, dir, role+"."+strings.ToLower(s.storeType), s.der)
	props := []string{"-Djavax.net.ssl." + role + "=" + file, "-Djavax.net.ssl." + role + "Type=" + s.storeType}
	if s.password != "" {
		props = append(props, "-Djavax.net.ssl."+role+"Password="+s.password)
	}
	return props
}

func TestInteropJavaTLSHandshake(t *testing.T) {
	testtools.RequireTool(t, "java")
	classPath := compileJavaClient(t)
	type tlsCase struct {
		name, keyType string
		keyStore      func(*testPKI) javaStore
		trustStore    func(*testPKI) javaStore
	}
	pkcs12Key := func(enc Encoding) func(*testPKI) javaStore {
		return func(p *testPKI) javaStore {
			return javaStore{"PKCS12", mustEncodePKCS12(t, p, enc, interopFriendlyName), passwordFor(enc)}
		}
	}
	pkcs12Trust := func(enc Encoding) func(*testPKI) javaStore {
		return func(p *testPKI) javaStore {
			der, err := EncodeTrustStorePKCS12(trustEntries(p), passwordFor(enc), enc)
			if err != nil {
				t.Fatal(err)
			}
			return javaStore{"PKCS12", der, passwordFor(enc)}
		}
	}
	jksKey := func(p *testPKI) javaStore {
		der, err := EncodeJKSKeyStore(p.leafKey, p.leaf, p.chain(), testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		return javaStore{"JKS", der, testPassword}
	}
	jksTrust := func(p *testPKI) javaStore {
		der, err := EncodeJKSTrustStore(trustEntries(p), testPassword)
		if err != nil {
			t.Fatal(err)
		}
		return javaStore{"JKS", der, testPassword}
	}
	cases := []tlsCase{
		{"modern", "ecdsa", pkcs12Key(EncodingModern), pkcs12Trust(EncodingModern)},
		{"modern-rsa", "rsa", pkcs12Key(EncodingModern), pkcs12Trust(EncodingModern)},
		{"modern-ed25519", "ed25519", pkcs12Key(EncodingModern), pkcs12Trust(EncodingModern)},
		{"legacy", "ecdsa", pkcs12Key(EncodingLegacy), pkcs12Trust(EncodingLegacy)},
		{"legacy_rc2", "ecdsa", pkcs12Key(EncodingLegacyRC2), pkcs12Trust(EncodingLegacyRC2)},
		{"modern-key-passwordless-trust", "ecdsa", pkcs12Key(EncodingModern), pkcs12Trust(EncodingPasswordless)},
		{"jks", "ecdsa", jksKey, jksTrust},
	}
	// runClient returns the client's output and whether the server answered.
	runClient := func(t *testing.T, p *testPKI, stores ...[]string) (string, bool) {
		_, port, _ := strings.Cut(startSServer(t, p), ":")
		var args []string
		for _, props := range stores {
			args = append(args, props...)
		}
		// Connect by name so endpoint identification checks the DNS SAN.
		args = append(args, "-cp", classPath, "MTLSClient", "localhost", port)
		out, err := runTool(t, "java", args...)
		return out, err == nil && strings.Contains(out, "HTTP/1.0 200 ok")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := sharedPKI(t, tc.keyType)
			dir := t.TempDir()
			out, ok := runClient(t, p, tc.keyStore(p).properties(t, dir, "keyStore"), tc.trustStore(p).properties(t, dir, "trustStore"))
			if !ok || !strings.Contains(out, "CLIENT-CERT CN=Client Leaf") {
				t.Fatalf("handshake did not complete with the client certificate:\n%s", out)
			}
			t.Logf("%s", strings.SplitN(out, "\n", 2)[0])
		})
	}
	// Negative control: the same server refuses a client without a
	// certificate, so the successes above really exercised the keystore.
	t.Run("no-client-certificate-refused", func(t *testing.T) {
		p := sharedPKI(t, "ecdsa")
		if out, ok := runClient(t, p, pkcs12Trust(EncodingModern)(p).properties(t, t.TempDir(), "trustStore")); ok {
			t.Fatalf("server accepted a client without a certificate:\n%s", out)
		}
	})
}

// TestInteropGoTLSHandshake covers the Go consumer for every encoding,
// including modern2026 that Java 17 and OpenSSL 3.0 cannot open.
func TestInteropGoTLSHandshake(t *testing.T) {
	p := sharedPKI(t, "ecdsa")
	addr := startSServer(t, p)
	// get answers the request; it reports the server refusing the client.
	get := func(roots *x509.CertPool, certs []tls.Certificate) error {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, &tls.Config{
			ServerName:   "localhost",
			RootCAs:      roots,
			Certificates: certs,
		})
		if err != nil {
			return err
		}
		defer func() { _ = conn.Close() }()
		_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
		if _, err := conn.Write([]byte("GET / HTTP/1.0\r\n\r\n")); err != nil {
			return err
		}
		status, err := bufio.NewReader(conn).ReadString('\n')
		if err == nil && !strings.HasPrefix(status, "HTTP/1.0 200 ok") {
			err = fmt.Errorf("unexpected response %q", status)
		}
		return err
	}
	for _, enc := range Encodings() {
		t.Run(string(enc), func(t *testing.T) {
			key, leaf, chain, err := gopkcs12.DecodeChain(mustEncodePKCS12(t, p, enc, ""), passwordFor(enc))
			if err != nil {
				t.Fatal(err)
			}
			trustDER, err := EncodeTrustStorePKCS12(trustEntries(p), passwordFor(enc), enc)
			if err != nil {
				t.Fatal(err)
			}
			anchors, err := gopkcs12.DecodeTrustStore(trustDER, passwordFor(enc))
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			for _, c := range anchors {
				roots.AddCert(c)
			}
			cert := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
			for _, c := range chain {
				cert.Certificate = append(cert.Certificate, c.Raw)
			}
			if err := get(roots, []tls.Certificate{cert}); err != nil {
				t.Fatalf("mTLS request failed: %v", err)
			}
			if enc == DefaultEncoding {
				if err := get(roots, nil); err == nil {
					t.Fatal("server accepted a client without a certificate")
				}
			}
		})
	}
}

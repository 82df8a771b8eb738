//go:build e2e

package render

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// HAProxy's own parser (haproxy -c) accepts every shape of the rendered
// sections, the https backends included, which the live test through
// Terraform does not run.
func TestLiveHAProxyCheckAcceptsEveryVariant(t *testing.T) {
	haproxy := testtools.RequireTool(t, "/usr/sbin/haproxy", "haproxy")
	fx := newLiveFixture(t)
	crt := testtools.WriteFile(t, fx.dir, "server crt.pem", mustRead(t, fx.serverCert), mustRead(t, fx.serverKey))
	variants := map[string]HAProxyInput{
		"require, CRL, identity":  {CRLFile: fx.crlFile, ForwardClientIdentity: true, ProxyPass: "http://127.0.0.1:8080"},
		"optional, https by name": {ListenAddress: "::1", VerifyClient: VerifyClientOptional, ForwardClientIdentity: true, ProxyPass: "https://localhost:8443"},
		"https by address":        {ProxyPass: "https://[::1]"},
		"tcp":                     {Mode: HAProxyModeTCP, ProxyPass: "tcp://127.0.0.1:5432"},
	}
	for name, in := range variants {
		t.Run(name, func(t *testing.T) {
			in.Listen, in.CertificateFile, in.CACertificateFile = testtools.FreePort(t), crt, fx.caFile
			out, _, err := RenderHAProxy(in)
			if err != nil {
				t.Fatal(err)
			}
			conf := "global\n    log stderr format raw local0\n\ndefaults\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\n" + out.Sections
			file := filepath.Join(t.TempDir(), "haproxy.cfg")
			if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			if stdout, stderr, err := testtools.RunCommand(t, 30*time.Second, haproxy, "-c", "-f", file); err != nil {
				t.Fatalf("haproxy -c: %v\n%s%s\n%s", err, stdout, stderr, conf)
			}
		})
	}
}

// What crl_file's description promises: HAProxy checks every CA of the
// chain, so a file without the root's CRL refuses every client; with a CRL
// from each CA, the revoked client alone is refused.
func TestLiveHAProxyCRLNeedsEveryCA(t *testing.T) {
	testtools.RequireTool(t, "curl")
	fx := newLiveFixture(t)
	crt := testtools.WriteFile(t, fx.dir, "crt.pem", mustRead(t, fx.serverCert), mustRead(t, fx.serverKey))
	intermediateOnly := testtools.WriteFile(t, fx.dir, "intermediate-crl.pem", firstPEMBlock(t, mustRead(t, fx.crlFile)))
	backend := testtools.NewIdentityBackend(t)
	start := func(crlFile string) int {
		port := testtools.FreePort(t)
		out, _, err := RenderHAProxy(HAProxyInput{ListenAddress: "127.0.0.1", Listen: port, CertificateFile: crt, CACertificateFile: fx.caFile, CRLFile: crlFile, ProxyPass: backend.URL})
		if err != nil {
			t.Fatal(err)
		}
		testtools.HAProxy.Start(t, out.Sections, port)
		return port
	}
	t.Run("without the root's CRL", func(t *testing.T) {
		testtools.HAProxy.CheckRefused(t, fetch(t, fx, start(intermediateOnly), "/", &fx.client))
	})
	t.Run("with a CRL from each CA", func(t *testing.T) {
		port := start(fx.crlFile)
		if result := fetch(t, fx, port, "/", &fx.client); result.ExitCode != 0 || result.Status != 200 || result.Body != testtools.BackendBody {
			t.Errorf("valid client: %v", result)
		}
		testtools.HAProxy.CheckRefused(t, fetch(t, fx, port, "/", &fx.revoked))
	})
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	content, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return content
}

// firstPEMBlock returns the first PEM block of text, re-encoded.
func firstPEMBlock(t *testing.T, text []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(text)
	if block == nil {
		t.Fatal("no PEM block")
	}
	return pem.EncodeToMemory(block)
}

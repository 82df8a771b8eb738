//go:build e2e

package render

import (
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
	chain, err := os.ReadFile(fx.serverCert)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(fx.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	crt := writeFile(t, fx.dir, "server crt.pem", chain, key)
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

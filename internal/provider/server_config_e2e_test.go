//go:build e2e

// Live end-to-end test through real Terraform: the certificates come from the
// resources, the configuration from the data sources, and the real Apache and
// nginx serve it. Run with:
//
//	TF_ACC=1 go test -tags e2e -run Live ./internal/provider/

package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// liveClientsHCL adds the clients that must be refused: one from an
// unrelated CA, and one from the right CA that may only serve.
const liveClientsHCL = `
resource "mtls_client_cert" "stranger" {
  ca_cert_pem        = mtls_root_ca.other.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
  subject            = { common_name = "stranger" }
  email_addresses    = ["stranger@example.com"]
}

resource "mtls_server_cert" "server_only" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "imposter" }
  dns_names          = ["imposter.example.com"]
}
`

// liveSetup is what the rendered configuration refers to: files the Check
// writes from state, chosen before the apply, and the ports and backend.
type liveSetup struct {
	dir         string
	serverChain string // certificate_file: the server's fullchain_pem
	serverKey   string // certificate_key_file
	clientCAs   string // ca_certificate_file: intermediate and root
	root        string // what curl trusts
	apachePort  int
	nginxPort   int
	backend     *testtools.IdentityBackend
}

func (setup liveSetup) dataSource(typ string, port int) string {
	return dataBlock(typ, serverConfigDefaults, map[string]string{
		"listen":               strconv.Itoa(port),
		"certificate_file":     strconv.Quote(setup.serverChain),
		"certificate_key_file": strconv.Quote(setup.serverKey),
		"ca_certificate_file":  strconv.Quote(setup.clientCAs),
		"proxy_pass":           strconv.Quote(setup.backend.URL),
	})
}

func TestAccApacheNginxLive_mutualTLS(t *testing.T) {
	testtools.RequireTool(t, "curl")
	testtools.RequireTool(t, "/usr/sbin/apache2", "apache2", "httpd")
	testtools.RequireTool(t, "/usr/sbin/nginx", "nginx")
	dir := t.TempDir()
	setup := liveSetup{
		dir:         dir,
		serverChain: filepath.Join(dir, "server-fullchain.pem"),
		serverKey:   filepath.Join(dir, "server.key"),
		clientCAs:   filepath.Join(dir, "client-ca.pem"),
		root:        filepath.Join(dir, "root.pem"),
		apachePort:  testtools.FreePort(t),
		nginxPort:   testtools.FreePort(t),
		backend:     testtools.NewIdentityBackend(t),
	}
	config := configTestPKI + liveClientsHCL +
		setup.dataSource("mtls_apache_config", setup.apachePort) +
		setup.dataSource("mtls_nginx_config", setup.nginxPort)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				clients, err := setup.write(t, s)
				if err != nil {
					return err
				}
				servers := []struct {
					server testtools.Server
					config string
					port   int
				}{
					{testtools.Apache, stateAttr(s, "data.mtls_apache_config.web", "virtual_host"), setup.apachePort},
					{testtools.Nginx, stateAttr(s, "data.mtls_nginx_config.web", "server_block"), setup.nginxPort},
				}
				for _, live := range servers {
					t.Run(live.server.Name, func(t *testing.T) {
						live.server.Start(t, live.config, live.port)
						checkLiveServer(t, live.server, setup, live.port, clients)
					})
				}
				return nil
			},
		}},
	})
}

// liveClients are the client certificates on disk; alice must get through,
// the others must be refused.
type liveClients struct {
	alice     testtools.ClientFiles
	aliceCert *x509.Certificate
	refused   map[string]*testtools.ClientFiles
}

// write puts the PEMs from state where the configuration expects them, and
// the clients next to them.
func (setup liveSetup) write(t *testing.T, s *terraform.State) (liveClients, error) {
	writeFile(t, setup.dir, filepath.Base(setup.serverChain), stateAttr(s, "mtls_server_cert.web", "fullchain_pem"))
	writeFile(t, setup.dir, filepath.Base(setup.serverKey), stateAttr(s, "mtls_server_cert.web", "private_key_pem"))
	writeFile(t, setup.dir, filepath.Base(setup.clientCAs), stateAttr(s, "mtls_client_cert.alice", "ca_chain_pem"))
	writeFile(t, setup.dir, filepath.Base(setup.root), stateAttr(s, "mtls_root_ca.root", "cert_pem"))

	client := func(name, resourceName string) testtools.ClientFiles {
		return testtools.ClientFiles{
			Cert: writeFile(t, setup.dir, name+".pem", stateAttr(s, resourceName, "cert_pem")),
			Key:  writeFile(t, setup.dir, name+".key", stateAttr(s, resourceName, "private_key_pem")),
		}
	}
	aliceCerts, err := stateCerts(s, "mtls_client_cert.alice", "cert_pem")
	if err != nil {
		return liveClients{}, err
	}
	stranger, serverOnly := client("stranger", "mtls_client_cert.stranger"), client("server-only", "mtls_server_cert.server_only")
	expired, err := setup.writeExpiredClient(t, s)
	if err != nil {
		return liveClients{}, err
	}
	return liveClients{
		alice:     client("alice", "mtls_client_cert.alice"),
		aliceCert: aliceCerts[0],
		refused: map[string]*testtools.ClientFiles{
			"no certificate":            nil,
			"certificate of another CA": &stranger,
			"server-only certificate":   &serverOnly,
			"expired certificate":       &expired,
		},
	}, nil
}

// writeExpiredClient signs an already expired client certificate with the
// intermediate's key from state: the resources refuse to issue one, and
// everything else about it is right, so only the expiry can refuse it.
func (setup liveSetup) writeExpiredClient(t *testing.T, s *terraform.State) (testtools.ClientFiles, error) {
	issuers, err := stateCerts(s, "mtls_intermediate_ca.issuing", "cert_pem")
	if err != nil {
		return testtools.ClientFiles{}, err
	}
	issuerKey, err := pki.ParsePrivateKeyPEM(stateAttr(s, "mtls_intermediate_ca.issuing", "private_key_pem"), "")
	if err != nil {
		return testtools.ClientFiles{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return testtools.ClientFiles{}, err
	}
	template := &x509.Certificate{
		Subject:        pkix.Name{CommonName: "expired"},
		EmailAddresses: []string{"expired@example.com"},
		NotBefore:      time.Now().Add(-2 * time.Hour),
		NotAfter:       time.Now().Add(-time.Hour),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	cert, err := testtools.SignCertificate(template, issuers[0], issuerKey, key)
	if err != nil {
		return testtools.ClientFiles{}, fmt.Errorf("signing the expired client certificate: %w", err)
	}
	encoded, err := pki.EncodeKey(key)
	if err != nil {
		return testtools.ClientFiles{}, err
	}
	return testtools.ClientFiles{
		Cert: writeFile(t, setup.dir, "expired.pem", pki.EncodeCertificatesPEM(cert)),
		Key:  writeFile(t, setup.dir, "expired.key", encoded.PKCS8PEM),
	}, nil
}

// checkLiveServer runs the client matrix against one running server.
func checkLiveServer(t *testing.T, server testtools.Server, setup liveSetup, port int, clients liveClients) {
	t.Run("client certificate reaches the backend with its identity", func(t *testing.T) {
		// Forged identity headers must be replaced, not passed along.
		result := testtools.Fetch(t, setup.root, port, "/hello", &clients.alice, "X-SSL-Client-S-DN: CN=forged")
		if result.ExitCode != 0 || result.Status != 200 || result.Body != testtools.BackendBody {
			t.Fatalf("want 200 from the backend, got %v", result)
		}
		request, _ := setup.backend.Last()
		testtools.CheckForwardedIdentity(t, request, clients.aliceCert)
	})
	for name, client := range clients.refused {
		t.Run(name+" is refused", func(t *testing.T) {
			before := setup.backend.Count()
			server.CheckRefused(t, testtools.Fetch(t, setup.root, port, "/", client))
			if after := setup.backend.Count(); after != before {
				t.Fatalf("the backend was reached (%d requests before, %d after)", before, after)
			}
		})
	}
}

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
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// liveClientsHCL adds a second trusted root with a client of its own (a CA
// rotation: the old and the new root side by side), and the clients that
// must be refused: one from an unrelated CA, and one from the right CA that
// may only serve.
const liveClientsHCL = `
resource "mtls_root_ca" "g2" {
  subject = { common_name = "Config Test Root G2" }
}

resource "mtls_client_cert" "carol" {
  ca_cert_pem        = mtls_root_ca.g2.cert_pem
  ca_private_key_pem = mtls_root_ca.g2.private_key_pem
  subject            = { common_name = "carol" }
  email_addresses    = ["carol@example.com"]
}

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
	clientCAs   string // ca_certificate_file: intermediate and root, and the G2 root
	root        string // what curl trusts
	backend     *testtools.IdentityBackend
}

// liveClientCAs is the client CA bundle: alice's chain and the G2 root.
const liveClientCAs = `"${mtls_client_cert.alice.ca_chain_pem}${mtls_root_ca.g2.cert_pem}"`

func (setup liveSetup) dataSource(typ, name string, port int, overrides map[string]string) string {
	attrs := map[string]string{
		"listen":               strconv.Itoa(port),
		"certificate_file":     strconv.Quote(setup.serverChain),
		"certificate_key_file": strconv.Quote(setup.serverKey),
		"ca_certificate_file":  strconv.Quote(setup.clientCAs),
		"ca_chain_pem":         liveClientCAs,
		"proxy_pass":           strconv.Quote(setup.backend.URL),
	}
	maps.Copy(attrs, overrides)
	return namedDataBlock(typ, name, serverConfigDefaults, attrs)
}

// liveServer is one rendered configuration to run.
type liveServer struct {
	server    testtools.Server
	dataName  string // data source address
	attribute string // virtual_host or server_block
	port      int
	optional  bool // verify_client optional with testtools.ProtectedLocations
}

// The configuration from real Terraform on the real servers: Apache and
// nginx each require a client certificate on one port (Apache with its own
// Listen line, render_listen) and protect locations on another. Clients of
// both trusted roots get through with their identity, and no forged
// identity header reaches the backend; other clients are refused, and no
// path trick reaches a protected location.
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
		backend:     testtools.NewIdentityBackend(t),
	}
	servers := []liveServer{
		{testtools.Apache, "data.mtls_apache_config.web", "virtual_host", testtools.FreePort(t), false},
		{testtools.Nginx, "data.mtls_nginx_config.web", "server_block", testtools.FreePort(t), false},
		{testtools.Apache, "data.mtls_apache_config.portal", "virtual_host", testtools.FreePort(t), true},
		{testtools.Nginx, "data.mtls_nginx_config.portal", "server_block", testtools.FreePort(t), true},
	}
	config := configTestPKI + liveClientsHCL
	locations := `["` + strings.Join(testtools.ProtectedLocations, `", "`) + `"]`
	for _, live := range servers {
		typ, name, _ := strings.Cut(strings.TrimPrefix(live.dataName, "data."), ".")
		overrides := map[string]string{}
		if live.optional {
			overrides["verify_client"], overrides["locations"] = `"optional"`, locations
		} else if live.server.Name == "apache" {
			overrides["render_listen"] = "true"
		}
		config += setup.dataSource(typ, name, live.port, overrides)
	}

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
				for _, live := range servers {
					t.Run(strings.TrimPrefix(live.dataName, "data."), func(t *testing.T) {
						live.server.Start(t, stateAttr(s, live.dataName, live.attribute), live.port)
						if live.optional {
							testtools.CheckLocationsCannotBeBypassed(t, setup.root, live.port, setup.backend, &clients.accepted[0].files)
						} else {
							checkLiveServer(t, live.server, setup, live.port, clients)
						}
					})
				}
				return nil
			},
		}},
	})
}

// liveClient is a client certificate on disk and parsed.
type liveClient struct {
	files testtools.ClientFiles
	cert  *x509.Certificate
}

// liveClients are the client certificates on disk: alice (under the
// intermediate) and carol (under the G2 root) must get through, the others
// must be refused.
type liveClients struct {
	accepted []liveClient
	refused  map[string]*testtools.ClientFiles
}

// write puts the PEMs from state where the configuration expects them, and
// the clients next to them.
func (setup liveSetup) write(t *testing.T, s *terraform.State) (liveClients, error) {
	testtools.WriteFile(t, setup.dir, filepath.Base(setup.serverChain), stateAttr(s, "mtls_server_cert.web", "fullchain_pem"))
	testtools.WriteFile(t, setup.dir, filepath.Base(setup.serverKey), stateAttr(s, "mtls_server_cert.web", "private_key_pem"))
	testtools.WriteFile(t, setup.dir, filepath.Base(setup.clientCAs), stateAttr(s, "mtls_client_cert.alice", "ca_chain_pem")+stateAttr(s, "mtls_root_ca.g2", "cert_pem"))
	testtools.WriteFile(t, setup.dir, filepath.Base(setup.root), stateAttr(s, "mtls_root_ca.root", "cert_pem"))

	client := func(name, resourceName string) testtools.ClientFiles {
		return testtools.ClientFiles{
			Cert: testtools.WriteFile(t, setup.dir, name+".pem", stateAttr(s, resourceName, "cert_pem")),
			Key:  testtools.WriteFile(t, setup.dir, name+".key", stateAttr(s, resourceName, "private_key_pem")),
		}
	}
	var accepted []liveClient
	for _, name := range []string{"alice", "carol"} {
		certs, err := stateCerts(s, "mtls_client_cert."+name, "cert_pem")
		if err != nil {
			return liveClients{}, err
		}
		accepted = append(accepted, liveClient{client(name, "mtls_client_cert."+name), certs[0]})
	}
	stranger, serverOnly := client("stranger", "mtls_client_cert.stranger"), client("server-only", "mtls_server_cert.server_only")
	expired, err := setup.writeExpiredClient(t, s)
	if err != nil {
		return liveClients{}, err
	}
	return liveClients{
		accepted: accepted,
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
		Cert: testtools.WriteFile(t, setup.dir, "expired.pem", pki.EncodeCertificatesPEM(cert)),
		Key:  testtools.WriteFile(t, setup.dir, "expired.key", encoded.PKCS8PEM),
	}, nil
}

// checkLiveServer runs the client matrix against one running server.
func checkLiveServer(t *testing.T, server testtools.Server, setup liveSetup, port int, clients liveClients) {
	for _, client := range clients.accepted {
		t.Run(client.cert.Subject.CommonName+" reaches the backend with its identity", func(t *testing.T) {
			// Forged identity headers, "_" spellings too, must not pass, nor
			// headers that would make the backend serve another path.
			result := testtools.RawRequest(t, setup.root, port, "/hello", &client.files, testtools.ForgedHeaders...)
			if result.Err != nil || result.Status != 200 || result.Body != testtools.BackendBody {
				t.Fatalf("want 200 from the backend, got %v", result)
			}
			request, _ := setup.backend.Last()
			testtools.CheckForwardedIdentity(t, request, client.cert)
			testtools.CheckNoForgedHeaders(t, request)
		})
	}
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

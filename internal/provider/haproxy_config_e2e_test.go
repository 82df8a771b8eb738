//go:build e2e

// Live test of mtls_haproxy_config through real Terraform: the certificates
// and CRLs come from the resources, the configuration from the data source,
// and the real HAProxy serves it. Run with:
//
//	TF_ACC=1 go test -tags e2e -run TestAccHAProxyLive ./internal/provider/

package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// haproxyLiveHCL adds subject-only clients: dave under the issuing CA and eve
// under the unrelated root; bob (liveCRLHCL) is revoked by the issuing CA's
// CRL, and the G2 root has a CRL too, since HAProxy checks every CA.
const haproxyLiveHCL = `
resource "mtls_client_cert" "dave" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "dave" }
}

resource "mtls_client_cert" "eve" {
  ca_cert_pem        = mtls_root_ca.other.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
  subject            = { common_name = "eve" }
}

resource "mtls_crl" "g2" {
  ca_cert_pem        = mtls_root_ca.g2.cert_pem
  ca_private_key_pem = mtls_root_ca.g2.private_key_pem
}
`

// haproxyLiveCRLs are the CRLs of every client CA: the issuing CA (revoking
// bob), its root and the G2 root.
const haproxyLiveCRLs = `"${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}${mtls_crl.g2.crl_pem}"`

// haproxyForgedHeaders are client-sent identity headers: every "_" spelling
// of testtools, and the "-" names in odd letter case, the fingerprint too;
// and the rewrite headers of testtools, which would make a backend serve
// another path.
var haproxyForgedHeaders = append([]string{
	"x-ssl-client-verify: SUCCESS",
	"X-SSL-CLIENT-S-DN: CN=forged",
	"x-SsL-cLiEnT-i-Dn: CN=forged",
	"X-Ssl-Client-Serial: 01",
	"X-SSL-Client-Fingerprint: forged",
	"x_ssl_client_fingerprint: forged",
	"X-SSL_CLIENT-FINGERPRINT: forged",
	"X-SSL-Client-Cert: forged",
}, testtools.ForgedHeaders...)

// identityHeaderNames are the names the backend received that read as an
// identity header once "_" is taken for "-", in lower case.
func identityHeaderNames(request *http.Request) []string {
	var names []string
	for name := range request.Header {
		if folded := strings.ToLower(strings.ReplaceAll(name, "_", "-")); strings.HasPrefix(folded, "x-ssl-client-") {
			names = append(names, strings.ToLower(name))
		}
	}
	return names
}

// The rendered configuration on the real HAProxy, three frontends:
//   - web: verify require, a CRL per CA, identity forwarded. Alice, carol
//     (under the G2 root) and subject-only dave reach the backend with their
//     identity and the fingerprint, whatever identity headers they forge; no
//     certificate, another CA's (eve, stranger), a server-only, an expired
//     and a revoked one (bob) are refused.
//   - portal: verify optional: no certificate is served with
//     X-SSL-Client-Verify NONE and no other identity header, forged or not;
//     a certificate is forwarded; another CA's is refused.
//   - tcp: mode tcp in front of an echo server: alice's bytes come back; no
//     certificate and another CA's are refused.
func TestAccHAProxyLive_mutualTLS(t *testing.T) {
	testtools.RequireTool(t, "curl")
	testtools.RequireTool(t, "/usr/sbin/haproxy", "haproxy")
	dir := t.TempDir()
	setup := liveSetup{
		dir:       dir,
		clientCAs: filepath.Join(dir, "client-ca.pem"),
		root:      filepath.Join(dir, "root.pem"),
		backend:   testtools.NewIdentityBackend(t),
		// serverChain and serverKey are for Apache and nginx; setup.write
		// writes them all the same.
		serverChain: filepath.Join(dir, "server-fullchain.pem"),
		serverKey:   filepath.Join(dir, "server.key"),
	}
	crt := filepath.Join(dir, "server-crt.pem")
	crlFile := filepath.Join(dir, "client-crls.pem")
	echo := testtools.NewEchoBackend(t)
	webPort, portalPort, tcpPort := testtools.FreePort(t), testtools.FreePort(t), testtools.FreePort(t)

	dataSource := func(name string, port int, overrides map[string]string) string {
		attrs := map[string]string{
			"listen_address":          `"127.0.0.1"`,
			"listen":                  strconv.Itoa(port),
			"certificate_file":        strconv.Quote(crt),
			"ca_certificate_file":     strconv.Quote(setup.clientCAs),
			"ca_chain_pem":            liveClientCAs,
			"proxy_pass":              strconv.Quote(setup.backend.URL),
			"forward_client_identity": "true",
		}
		return namedDataBlock("mtls_haproxy_config", name, attrs, overrides)
	}
	config := configTestPKI + liveClientsHCL + liveCRLHCL(`{ serial_number = mtls_client_cert.bob.serial_number, reason = "key_compromise" }`) + haproxyLiveHCL +
		dataSource("web", webPort, map[string]string{"crl_file": strconv.Quote(crlFile), "crls_pem": haproxyLiveCRLs}) +
		dataSource("portal", portalPort, map[string]string{"verify_client": `"optional"`}) +
		dataSource("tcp", tcpPort, map[string]string{"mode": `"tcp"`, "forward_client_identity": "", "proxy_pass": strconv.Quote("tcp://" + echo)})

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
				// HAProxy's crt: the chain and the key in one file, as the
				// example writes it.
				testtools.WriteFile(t, dir, filepath.Base(crt), stateAttr(s, "mtls_server_cert.web", "fullchain_pem")+stateAttr(s, "mtls_server_cert.web", "private_key_pem"))
				testtools.WriteFile(t, dir, filepath.Base(crlFile), stateAttr(s, "mtls_crl.issuing", "crl_pem")+stateAttr(s, "mtls_crl.root", "crl_pem")+stateAttr(s, "mtls_crl.g2", "crl_pem"))
				client := func(name string) (testtools.ClientFiles, liveClient) {
					certs, err := stateCerts(s, "mtls_client_cert."+name, "cert_pem")
					if err != nil || len(certs) != 1 {
						t.Fatalf("%s: %v", name, err)
					}
					files := testtools.ClientFiles{
						Cert: testtools.WriteFile(t, dir, name+".pem", stateAttr(s, "mtls_client_cert."+name, "cert_pem")),
						Key:  testtools.WriteFile(t, dir, name+".key", stateAttr(s, "mtls_client_cert."+name, "private_key_pem")),
					}
					return files, liveClient{files, certs[0]}
				}
				_, dave := client("dave")
				if hasSubjectAltNames(dave.cert) {
					t.Fatal("dave's certificate has a subjectAltName; the test needs a subject-only identity")
				}
				eve, _ := client("eve")
				bob, _ := client("bob")
				refused := clients.refused
				refused["subject-only certificate of another CA"] = &eve
				refused["revoked certificate"] = &bob
				accepted := append(clients.accepted, dave)

				t.Run("web: require with CRLs", func(t *testing.T) {
					testtools.HAProxy.Start(t, stateAttr(s, "data.mtls_haproxy_config.web", "sections"), webPort)
					for _, c := range accepted {
						t.Run(c.cert.Subject.CommonName+" reaches the backend with its identity", func(t *testing.T) {
							checkHAProxyIdentity(t, setup, webPort, c)
						})
					}
					for name, c := range refused {
						t.Run(name+" is refused", func(t *testing.T) {
							before := setup.backend.Count()
							result := testtools.Fetch(t, setup.root, webPort, "/", c)
							testtools.HAProxy.CheckRefused(t, result)
							if after := setup.backend.Count(); after != before {
								t.Fatalf("the backend was reached (%d requests before, %d after)", before, after)
							}
						})
					}
				})

				t.Run("portal: optional", func(t *testing.T) {
					testtools.HAProxy.Start(t, stateAttr(s, "data.mtls_haproxy_config.portal", "sections"), portalPort)
					t.Run("no certificate is served without identity", func(t *testing.T) {
						result := testtools.RawRequest(t, setup.root, portalPort, "/open", nil, haproxyForgedHeaders...)
						if result.Err != nil || result.Status != 200 || result.Body != testtools.BackendBody {
							t.Fatalf("want 200 from the backend, got %v", result)
						}
						request, _ := setup.backend.Last()
						if got := request.Header.Values("X-SSL-Client-Verify"); len(got) != 1 || got[0] != "NONE" {
							t.Errorf("X-SSL-Client-Verify = %q, want exactly [NONE]", got)
						}
						if names := identityHeaderNames(request); len(names) != 1 {
							t.Errorf("the backend received identity headers %q, want x-ssl-client-verify alone", names)
						}
						testtools.CheckNoRewriteHeaders(t, request)
					})
					t.Run("dave reaches the backend with his identity", func(t *testing.T) {
						checkHAProxyIdentity(t, setup, portalPort, dave)
					})
					t.Run("certificate of another CA is refused", func(t *testing.T) {
						before := setup.backend.Count()
						testtools.HAProxy.CheckRefused(t, testtools.Fetch(t, setup.root, portalPort, "/", &eve))
						if setup.backend.Count() != before {
							t.Fatal("the backend was reached")
						}
					})
				})

				t.Run("tcp: require in front of an echo server", func(t *testing.T) {
					testtools.HAProxy.Start(t, stateAttr(s, "data.mtls_haproxy_config.tcp", "sections"), tcpPort)
					const message = "hello over mutual TLS\n"
					if reply, err := testtools.TLSEcho(t, setup.root, tcpPort, &dave.files, message); err != nil || reply != message {
						t.Errorf("dave: got %q, %v; want the message back", reply, err)
					}
					for name, c := range map[string]*testtools.ClientFiles{"no certificate": nil, "certificate of another CA": &eve} {
						reply, err := testtools.TLSEcho(t, setup.root, tcpPort, c, message)
						if err == nil || reply != "" {
							t.Errorf("%s: got %q, %v; want a refusal", name, reply, err)
						} else {
							t.Logf("%s refused: %v", name, err)
						}
					}
				})
				return nil
			},
		}},
	})
}

// checkHAProxyIdentity sends a request with client's certificate and forged
// identity and rewrite headers: the backend must see client's identity, once
// each, the fingerprint included, and none of the forgeries.
func checkHAProxyIdentity(t *testing.T, setup liveSetup, port int, client liveClient) {
	t.Helper()
	result := testtools.RawRequest(t, setup.root, port, "/hello", &client.files, haproxyForgedHeaders...)
	if result.Err != nil || result.Status != 200 || result.Body != testtools.BackendBody {
		t.Fatalf("want 200 from the backend, got %v", result)
	}
	request, _ := setup.backend.Last()
	testtools.CheckForwardedIdentity(t, request, client.cert)
	testtools.CheckNoForgedHeaders(t, request)
	sum := sha256.Sum256(client.cert.Raw)
	if got := request.Header.Values("X-SSL-Client-Fingerprint"); len(got) != 1 || got[0] != hex.EncodeToString(sum[:]) {
		t.Errorf("X-SSL-Client-Fingerprint = %q, want exactly [%x]", got, sum)
	}
	for _, name := range []string{"X-SSL-Client-I-DN", "X-SSL-Client-Serial", "X-SSL-Client-Cert"} {
		if got := request.Header.Values(name); len(got) != 1 {
			t.Errorf("%s = %q, want exactly one value", name, got)
		}
	}
	t.Logf("identity: S-DN %q, I-DN %q, serial %s", request.Header.Get("X-SSL-Client-S-DN"), request.Header.Get("X-SSL-Client-I-DN"), request.Header.Get("X-SSL-Client-Serial"))
}

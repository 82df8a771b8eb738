//go:build e2e

// Live revocation through real Terraform: the CRLs of the root and the
// issuing CA come from mtls_crl, the configuration from the data sources,
// and the real Apache and nginx check client certificates against them.
//
//	TF_ACC=1 go test -tags e2e -run TestAccApacheNginxLive_revocation ./internal/provider/

package provider

import (
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// liveCRLHCL adds bob, a second client of the issuing CA, and a CRL for each
// CA; revoked is the issuing CA's list.
func liveCRLHCL(revoked string) string {
	return `
resource "mtls_client_cert" "bob" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "bob" }
  email_addresses    = ["bob@example.com"]
}

resource "mtls_crl" "root" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
}

resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  revoked            = [` + revoked + `]
}
`
}

// The whole revocation life of a deployment, on both servers:
//
//  1. The CRLs were made 200 hours ago (the provider's clock is set back),
//     so both are past next_update: both servers refuse every client.
//  2. 100 hours later by the provider's clock, 68 hours before next_update
//     and inside the renewal window, the plan regenerates both CRLs in
//     place and nothing else; after a reload both clients are served.
//  3. Bob's serial is added to the issuing CA's CRL: after apply and reload
//     bob is refused and alice is still served.
func TestAccApacheNginxLive_revocation(t *testing.T) {
	testtools.RequireTool(t, "curl")
	testtools.RequireTool(t, "/usr/sbin/apache2", "apache2", "httpd")
	testtools.RequireTool(t, "/usr/sbin/nginx", "nginx")
	clock := newTestClock()
	clock.Advance(-200 * time.Hour)
	dir := t.TempDir()
	setup := liveSetup{
		dir:         dir,
		serverChain: filepath.Join(dir, "server-fullchain.pem"),
		serverKey:   filepath.Join(dir, "server.key"),
		clientCAs:   filepath.Join(dir, "client-ca.pem"),
		root:        filepath.Join(dir, "root.pem"),
		backend:     testtools.NewIdentityBackend(t),
	}
	apachePort, nginxPort := testtools.FreePort(t), testtools.FreePort(t)
	crlFile := filepath.Join(dir, "client-crls.pem")
	dataSource := func(typ string, port int) string {
		return dataBlock(typ, serverConfigDefaults, map[string]string{
			"listen":               strconv.Itoa(port),
			"certificate_file":     strconv.Quote(setup.serverChain),
			"certificate_key_file": strconv.Quote(setup.serverKey),
			"ca_certificate_file":  strconv.Quote(setup.clientCAs),
			"crl_file":             strconv.Quote(crlFile),
			"crls_pem":             `"${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"`,
			"proxy_pass":           strconv.Quote(setup.backend.URL),
		})
	}
	config := func(revoked string) string {
		return configTestPKI + liveClientsHCL + liveCRLHCL(revoked) +
			dataSource("mtls_apache_config", apachePort) + dataSource("mtls_nginx_config", nginxPort)
	}
	type live struct {
		server             testtools.Server
		port               int
		dataSource, config string // the data source and its attribute with the whole configuration
	}
	servers := []live{
		{testtools.Apache, apachePort, "data.mtls_apache_config.web", "virtual_host"},
		{testtools.Nginx, nginxPort, "data.mtls_nginx_config.web", "server_block"},
	}
	var alice, bob testtools.ClientFiles

	// writeFiles puts the PEMs from state where the configuration expects
	// them, the CRLs of both CAs in one file.
	writeFiles := func(s *terraform.State) error {
		clients, err := setup.write(t, s)
		if err != nil {
			return err
		}
		alice = clients.accepted[0].files // alice, under the issuing CA
		bob = testtools.ClientFiles{
			Cert: testtools.WriteFile(t, dir, "bob.pem", stateAttr(s, "mtls_client_cert.bob", "cert_pem")),
			Key:  testtools.WriteFile(t, dir, "bob.key", stateAttr(s, "mtls_client_cert.bob", "private_key_pem")),
		}
		testtools.WriteFile(t, dir, filepath.Base(crlFile), stateAttr(s, "mtls_crl.issuing", "crl_pem")+stateAttr(s, "mtls_crl.root", "crl_pem"))
		return nil
	}
	fetch := func(l live, client *testtools.ClientFiles) testtools.CurlResult {
		return testtools.Fetch(t, setup.root, l.port, "/", client)
	}
	served := func(r testtools.CurlResult) bool {
		return r.ExitCode == 0 && r.Status == 200 && r.Body == testtools.BackendBody
	}
	// eventually waits for a reload to take effect: the server serves with
	// its old configuration until it has.
	eventually := func(l live, client *testtools.ClientFiles, want func(testtools.CurlResult) bool) (testtools.CurlResult, error) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			result := fetch(l, client)
			if want(result) {
				return result, nil
			}
			if time.Now().After(deadline) {
				return result, fmt.Errorf("%s: not as expected 20s after the reload: %v", l.server.Name, result)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	checkNextUpdate := func(past bool) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			for _, name := range []string{"mtls_crl.root", "mtls_crl.issuing"} {
				next, err := time.Parse(time.RFC3339, stateAttr(s, name, "next_update"))
				if err != nil || next.Before(time.Now()) != past {
					return fmt.Errorf("%s next_update %s (%v): want it past = %v", name, stateAttr(s, name, "next_update"), err, past)
				}
			}
			return nil
		}
	}
	crlsOnly := func(number int64, names ...string) []plancheck.PlanCheck {
		checks := []plancheck.PlanCheck{}
		updated := map[string]bool{}
		for _, name := range names {
			updated[name] = true
			checks = append(checks,
				plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(name, tfjsonpath.New("crl_number"), knownvalue.Int64Exact(number)))
		}
		for _, other := range []string{"mtls_root_ca.root", "mtls_intermediate_ca.issuing", "mtls_server_cert.web", "mtls_client_cert.alice", "mtls_client_cert.bob", "mtls_crl.root", "mtls_crl.issuing"} {
			if !updated[other] {
				checks = append(checks, plancheck.ExpectResourceAction(other, plancheck.ResourceActionNoop))
			}
		}
		return checks
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check: resource.ComposeTestCheckFunc(checkNextUpdate(true), func(s *terraform.State) error {
					if err := writeFiles(s); err != nil {
						return err
					}
					for _, l := range servers {
						// The servers live until the test ends, across the steps.
						l.server.Start(t, stateAttr(s, l.dataSource, l.config), l.port)
						t.Run(l.server.Name+" refuses every client with an expired CRL", func(t *testing.T) {
							for _, client := range []*testtools.ClientFiles{&alice, &bob} {
								result := fetch(l, client)
								l.server.CheckRefused(t, result)
								t.Logf("%s with a CRL past next_update: %v", l.server.Name, result)
							}
						})
					}
					return nil
				}),
			},
			{
				PreConfig:        func() { clock.Advance(100 * time.Hour) },
				Config:           config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: crlsOnly(2, "mtls_crl.root", "mtls_crl.issuing")},
				Check: resource.ComposeTestCheckFunc(checkNextUpdate(false), func(s *terraform.State) error {
					if err := writeFiles(s); err != nil {
						return err
					}
					for _, l := range servers {
						l.server.Reload(t, l.port)
						for name, client := range map[string]*testtools.ClientFiles{"alice": &alice, "bob": &bob} {
							if result, err := eventually(l, client, served); err != nil {
								return fmt.Errorf("%s after the CRLs were renewed: %w", name, err)
							} else {
								t.Logf("%s serves %s with the renewed CRLs: HTTP %d", l.server.Name, name, result.Status)
							}
						}
					}
					return nil
				}),
			},
			{
				Config:           config(`{ serial_number = mtls_client_cert.bob.serial_number, reason = "key_compromise" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: crlsOnly(3, "mtls_crl.issuing")},
				Check: func(s *terraform.State) error {
					if err := writeFiles(s); err != nil {
						return err
					}
					for _, l := range servers {
						l.server.Reload(t, l.port)
						result, err := eventually(l, &bob, func(r testtools.CurlResult) bool { return !served(r) })
						if err != nil {
							return fmt.Errorf("revoked bob: %w", err)
						}
						t.Run(l.server.Name+" refuses revoked bob and serves alice", func(t *testing.T) {
							l.server.CheckRefused(t, result)
							if result := fetch(l, &alice); !served(result) {
								t.Fatalf("alice is refused: %v", result)
							}
						})
					}
					return nil
				},
			},
		},
	})
}

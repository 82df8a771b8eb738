package provider

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// crlPKI is a root, an issuing intermediate, three clients of it and the
// root's CRL; crlIssuing adds the intermediate's CRL with the given entries.
const crlPKI = `
resource "mtls_root_ca" "root" {
  subject = { common_name = "CRL Test Root" }
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "CRL Test Issuing CA" }
}

resource "mtls_client_cert" "alice" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  email_addresses    = ["alice@example.com"]
}

resource "mtls_client_cert" "bob" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  email_addresses    = ["bob@example.com"]
}

resource "mtls_client_cert" "carol" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  email_addresses    = ["carol@example.com"]
}

# The root revokes rarely: a longer validity.
resource "mtls_crl" "root" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  validity_period_hours = 720
}
`

func crlIssuing(extra string, revoked ...string) string {
	return crlPKI + `
resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  ` + extra + `
  revoked = [` + strings.Join(revoked, ",\n    ") + `]
}
`
}

// stateCRL parses the crl_pem of a mtls_crl in state and checks that the
// other outputs describe the same CRL.
func stateCRL(s *terraform.State, name string) (*x509.RevocationList, error) {
	crls, err := pki.ParseCRLsPEM(stateAttr(s, name, "crl_pem"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	crl := crls[0]
	der, err := base64.StdEncoding.DecodeString(stateAttr(s, name, "crl_der_base64"))
	if err != nil || !bytes.Equal(der, crl.Raw) {
		return nil, fmt.Errorf("%s: crl_der_base64 is not the DER of crl_pem (%v)", name, err)
	}
	for attr, want := range map[string]string{
		"crl_number":  crl.Number.String(),
		"this_update": crl.ThisUpdate.UTC().Format(time.RFC3339),
		"next_update": crl.NextUpdate.UTC().Format(time.RFC3339),
		"id":          hex.EncodeToString(crl.AuthorityKeyId),
	} {
		if got := stateAttr(s, name, attr); got != want {
			return nil, fmt.Errorf("%s: %s = %q, but the CRL says %q", name, attr, got, want)
		}
	}
	return crl, nil
}

// revokedEntry is what a CRL should say of one certificate in state.
type revokedEntry struct {
	cert   string // resource name of the revoked certificate, or its serial number in hex
	reason int
}

// checkCRL verifies the CRL against its CA (the first certificate of its
// ca_cert_pem) and checks that it lists exactly the serial numbers of want,
// with their reasons, each revoked at the revoked_at that state holds for it.
func checkCRL(name string, want ...revokedEntry) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		crl, err := stateCRL(s, name)
		if err != nil {
			return err
		}
		cas, err := stateCerts(s, name, "ca_cert_pem")
		if err != nil {
			return err
		}
		if err := crl.CheckSignatureFrom(cas[0]); err != nil {
			return fmt.Errorf("%s does not verify against %s: %w", name, cas[0].Subject, err)
		}
		if !bytes.Equal(crl.AuthorityKeyId, cas[0].SubjectKeyId) || !bytes.Equal(crl.RawIssuer, cas[0].RawSubject) {
			return fmt.Errorf("%s: issuer or AKI is not that of %s", name, cas[0].Subject)
		}
		revokedAt := map[string]string{}
		n, _ := strconv.Atoi(stateAttr(s, name, "revoked.#"))
		for i := 0; i < n; i++ {
			serial, err := pki.ParseSerialNumber(stateAttr(s, name, fmt.Sprintf("revoked.%d.serial_number", i)))
			if err != nil {
				return err
			}
			revokedAt[fmt.Sprintf("%x", serial)] = stateAttr(s, name, fmt.Sprintf("revoked.%d.revoked_at", i))
		}
		var got, expected []string
		for _, e := range crl.RevokedCertificateEntries {
			got = append(got, fmt.Sprintf("%x reason %d at %s", e.SerialNumber, e.ReasonCode, e.RevocationTime.UTC().Format(time.RFC3339)))
		}
		for _, w := range want {
			serial := w.cert
			if strings.Contains(w.cert, ".") {
				serial = stateAttr(s, w.cert, "serial_number")
			}
			at, err := time.Parse(time.RFC3339, revokedAt[serial])
			if err != nil {
				return fmt.Errorf("%s: no revoked_at in state for %s (%s): %v", name, w.cert, serial, err)
			}
			expected = append(expected, fmt.Sprintf("%s reason %d at %s", serial, w.reason, at.UTC().Format(time.RFC3339)))
		}
		sort.Strings(got)
		sort.Strings(expected)
		if strings.Join(got, "; ") != strings.Join(expected, "; ") {
			return fmt.Errorf("%s lists\n  %v\nwant\n  %v", name, got, expected)
		}
		return nil
	}
}

// checkOpenSSLRevocation runs `openssl verify -crl_check_all` on each client
// with the root as trust anchor, the intermediate as untrusted and the CRLs
// of both: the revoked clients must fail as revoked, the others pass.
func checkOpenSSLRevocation(t *testing.T, clock *testClock, revoked []string, clients ...string) resource.TestCheckFunc {
	openssl := testtools.RequireTool(t, "openssl")
	return func(s *terraform.State) error {
		dir := t.TempDir()
		root := testtools.WriteFile(t, dir, "root.pem", stateAttr(s, "mtls_root_ca.root", "cert_pem"))
		chain := testtools.WriteFile(t, dir, "chain.pem", stateAttr(s, "mtls_intermediate_ca.issuing", "cert_pem"))
		crls := testtools.WriteFile(t, dir, "crls.pem", stateAttr(s, "mtls_crl.issuing", "crl_pem")+stateAttr(s, "mtls_crl.root", "crl_pem"))
		for _, c := range clients {
			leaf := testtools.WriteFile(t, dir, "leaf.pem", stateAttr(s, c, "cert_pem"))
			out, err := exec.Command(openssl, "verify", "-x509_strict", "-crl_check_all", "-attime", strconv.FormatInt(clock.Now().Unix(), 10),
				"-CAfile", root, "-untrusted", chain, "-CRLfile", crls, leaf).CombinedOutput()
			isRevoked := false
			for _, r := range revoked {
				isRevoked = isRevoked || r == c
			}
			switch {
			case isRevoked && (err == nil || !strings.Contains(string(out), "certificate revoked")):
				return fmt.Errorf("openssl verify: %s should be revoked: %v\n%s", c, err, out)
			case !isRevoked && err != nil:
				return fmt.Errorf("openssl verify: %s should pass: %v\n%s", c, err, out)
			}
		}
		return nil
	}
}

// captureAttr stores an attribute of state for later steps.
func captureAttr(name, attr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*into = stateAttr(s, name, attr)
		if *into == "" {
			return fmt.Errorf("%s.%s is empty", name, attr)
		}
		return nil
	}
}

// revokedAtOf returns the revoked_at of the entry for a certificate's serial.
func revokedAtOf(s *terraform.State, crlName, certName string) string {
	serial := stateAttr(s, certName, "serial_number")
	n, _ := strconv.Atoi(stateAttr(s, crlName, "revoked.#"))
	for i := 0; i < n; i++ {
		if got, err := pki.ParseSerialNumber(stateAttr(s, crlName, fmt.Sprintf("revoked.%d.serial_number", i))); err == nil && fmt.Sprintf("%x", got) == serial {
			return stateAttr(s, crlName, fmt.Sprintf("revoked.%d.revoked_at", i))
		}
	}
	return ""
}

func checkRevokedAt(crlName, certName string, want *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if got := revokedAtOf(s, crlName, certName); got != *want {
			return fmt.Errorf("revoked_at of %s moved from %q to %q", certName, *want, got)
		}
		return nil
	}
}

// onlyIssuingCRLUpdates expects the issuing CA's CRL to be updated in place
// and every other resource of crlPKI to stay.
func onlyIssuingCRLUpdates() []plancheck.PlanCheck {
	checks := []plancheck.PlanCheck{plancheck.ExpectResourceAction("mtls_crl.issuing", plancheck.ResourceActionUpdate)}
	for _, other := range []string{"mtls_root_ca.root", "mtls_intermediate_ca.issuing", "mtls_client_cert.alice", "mtls_client_cert.bob", "mtls_client_cert.carol", "mtls_crl.root"} {
		checks = append(checks, plancheck.ExpectResourceAction(other, plancheck.ResourceActionNoop))
	}
	return checks
}

// Adding and removing entries regenerates the CRL in place with the next
// number, keeps the other entries' revoked_at, and leaves everything else
// alone; a new spelling of the same CRL updates state without regenerating.
func TestAccCRL_addAndRemoveEntries(t *testing.T) {
	clock := newTestClock()
	start := clock.Now().UTC()
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339) }
	bob := `{ serial_number = mtls_client_cert.bob.serial_number, reason = "key_compromise" }`
	carol := `{ serial_number = mtls_client_cert.carol.serial_number }`
	var bobRevokedAt, carolRevokedAt, firstThisUpdate, rootCRL string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{
				Config: crlIssuing("", bob),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("mtls_crl.root", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("early_renewal_hours"), knownvalue.Int64Exact(84)),
					statecheck.ExpectKnownValue("mtls_crl.root", tfjsonpath.New("early_renewal_hours"), knownvalue.Int64Exact(360)),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("this_update"), knownvalue.StringExact(at(-5*time.Minute))),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("next_update"), knownvalue.StringExact(at(168*time.Hour))),
					statecheck.ExpectKnownValue("mtls_crl.root", tfjsonpath.New("next_update"), knownvalue.StringExact(at(720*time.Hour))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCRL("mtls_crl.issuing", revokedEntry{"mtls_client_cert.bob", 1}),
					checkCRL("mtls_crl.root"),
					captureAttr("mtls_crl.issuing", "revoked.0.revoked_at", &bobRevokedAt),
					captureAttr("mtls_crl.issuing", "this_update", &firstThisUpdate),
					captureAttr("mtls_crl.root", "crl_pem", &rootCRL),
					resource.TestCheckResourceAttrPtr("mtls_crl.issuing", "revoked.0.revoked_at", &firstThisUpdate),
					checkOpenSSLRevocation(t, clock, []string{"mtls_client_cert.bob"}, "mtls_client_cert.alice", "mtls_client_cert.bob", "mtls_client_cert.carol"),
				),
			},
			{
				// An hour on, carol is added before bob: only the CRL changes.
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    crlIssuing("", carol, bob),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(onlyIssuingCRLUpdates(),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(2)),
					plancheck.ExpectUnknownValue("mtls_crl.issuing", tfjsonpath.New("crl_pem")),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("revoked").AtSliceIndex(1).AtMapKey("revoked_at"), knownvalue.NotNull()),
					plancheck.ExpectUnknownValue("mtls_crl.issuing", tfjsonpath.New("revoked").AtSliceIndex(0).AtMapKey("revoked_at")),
				)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("mtls_crl.root", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("this_update"), knownvalue.StringExact(at(55*time.Minute))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCRL("mtls_crl.issuing", revokedEntry{"mtls_client_cert.bob", 1}, revokedEntry{"mtls_client_cert.carol", 0}),
					checkRevokedAt("mtls_crl.issuing", "mtls_client_cert.bob", &bobRevokedAt),
					captureAttr("mtls_crl.issuing", "revoked.0.revoked_at", &carolRevokedAt),
					resource.TestCheckResourceAttrPair("mtls_crl.issuing", "revoked.0.revoked_at", "mtls_crl.issuing", "this_update"),
					checkOpenSSLRevocation(t, clock, []string{"mtls_client_cert.bob", "mtls_client_cert.carol"}, "mtls_client_cert.alice", "mtls_client_cert.bob", "mtls_client_cert.carol"),
				),
			},
			{
				// The same configuration again plans nothing.
				Config: crlIssuing("", carol, bob),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Bob is removed (his certificate was renewed, say).
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    crlIssuing("", carol),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(onlyIssuingCRLUpdates(),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(3)),
				)},
				Check: resource.ComposeTestCheckFunc(
					checkCRL("mtls_crl.issuing", revokedEntry{"mtls_client_cert.carol", 0}),
					checkRevokedAt("mtls_crl.issuing", "mtls_client_cert.carol", &carolRevokedAt),
					checkOpenSSLRevocation(t, clock, []string{"mtls_client_cert.carol"}, "mtls_client_cert.alice", "mtls_client_cert.bob", "mtls_client_cert.carol"),
				),
			},
			{
				// The same CRL written otherwise (serial in upper case, the
				// unspecified reason spelled out, a renewal window) updates
				// state but does not regenerate: the number stays.
				Config: crlIssuing("early_renewal_hours = 24", `{ serial_number = upper(mtls_client_cert.carol.serial_number), reason = "unspecified" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(onlyIssuingCRLUpdates(),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(3)),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_pem"), knownvalue.NotNull()),
				)},
				Check: resource.ComposeTestCheckFunc(
					checkCRL("mtls_crl.issuing", revokedEntry{"mtls_client_cert.carol", 0}),
					checkRevokedAt("mtls_crl.issuing", "mtls_client_cert.carol", &carolRevokedAt),
				),
			},
			{
				// An explicit revoked_at and another validity regenerate.
				Config: crlIssuing("validity_period_hours = 48", `{ serial_number = mtls_client_cert.carol.serial_number, revoked_at = "2020-02-29T12:00:00Z", reason = "superseded" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(onlyIssuingCRLUpdates(),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(4)),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("early_renewal_hours"), knownvalue.Int64Exact(24)),
				)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("revoked").AtSliceIndex(0).AtMapKey("revoked_at"), knownvalue.StringExact("2020-02-29T12:00:00Z")),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("next_update"), knownvalue.StringExact(at(50*time.Hour))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCRL("mtls_crl.issuing", revokedEntry{"mtls_client_cert.carol", 4}),
					// The root's CRL was never regenerated.
					resource.TestCheckResourceAttrPtr("mtls_crl.root", "crl_pem", &rootCRL),
				),
			},
		},
	})
}

// With the clock moved into the renewal window, the plan regenerates the
// CRL in place before next_update; outside it, nothing happens. The check
// block of the documentation passes while the CRL is fresh and is unknown
// while the plan regenerates it.
func TestAccCRL_renewal(t *testing.T) {
	clock := newTestClock()
	start := clock.Now().UTC()
	check, err := os.ReadFile("../../examples/resources/mtls_crl/check.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}

resource "mtls_crl" "issuing" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  validity_period_hours = 48
  early_renewal_hours   = 24
  revoked               = [{ serial_number = "0a" }]
}
` + string(check)
	var firstRevokedAt string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureAttr("mtls_crl.issuing", "revoked.0.revoked_at", &firstRevokedAt),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectCheckStatus("check.issuing_crl_fresh", tfjson.CheckStatusPass),
				}},
			},
			{
				// 23 hours on: 25 remain, outside the 24-hour window.
				PreConfig: func() { clock.Advance(23 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_crl.issuing", plancheck.ResourceActionNoop),
					expectCheckStatus("check.issuing_crl_fresh", tfjson.CheckStatusPass),
				}},
			},
			{
				// Two hours more: inside the window, before next_update.
				PreConfig: func() { clock.Advance(2 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_crl.issuing", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("mtls_root_ca.root", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(2)),
					expectCheckStatus("check.issuing_crl_fresh", tfjson.CheckStatusUnknown),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("next_update"), knownvalue.StringExact(start.Add(25*time.Hour+48*time.Hour).Format(time.RFC3339))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCRL("mtls_crl.issuing", revokedEntry{"a", 0}),
					resource.TestCheckResourceAttrPtr("mtls_crl.issuing", "revoked.0.revoked_at", &firstRevokedAt),
				),
			},
			{
				// Refresh alone shows the flag once the window is reached.
				PreConfig:          func() { clock.Advance(30 * time.Hour) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr("mtls_crl.issuing", "ready_for_renewal", "true"),
			},
			{
				// Past next_update, the plan still regenerates it.
				PreConfig: func() { clock.Advance(48 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_crl.issuing", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("mtls_crl.issuing", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(3)),
				}},
				Check: resource.TestCheckResourceAttrPtr("mtls_crl.issuing", "revoked.0.revoked_at", &firstRevokedAt),
			},
		},
	})
}

// expectCheckStatus expects a check block's result in the plan.
func expectCheckStatus(address string, want tfjson.CheckStatus) plancheck.PlanCheck {
	return checkStatus{address, want}
}

type checkStatus struct {
	address string
	want    tfjson.CheckStatus
}

func (c checkStatus) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, check := range req.Plan.Checks {
		if check.Address.ToDisplay == c.address {
			if check.Status != c.want {
				resp.Error = fmt.Errorf("%s is %s, want %s", c.address, check.Status, c.want)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.address)
}

// The CA key in another form updates the CRL in place without a new number;
// another CA's key is refused at plan.
func TestAccCRL_caKeyFormChangesInPlace(t *testing.T) {
	config := func(pass, key string) string {
		return `
resource "mtls_root_ca" "root" {
  subject                = { common_name = "Root" }
  private_key_passphrase = "` + pass + `"
}

resource "mtls_root_ca" "other" {
  subject = { common_name = "Other" }
}

resource "mtls_crl" "root" {
  ca_cert_pem               = mtls_root_ca.root.cert_pem
  ca_private_key_pem        = ` + key + `
  ca_private_key_passphrase = "` + pass + `"
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("first-pass", "mtls_root_ca.root.private_key_pem_encrypted")},
			{
				Config: config("second-pass", "mtls_root_ca.root.private_key_pem_encrypted"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_crl.root", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("mtls_crl.root", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(1)),
				}},
			},
			{
				Config:      config("second-pass", "mtls_root_ca.other.private_key_pem"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`CA private key does not match the CA certificate`),
			},
		},
	})
}

// Every bad input fails at plan, on the attribute at fault.
func TestAccCRL_planErrors(t *testing.T) {
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := pki.EncodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	// A CA that may sign certificates but not CRLs, which the CA resources
	// never make.
	noCRLSign, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "No CRL Sign"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, key, key)
	if err != nil {
		t.Fatal(err)
	}
	// The CAs are applied first, so that the plan knows them.
	prior := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}

resource "mtls_root_ca" "other" {
  subject = { common_name = "Other" }
}

resource "mtls_client_cert" "leaf" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  dns_names          = ["leaf.example.com"]
}
`
	crlWith := func(cert, key, body string) string {
		return prior + `
resource "mtls_crl" "bad" {
  ca_cert_pem        = ` + cert + `
  ca_private_key_pem = ` + key + `
  ` + body + `
}`
	}
	crl := func(body string) string {
		return crlWith("mtls_root_ca.root.cert_pem", "mtls_root_ca.root.private_key_pem", body)
	}
	entry := func(fields string) string { return crl(`revoked = [{ serial_number = "0a" }, { ` + fields + ` }]`) }
	future := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	testPlanErrors(t, prior, map[string]planErrorCase{
		"serial not hex":          {entry(`serial_number = "12g4"`), `(?s)Invalid serial number.*"12g4" is not a hex serial number`},
		"serial with 0x":          {entry(`serial_number = "0x1f"`), `(?s)Invalid serial number.*0x prefix`},
		"fingerprint as serial":   {entry(`serial_number = mtls_root_ca.root.fingerprint_sha256`), `(?s)Invalid serial number.*SHA-256 fingerprint`},
		"duplicate serial":        {entry(`serial_number = "00:0A"`), `(?s)Duplicate serial number.*revoked\[1\].*serial a,.*revoked\[0\]`},
		"revoked_at in future":    {entry(`serial_number = "0b", revoked_at = "` + future + `"`), `(?s)Revocation time in the future.*later than now`},
		"revoked_at not RFC 3339": {entry(`serial_number = "0b", revoked_at = "2024-05-01 12:00"`), `(?s)Invalid revocation time.*RFC 3339`},
		"delta-only reason":       {entry(`serial_number = "0b", reason = "remove_from_crl"`), `(?s)Invalid revocation reason.*delta CRLs`},
		"unknown reason":          {entry(`serial_number = "0b", reason = "lost"`), `(?s)Invalid revocation reason.*use one of unspecified, key_compromise`},
		"renewal window":          {crl("validity_period_hours = 24\n  early_renewal_hours = 24"), `(?s)Renewal window covers the whole validity.*CRL would be due`},
		"leaf as CA":              {crlWith("mtls_client_cert.leaf.cert_pem", "mtls_client_cert.leaf.private_key_pem", ""), `(?s)Certificate cannot sign CRLs.*not a CA certificate`},
		"key of another CA":       {crlWith("mtls_root_ca.root.cert_pem", "mtls_root_ca.other.private_key_pem", ""), `CA private key does not match the CA certificate`},
		"CA without cRLSign": {crlWith("<<-EOT\n"+pki.EncodeCertificatesPEM(noCRLSign)+"EOT", "<<-EOT\n"+keyPEM.PKCS8PEM+"EOT", ""),
			`(?s)Certificate cannot sign CRLs.*without cRLSign`},
	})
	// Schema validation fails before anything is applied.
	testPlanErrors(t, "", map[string]planErrorCase{
		"empty serial": {`
resource "mtls_crl" "bad" {
  ca_cert_pem        = "x"
  ca_private_key_pem = "y"
  revoked            = [{ serial_number = "" }]
}`, `(?s)revoked\[0\].serial_number string length must be at least 1`},
		"null entry": {`
resource "mtls_crl" "bad" {
  ca_cert_pem        = "x"
  ca_private_key_pem = "y"
  revoked            = [null]
}`, `(?s)Null List Value.*revoked.*contains a null value`},
	})
}

// Entry errors point at the entry's attribute, and revoked_at left unset is
// carried over by serial number, however the serial is written.
func TestPlanRevoked(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	entry := func(serial, reason, at types.String) revokedModel {
		return revokedModel{SerialNumber: serial, Reason: reason, RevokedAt: at}
	}
	str, null, unknown := types.StringValue, types.StringNull(), types.StringUnknown()
	list := func(entries ...revokedModel) types.List {
		var diags diag.Diagnostics
		l := revokedList(ctx, entries, &diags)
		if diags.HasError() {
			t.Fatal(diags)
		}
		return l
	}
	stored := []revokedModel{entry(str("0a"), null, str("2026-04-01T00:00:00Z")), entry(str("0b"), null, str("2026-04-02T00:00:00Z"))}

	t.Run("carry over", func(t *testing.T) {
		config := crlModel{Revoked: list(entry(str("0B"), null, null), entry(str("0c"), null, null), entry(str("00:0a"), null, str("2026-03-01T00:00:00Z")), entry(unknown, null, null))}
		plan := crlModel{Revoked: list(entry(str("0B"), null, unknown), entry(str("0c"), null, unknown), entry(str("00:0a"), null, str("2026-03-01T00:00:00Z")), entry(unknown, null, unknown))}
		var diags diag.Diagnostics
		entries, allKnown := planRevoked(ctx, &plan, config, stored, now, &diags)
		if diags.HasError() || allKnown {
			t.Fatalf("%v, all known %v", diags, allKnown)
		}
		want := []types.String{str("2026-04-02T00:00:00Z"), unknown, str("2026-03-01T00:00:00Z"), unknown}
		for i, w := range want {
			if !entries[i].RevokedAt.Equal(w) {
				t.Errorf("entry %d revoked_at %v, want %v", i, entries[i].RevokedAt, w)
			}
		}
		if got := revokedEntries(ctx, plan.Revoked, &diags); !got[0].RevokedAt.Equal(want[0]) {
			t.Errorf("the plan was not updated: %v", got)
		}
	})
	t.Run("errors on the entry's attribute", func(t *testing.T) {
		entries := list(entry(str("0a"), null, null), entry(str("zz"), str("lost"), null), entry(str("0A"), null, str("2099-01-01T00:00:00Z")), entry(unknown, str("lost"), null))
		plan := crlModel{Revoked: entries}
		var diags diag.Diagnostics
		planRevoked(ctx, &plan, crlModel{Revoked: entries}, nil, now, &diags)
		want := map[string]string{
			"revoked[1].serial_number": "Invalid serial number",
			"revoked[1].reason":        "Invalid revocation reason",
			"revoked[2].revoked_at":    "Revocation time in the future",
			"revoked[2].serial_number": "Duplicate serial number",
			"revoked[3].reason":        "Invalid revocation reason",
		}
		got := map[string]string{}
		for _, d := range diags {
			if withPath, ok := d.(diag.DiagnosticWithPath); ok {
				got[withPath.Path().String()] = d.Summary()
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(diags) != len(want) {
			t.Errorf("diagnostics %v, want %v", got, want)
		}
	})
}

// The seeds' CA, made with `openssl req -x509` and so without keyUsage,
// signs CRLs; a client it signed with openssl is revoked by the serial that
// `openssl x509 -serial` prints (upper case, leading zeros kept), and
// `openssl verify -crl_check` then refuses it and accepts the others.
func TestAccCRL_opensslSeedCA(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(openssl, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	caKey, caCert := dir+"/rootCA.key", dir+"/rootCA.crt"
	run("genrsa", "-out", caKey, "2048")
	run("req", "-x509", "-new", "-nodes", "-key", caKey, "-sha256", "-days", "1024", "-out", caCert, "-subj", "/C=GB/O=Severalnines/CN=internal-rootCA")
	if text := run("x509", "-in", caCert, "-noout", "-text"); strings.Contains(text, "Key Usage") {
		t.Fatalf("the seed CA has a keyUsage extension:\n%s", text)
	}
	// A client made the seeds' way, with a serial whose first byte is below 0x10.
	clientKey, clientCSR, clientCert := dir+"/client.key", dir+"/client.csr", dir+"/client.crt"
	run("genrsa", "-out", clientKey, "2048")
	run("req", "-new", "-key", clientKey, "-out", clientCSR, "-subj", "/CN=lost-laptop")
	run("x509", "-req", "-in", clientCSR, "-CA", caCert, "-CAkey", caKey, "-set_serial", "0x0badc0ffee", "-days", "30", "-sha256", "-out", clientCert)
	serial := strings.TrimSpace(strings.TrimPrefix(run("x509", "-in", clientCert, "-noout", "-serial"), "serial="))
	if serial != "0BADC0FFEE" {
		t.Fatalf("openssl printed serial %q", serial)
	}
	config := `
resource "mtls_client_cert" "kept" {
  ca_cert_pem        = file("` + caCert + `")
  ca_private_key_pem = file("` + caKey + `")
  email_addresses    = ["kept@example.com"]
}

# As in examples/clustercontrol-apache.
variable "revoked_client_serials" {
  type    = list(string)
  default = ["` + serial + `"]
}

resource "mtls_crl" "seed" {
  ca_cert_pem        = file("` + caCert + `")
  ca_private_key_pem = file("` + caKey + `")
  revoked = [for serial in var.revoked_client_serials : {
    serial_number = serial
    reason        = "key_compromise"
  }]
}`
	verify := func(s *terraform.State, leaf string) (string, error) {
		crl := testtools.WriteFile(t, dir, "seed.crl", stateAttr(s, "mtls_crl.seed", "crl_pem"))
		out, err := exec.Command(openssl, "verify", "-crl_check", "-CAfile", caCert, "-CRLfile", crl, leaf).CombinedOutput()
		return string(out), err
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("mtls_crl.seed", tfjsonpath.New("revoked").AtSliceIndex(0).AtMapKey("serial_number"), knownvalue.StringExact("0BADC0FFEE")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkCRL("mtls_crl.seed", revokedEntry{"badc0ffee", 1}),
				func(s *terraform.State) error {
					if out, err := verify(s, clientCert); err == nil || !strings.Contains(out, "certificate revoked") {
						return fmt.Errorf("the revoked seed client passed: %v\n%s", err, out)
					}
					if out, err := verify(s, testtools.WriteFile(t, dir, "kept.pem", stateAttr(s, "mtls_client_cert.kept", "cert_pem"))); err != nil {
						return fmt.Errorf("the kept client was refused: %v\n%s", err, out)
					}
					return nil
				},
			),
		}},
	})
}

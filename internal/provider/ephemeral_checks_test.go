package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// What the tests of the ephemeral resources share: the echo provider, which
// copies an ephemeral value into the state of its echo resource where checks
// can read it, the engines that know ephemeral resources, and a search of
// state and plan for the secrets that must never reach them.

// ephemeralFactories are the provider under test and the echo provider.
func ephemeralFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"mtls": providerserver.NewProtocol6WithError(New("test")()),
		"echo": echoprovider.NewProviderServer(),
	}
}

// ephemeralEngines skip a test on a CLI without ephemeral resources:
// Terraform before 1.10, OpenTofu before 1.11 (it reports its own version).
// To Terraform 1.5 an ephemeral block is a syntax error of its own.
var ephemeralEngines = []tfversion.TerraformVersionCheck{
	tfversion.SkipBelow(tfversion.Version1_10_0),
	skipOpenTofuBelow1_11{},
}

type skipOpenTofuBelow1_11 struct{}

func (skipOpenTofuBelow1_11) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion == nil || !req.TerraformVersion.LessThan(tfversion.Version1_11_0) {
		return
	}
	out, err := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output()
	if err == nil && bytes.Contains(out, []byte("OpenTofu")) {
		resp.Skip = fmt.Sprintf("OpenTofu %s has no ephemeral resources (they came in 1.11)", req.TerraformVersion)
	}
}

// echoed is a state check on the value the echo resource holds, an object
// decoded from JSON, and on the rest of the state.
type echoed struct {
	address string
	check   func(data map[string]any, state *tfjson.State) error
}

func (e echoed) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	values := stateResourceValues(req.State, e.address)
	data, ok := values["data"].(map[string]any)
	if !ok {
		resp.Error = fmt.Errorf("%s holds no echoed object: %v", e.address, values)
		return
	}
	resp.Error = e.check(data, req.State)
}

func stateResourceValues(state *tfjson.State, address string) map[string]any {
	if state == nil || state.Values == nil {
		return nil
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues
		}
	}
	return nil
}

// certWant is what an ephemeral certificate must be.
type certWant struct {
	root      string // address of the mtls_root_ca it must verify against
	issuer    string // address of the issuing CA, when not the root
	subject   string
	dnsNames  []string
	uris      []string
	usages    []x509.ExtKeyUsage
	validity  time.Duration // not_after - not_before, backdate included
	generated bool          // a key was generated (else CSR mode)
	// at, when set, is the provider's clock: the certificate must be made
	// then, and is verified then.
	at time.Time
	// openssl, when set, is the -purpose of `openssl verify -x509_strict`,
	// run on the certificate with t.
	openssl string
	t       *testing.T
}

// checkEphemeralCert parses the echoed certificate and checks it: subject,
// SANs, extended key usages, lifetime, issuer, a chain that verifies against
// the root in state for its usage, the echoed outputs derived from it, and
// the key: one that belongs to the certificate, or none in CSR mode.
func checkEphemeralCert(w certWant) func(map[string]any, *tfjson.State) error {
	return func(data map[string]any, state *tfjson.State) error {
		certs, err := pki.ParseCertificatesPEM(fmt.Sprint(data["cert_pem"]))
		if err != nil {
			return fmt.Errorf("cert_pem: %w", err)
		}
		cert := certs[0]
		roots, err := pki.ParseCertificatesPEM(fmt.Sprint(stateResourceValues(state, w.root)["cert_pem"]))
		if err != nil {
			return fmt.Errorf("%s: %w", w.root, err)
		}
		issuer := roots[0]
		if w.issuer != "" {
			cas, err := pki.ParseCertificatesPEM(fmt.Sprint(stateResourceValues(state, w.issuer)["cert_pem"]))
			if err != nil {
				return fmt.Errorf("%s: %w", w.issuer, err)
			}
			issuer = cas[0]
		}
		switch {
		case cert.Subject.String() != w.subject:
			return fmt.Errorf("subject %q, want %q", cert.Subject, w.subject)
		case data["subject_dn"] != w.subject:
			return fmt.Errorf("subject_dn %q, want %q", data["subject_dn"], w.subject)
		case !slices.Equal(cert.DNSNames, w.dnsNames):
			return fmt.Errorf("DNS names %v, want %v", cert.DNSNames, w.dnsNames)
		case !slices.Equal(uriStrings(cert), w.uris):
			return fmt.Errorf("URIs %v, want %v", uriStrings(cert), w.uris)
		case !slices.Equal(cert.ExtKeyUsage, w.usages):
			return fmt.Errorf("extended key usages %v, want %v", cert.ExtKeyUsage, w.usages)
		case cert.NotAfter.Sub(cert.NotBefore) != w.validity:
			return fmt.Errorf("valid for %s, want %s", cert.NotAfter.Sub(cert.NotBefore), w.validity)
		case !bytes.Equal(cert.RawIssuer, issuer.RawSubject) || cert.CheckSignatureFrom(issuer) != nil:
			return fmt.Errorf("issuer %q, want %q, with its signature", cert.Issuer, issuer.Subject)
		case data["fingerprint_sha256"] != pki.FingerprintSHA256(cert):
			return fmt.Errorf("fingerprint_sha256 %v is not the certificate's", data["fingerprint_sha256"])
		case data["serial_number"] != pki.SerialHex(cert):
			return fmt.Errorf("serial_number %v is not the certificate's", data["serial_number"])
		}
		chain, err := pki.ParseCertificatesPEM(fmt.Sprint(data["fullchain_pem"]))
		if err != nil || !chain[0].Equal(cert) {
			return fmt.Errorf("fullchain_pem does not start with the certificate: %v", err)
		}
		pool, inter := x509.NewCertPool(), x509.NewCertPool()
		pool.AddCert(roots[0])
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		if !w.at.IsZero() && !cert.NotBefore.Equal(w.at.Add(-defaultBackdateMinutes*time.Minute).Truncate(time.Second)) {
			return fmt.Errorf("not before %s, want the provider's clock %s less the backdate", cert.NotBefore, w.at)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: w.usages, CurrentTime: w.at}); err != nil {
			return fmt.Errorf("does not verify against %s: %w", w.root, err)
		}
		if w.openssl != "" {
			openssl := testtools.RequireTool(w.t, "openssl")
			dir := w.t.TempDir()
			args := []string{"verify", "-x509_strict", "-purpose", w.openssl}
			if !w.at.IsZero() {
				args = append(args, "-attime", fmt.Sprint(w.at.Unix()))
			}
			out, err := exec.Command(openssl, append(args,
				"-CAfile", testtools.WriteFile(w.t, dir, "root.pem", pki.EncodeCertificatesPEM(roots[0])),
				"-untrusted", testtools.WriteFile(w.t, dir, "fullchain.pem", fmt.Sprint(data["fullchain_pem"])),
				testtools.WriteFile(w.t, dir, "leaf.pem", fmt.Sprint(data["cert_pem"])))...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("openssl verify: %v\n%s", err, out)
			}
		}
		keyPEM := fmt.Sprint(data["private_key_pem"])
		if !w.generated {
			if keyPEM != "" {
				return fmt.Errorf("CSR mode, yet private_key_pem is set")
			}
			return nil
		}
		key, err := pki.ParsePrivateKeyPEM(keyPEM, "")
		if err != nil {
			return fmt.Errorf("private_key_pem: %w", err)
		}
		if !pki.PublicKeysEqual(key.Public(), cert.PublicKey) {
			return fmt.Errorf("private_key_pem is not the certificate's key")
		}
		return nil
	}
}

func uriStrings(c *x509.Certificate) []string {
	var out []string
	for _, u := range c.URIs {
		out = append(out, u.String())
	}
	return out
}

// secretsIn searches a JSON document (state or plan as `terraform show
// -json` prints them) for secrets: a private key other than a CA's (the
// only keys these tests store, in mtls_root_ca), a PKCS#12 archive that
// opens with password, and a string whose SHA-256 (of the text, or of its
// base64-decoded bytes) is one of hashes. It describes each one found.
func secretsIn(doc any, password string, hashes ...string) ([]string, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	var texts []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(tree)

	var caKeys []any
	for _, text := range texts {
		if certs, err := pki.ParseCertificatesPEM(text); err == nil {
			for _, c := range certs {
				if c.IsCA {
					caKeys = append(caKeys, c.PublicKey)
				}
			}
		}
	}
	var found []string
	for _, text := range texts {
		sum := sha256.Sum256([]byte(text))
		der, b64err := base64.StdEncoding.DecodeString(text)
		derSum := sha256.Sum256(der)
		switch {
		case slices.Contains(hashes, hex.EncodeToString(sum[:])):
			found = append(found, "a string with the SHA-256 of an ephemeral secret")
		case b64err == nil && len(der) > 0 && slices.Contains(hashes, hex.EncodeToString(derSum[:])):
			found = append(found, "base64 of an ephemeral secret")
		case b64err == nil && len(der) > 0:
			if _, _, _, err := gopkcs12.DecodeChain(der, password); err == nil {
				found = append(found, "a PKCS#12 archive")
			}
		}
		for rest := []byte(text); ; {
			var block *pem.Block
			if block, rest = pem.Decode(rest); block == nil {
				break
			}
			if !strings.Contains(block.Type, "PRIVATE KEY") {
				continue
			}
			key, err := pki.ParsePrivateKeyPEM(string(pem.EncodeToMemory(block)), "")
			if err != nil {
				found = append(found, "an unreadable "+block.Type)
				continue
			}
			if !slices.ContainsFunc(caKeys, func(k any) bool { return pki.PublicKeysEqual(k, key.Public()) }) {
				found = append(found, "a "+block.Type+" that is no CA's")
			}
		}
	}
	return found, nil
}

// noSecretsInState fails when the state holds a secret (see secretsIn);
// hashesFrom names the echoed attributes that hold the SHA-256 of this run's
// ephemeral secrets.
type noSecretsInState struct {
	echo       string
	password   string
	hashesFrom []string
}

func (c noSecretsInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	data, _ := stateResourceValues(req.State, c.echo)["data"].(map[string]any)
	var hashes []string
	for _, name := range c.hashesFrom {
		h, ok := data[name].(string)
		if !ok || len(h) != 64 {
			resp.Error = fmt.Errorf("%s.data.%s is not a SHA-256: %v", c.echo, name, data[name])
			return
		}
		hashes = append(hashes, h)
	}
	found, err := secretsIn(req.State, c.password, hashes...)
	if err == nil && len(found) > 0 {
		err = fmt.Errorf("the state holds %s", strings.Join(found, ", "))
	}
	resp.Error = err
}

// secretsFoundInState is the control: the search finds the secrets when
// the echo resource is given them.
type secretsFoundInState struct {
	password string
	want     []string
}

func (c secretsFoundInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	found, err := secretsIn(req.State, c.password)
	if err != nil {
		resp.Error = err
		return
	}
	for _, w := range c.want {
		if !slices.Contains(found, w) {
			resp.Error = fmt.Errorf("the search for secrets missed %s in a state that holds it (found %v)", w, found)
		}
	}
}

// noSecretsInPlan fails when the saved plan holds a secret.
type noSecretsInPlan struct{ password string }

func (c noSecretsInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	found, err := secretsIn(req.Plan, c.password)
	if err == nil && len(found) > 0 {
		err = fmt.Errorf("the plan holds %s", strings.Join(found, ", "))
	}
	resp.Error = err
}

// ephemeralPlanErrorCase is a configuration that must fail at plan with an
// error matching err, after prior (if any) was applied.
type ephemeralPlanErrorCase struct{ prior, config, err string }

func testEphemeralPlanErrors(t *testing.T, cases map[string]ephemeralPlanErrorCase) {
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var steps []resource.TestStep
			if tc.prior != "" {
				steps = append(steps, resource.TestStep{Config: tc.prior})
			}
			steps = append(steps, resource.TestStep{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.err)})
			if tc.prior != "" {
				// Checks that run at validate fail the destroy as well, as the
				// resources' validators do: it runs on a valid configuration.
				steps = append(steps, resource.TestStep{Config: tc.prior})
			}
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				TerraformVersionChecks:   ephemeralEngines,
				ProtoV6ProviderFactories: ephemeralFactories(),
				Steps:                    steps,
			})
		})
	}
}

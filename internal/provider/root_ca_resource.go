package provider

// mtls_root_ca: a self-signed CA at the top of a chain. What only it does:
//   - profile pki.ProfileRootCA: keyUsage keyCertSign and cRLSign, signed
//     with its own key, so it has no issuer attributes;
//   - import of a root made elsewhere from "CERT_PATH,KEY_PATH" (below), and
//     moved blocks from hashicorp/tls's tls_self_signed_cert
//     (certificate_adopt.go);
//   - ten years by default.
// With mtls_intermediate_ca it shares the CA attributes
// (certificate_schema_ca.go); the rest is certificateResource
// (certificate_resource.go lists where each concern lives).

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var rootCAKind = certKind{
	typeName: "root_ca",
	profile:  pki.ProfileRootCA,
	summary: "A self-signed root certificate authority and its private key. " +
		"It may sign only CA certificates and leaves (keyUsage keyCertSign and cRLSign); `max_path_length` and name constraints limit what lies below it. " +
		"An existing root made elsewhere (for example with `openssl req -x509`) can be imported.",
	defaultValidityHours: 10 * 8760,
	newModel:             func() certModel { return &rootCAModel{} },
}

type rootCAResource struct {
	certificateResource
}

var _ resource.ResourceWithImportState = &rootCAResource{}

func NewRootCAResource() resource.Resource {
	return &rootCAResource{certificateResource{kind: rootCAKind}}
}

// ImportState adopts an existing root CA. The ID is "CERT_PATH,KEY_PATH":
// paths of PEM files, so that no key material appears in the ID.
func (r *rootCAResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	certPath, keyPath, diags := parseImportID(req.ID)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	m, diags := importRootCA(certPath, keyPath, os.Getenv(importPassphraseEnv), r.clock())
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedStateKey, []byte("true"))...)
}

const importIDForm = "The import ID is \"CERT_PATH,KEY_PATH\": the path of the root CA certificate, a comma, and the path of its private key, both PEM files, e.g. \"rootCA.crt,rootCA.key\". " +
	"An encrypted key's passphrase goes in the " + importPassphraseEnv + " environment variable, never in the ID."

func parseImportID(id string) (certPath, keyPath string, diags diag.Diagnostics) {
	parts, diags := splitImportID(id, 2, importIDForm)
	if diags.HasError() {
		return "", "", diags
	}
	return parts[0], parts[1], nil
}

// importRootCA reads a root CA and its key from PEM files into a model that
// equals what the config that made it plans: every attribute the certificate
// records is read back from it.
func importRootCA(certPath, keyPath, passphrase string, now time.Time) (*rootCAModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	certPEM := readImportFile(certPath, "certificate", importIDForm, &diags)
	keyPEM := readImportFile(keyPath, "private key", importIDForm, &diags)
	if diags.HasError() {
		return nil, diags
	}
	return rootCAFromPEM(certPath, certPEM, keyPath, keyPEM, passphrase, now)
}

// rootCAFromPEM builds the model of an adopted root from its certificate and
// key; certPath and keyPath say where they came from (a file, or the state
// of a moved resource), for messages.
func rootCAFromPEM(certPath, certPEM, keyPath, keyPEM, passphrase string, now time.Time) (*rootCAModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	cert := parseImportedCert(certPath, certPEM, &diags)
	if cert == nil {
		return nil, diags
	}
	key, encrypted := parseImportedKey(keyPath, keyPEM, passphrase, &diags)
	if key == nil {
		return nil, diags
	}
	if !pki.PublicKeysEqual(key.Public(), cert.PublicKey) {
		diags.AddError("Private key does not match the certificate",
			fmt.Sprintf("The key in %s is not the key of %q in %s. Pass the key the root CA was made with.", keyPath, cert.Subject.String(), certPath))
		return nil, diags
	}
	alg, err := pki.AlgorithmOf(key.Public())
	if err != nil {
		diags.AddError("Unsupported key", fmt.Sprintf("%s: %s.", keyPath, err))
		return nil, diags
	}
	m := &rootCAModel{}
	b := &m.certBase
	b.KeyAlgorithm = types.StringValue(string(alg))
	b.PrivateKeyPassphrase = types.StringNull()
	if encrypted {
		// The passphrase that opened the key file: a config that made the
		// root with private_key_passphrase plans no change.
		b.PrivateKeyPassphrase = types.StringValue(passphrase)
	}
	b.Subject = subjectObject(pki.SubjectFromName(cert.Subject))
	// The certificate spans validity plus backdate. How far it was backdated
	// from its creation is not recorded: the minutes beyond whole hours are
	// taken as the backdate, which reads back this provider's roots (backdate
	// under an hour) and whole-day roots made elsewhere (0) exactly.
	span := cert.NotAfter.Sub(cert.NotBefore).Truncate(time.Minute)
	b.ValidityPeriodHours = types.Int64Value(int64(span / time.Hour))
	b.BackdateMinutes = types.Int64Value(int64(span % time.Hour / time.Minute))
	b.EarlyRenewalHours = types.Int64Value(0)
	caOptionsFromCert(&m.caOptionsModel, cert)
	setCertificateOutputs(m.parts(), cert, nil, now, &diags)
	setKeyOutputs(b, key, configuredSecret{b.PrivateKeyPassphrase, "private_key_passphrase"}, &diags)
	if diags.HasError() {
		return nil, diags
	}
	return m, diags
}

// parseImportedCert returns the root CA certificate in text, the first
// certificate of the file, or nil with an error saying what is wrong.
func parseImportedCert(path, text string, diags *diag.Diagnostics) *x509.Certificate {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		detail := fmt.Sprintf("%s: %s.", path, err)
		switch {
		case strings.Contains(text, "PRIVATE KEY-----"):
			detail += " The file holds a private key: the ID takes the certificate first, then the key. Are the two paths swapped?"
		case !strings.Contains(text, "-----BEGIN"):
			detail += " The file is not PEM; a DER certificate converts with `openssl x509 -inform der -in FILE -out FILE.pem`."
		}
		diags.AddError("No certificate in the certificate file", detail)
		return nil
	}
	cert := certs[0]
	subject := cert.Subject.String()
	// Checked in this order so that each certificate gets the message that
	// fits it: a self-signed leaf is "not a CA", not "not self-signed".
	if string(cert.RawIssuer) != string(cert.RawSubject) {
		diags.AddError("Not a root CA certificate", fmt.Sprintf("%s holds %q, issued by %q: only a self-signed root CA can be imported. "+
			"Import the root at the top of this chain instead; an intermediate CA below it is made with mtls_intermediate_ca.", path, subject, cert.Issuer.String()))
		return nil
	}
	if err := pki.CheckCanSign(cert); err != nil {
		diags.AddError("Not a CA certificate", fmt.Sprintf("%s holds a self-signed certificate, but %s. Only a CA certificate can be imported as a root CA.", path, err))
		return nil
	}
	if !pki.IsSelfSigned(cert) {
		diags.AddError("Certificate signature does not verify", fmt.Sprintf("%s holds %q, whose issuer is itself, but its signature does not verify with its own key: "+
			"the file is damaged, or the certificate was signed by another CA of the same name. Import the genuine self-signed root.", path, subject))
		return nil
	}
	return cert
}

// parseImportedKey returns the private key in text, decrypting it with
// passphrase when it is encrypted, or nil with an error saying what is wrong.
func parseImportedKey(path, text, passphrase string, diags *diag.Diagnostics) (key crypto.Signer, encrypted bool) {
	key, err := pki.ParsePrivateKeyPEM(text, "")
	if errors.Is(err, pki.ErrEncryptedKey) {
		encrypted = true
		if passphrase == "" {
			diags.AddError("Private key is encrypted", fmt.Sprintf("%s holds an encrypted private key. Set the %s environment variable to its passphrase and import again.", path, importPassphraseEnv))
			return nil, true
		}
		if key, err = pki.ParsePrivateKeyPEM(text, passphrase); err != nil {
			diags.AddError("Cannot decrypt the private key", fmt.Sprintf("%s: %s. Check the passphrase in %s.", path, err, importPassphraseEnv))
			return nil, true
		}
	}
	if err != nil {
		detail := fmt.Sprintf("%s: %s.", path, err)
		if strings.Contains(text, "BEGIN CERTIFICATE") {
			detail += " The file holds a certificate: the ID takes the certificate first, then the key. Are the two paths swapped?"
		}
		diags.AddError("No usable private key in the key file", detail)
		return nil, encrypted
	}
	return key, encrypted
}

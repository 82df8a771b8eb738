package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// importPassphraseEnv names the environment variable that holds the
// passphrase of an encrypted key being imported; an import ID is logged, so
// it must never carry secrets.
const importPassphraseEnv = "MTLS_IMPORT_KEY_PASSPHRASE"

var rootCAKind = certKind{
	typeName: "root_ca",
	profile:  pki.ProfileRootCA,
	summary: "A self-signed root certificate authority and its private key. " +
		"It may sign only CA certificates and leaves (keyUsage keyCertSign and cRLSign); `max_path_length` and name constraints limit what lies below it. " +
		"An existing root made elsewhere (for example with `openssl req -x509`) can be imported.",
	defaultValidityHours: 10 * 8760,
}

type rootCAResource struct {
	certificateResource[rootCAModel, *rootCAModel]
}

var _ resource.ResourceWithImportState = &rootCAResource{}

func NewRootCAResource() resource.Resource {
	return &rootCAResource{certificateResource[rootCAModel, *rootCAModel]{kind: rootCAKind}}
}

// ImportState adopts an existing root CA. The ID is "CERT_PATH,KEY_PATH":
// paths of PEM files, so that no key material appears in the ID.
func (r *rootCAResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	certPath, keyPath, ok := strings.Cut(req.ID, ",")
	if !ok || certPath == "" || keyPath == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected \"CERT_PATH,KEY_PATH\", the paths of the CA certificate and its private key in PEM, got %q. "+
				"Put the key's passphrase, if any, in the %s environment variable.", req.ID, importPassphraseEnv))
		return
	}
	m, err := importRootCA(certPath, keyPath, os.Getenv(importPassphraseEnv), r.clock())
	if err != nil {
		resp.Diagnostics.AddError("Cannot import the root CA", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func importRootCA(certPath, keyPath, passphrase string, now time.Time) (*rootCAModel, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, err
	}
	certs, err := pki.ParseCertificatesPEM(string(certPEM))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certPath, err)
	}
	cert := certs[0]
	if !pki.IsSelfSigned(cert) {
		return nil, fmt.Errorf("%s holds %q, which is not self-signed: only root CAs can be imported", certPath, cert.Subject)
	}
	if err := pki.CheckCanSign(cert); err != nil {
		return nil, err
	}
	key, err := pki.ParsePrivateKeyPEM(string(keyPEM), passphrase)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	if !pki.PublicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("the key in %s does not belong to the certificate in %s", keyPath, certPath)
	}
	alg, err := pki.AlgorithmOf(key.Public())
	if err != nil {
		return nil, err
	}
	m := &rootCAModel{}
	b := &m.certBase
	b.KeyAlgorithm = types.StringValue(string(alg))
	b.PrivateKeyPassphrase = types.StringNull()
	b.Subject = subjectObject(pki.SubjectFromName(cert.Subject))
	// Certificates made elsewhere are not backdated: NotBefore is their start.
	b.ValidityPeriodHours = types.Int64Value(int64(cert.NotAfter.Sub(cert.NotBefore) / time.Hour))
	b.BackdateMinutes = types.Int64Value(0)
	b.EarlyRenewalHours = types.Int64Value(0)
	c := &m.caOptionsModel
	c.MaxPathLength = types.Int64Null()
	if cert.MaxPathLen > 0 || cert.MaxPathLenZero {
		c.MaxPathLength = types.Int64Value(int64(cert.MaxPathLen))
	}
	c.PermittedDNSDomains = optionalList(cert.PermittedDNSDomains)
	c.ExcludedDNSDomains = optionalList(cert.ExcludedDNSDomains)
	c.PermittedIPRanges = optionalList(ipNetStrings(cert.PermittedIPRanges))
	c.ExcludedIPRanges = optionalList(ipNetStrings(cert.ExcludedIPRanges))
	c.PermittedEmailAddresses = optionalList(cert.PermittedEmailAddresses)
	c.PermittedURIDomains = optionalList(cert.PermittedURIDomains)
	var diags diag.Diagnostics
	setCertificateOutputs(m.parts(), cert, nil, now, &diags)
	setKeyOutputs(b, key, &diags)
	if diags.HasError() {
		return nil, fmt.Errorf("%v", diags.Errors())
	}
	return m, nil
}

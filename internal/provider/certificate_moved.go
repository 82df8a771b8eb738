package provider

// Moved blocks from hashicorp/tls: mtls_root_ca takes over a
// tls_self_signed_cert, the signed certificates a tls_locally_signed_cert,
// without issuing anything (adoption, certificate_adopt.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// tlsCertState is the part of the state of hashicorp/tls's
// tls_self_signed_cert and tls_locally_signed_cert that adoption reads. The
// certificate itself is the authority on subject, names, usages and
// validity; the rest says what it does not record.
type tlsCertState struct {
	CertPEM           string  `json:"cert_pem"`
	PrivateKeyPEM     *string `json:"private_key_pem"`
	CertRequestPEM    string  `json:"cert_request_pem"`
	CACertPEM         string  `json:"ca_cert_pem"`
	CAPrivateKeyPEM   *string `json:"ca_private_key_pem"`
	EarlyRenewalHours int64   `json:"early_renewal_hours"`
}

// tlsSource tells whether a moved block's source is type of hashicorp/tls
// (under whichever registry host the CLI uses).
func tlsSource(req resource.MoveStateRequest, typeName string) bool {
	return req.SourceTypeName == typeName && strings.HasSuffix(req.SourceProviderAddress, "/hashicorp/tls") && req.SourceRawState != nil
}

func readTLSState(req resource.MoveStateRequest, diags *diag.Diagnostics) *tlsCertState {
	var s tlsCertState
	if err := json.Unmarshal(req.SourceRawState.JSON, &s); err != nil {
		diags.AddError("Unreadable "+req.SourceTypeName+" state", fmt.Sprintf("The state of the moved %s does not parse: %s.", req.SourceTypeName, err))
		return nil
	}
	return &s
}

// MoveState takes over a tls_self_signed_cert, with the key in its state.
func (r *rootCAResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !tlsSource(req, "tls_self_signed_cert") {
			return
		}
		s := readTLSState(req, &resp.Diagnostics)
		if s == nil {
			return
		}
		if s.PrivateKeyPEM == nil || *s.PrivateKeyPEM == "" {
			resp.Diagnostics.AddError("Root CA key not in state", "The tls_self_signed_cert was given its key through private_key_pem_wo, so its state holds no key, and mtls_root_ca keeps its key. "+
				"Import the root from its certificate and key files instead (import ID \"CERT_PATH,KEY_PATH\").")
			return
		}
		m, diags := rootCAFromPEM("the cert_pem of tls_self_signed_cert", s.CertPEM, "its private_key_pem", *s.PrivateKeyPEM, "", r.clock())
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		cert, _ := pki.ParseCertificatesPEM(s.CertPEM)
		what := "The tls_self_signed_cert's certificate"
		if ekus := pki.ExtKeyUsageStrings(cert[0]); len(ekus) > 0 {
			resp.Diagnostics.AddError("Root CA limits extended key usages", fmt.Sprintf("%s carries extended key usages (%s: from allowed_uses), which mtls_root_ca cannot express: it issues roots without them. "+
				"Adopting it would describe another root than the one kept; make a new root with mtls_root_ca instead.", what, strings.Join(ekus, ", ")))
		}
		if n := pki.NamesFromCertificate(cert[0]); !n.IsEmpty() {
			resp.Diagnostics.AddError("Root CA with subject alternative names", what+" carries subject alternative names (dns_names, ip_addresses or uris), which mtls_root_ca cannot express. "+
				"Adopting it would describe another root than the one kept; make a new root with mtls_root_ca instead.")
		}
		if resp.Diagnostics.HasError() {
			return
		}
		m.EarlyRenewalHours = types.Int64Value(s.EarlyRenewalHours)
		m.ReadyForRenewal = types.BoolValue(readyForRenewal(r.clock(), cert[0].NotAfter, s.EarlyRenewalHours))
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
		resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, importedStateKey, []byte("true"))...)
	}}}
}

// MoveState takes over a tls_locally_signed_cert. A leaf is adopted in CSR
// mode, its key staying in the tls_private_key it came from; so is an
// intermediate's key, which leaves this resource's private key outputs empty.
func (r *signedCertificateResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !tlsSource(req, "tls_locally_signed_cert") {
			return
		}
		s := readTLSState(req, &resp.Diagnostics)
		if s == nil {
			return
		}
		if s.CAPrivateKeyPEM == nil || *s.CAPrivateKeyPEM == "" {
			resp.Diagnostics.AddError("CA key not in state", "The tls_locally_signed_cert was given its CA key through ca_private_key_pem_wo, so its state holds no CA key to adopt with. "+
				"Import the certificate from files instead (see the mtls_"+r.kind.typeName+" import ID).")
			return
		}
		what := "The tls_locally_signed_cert's certificate"
		a := adoption{kind: r.kind, certFrom: what, caCertPEM: s.CACertPEM, caKeyPEM: *s.CAPrivateKeyPEM, earlyRenewalHours: s.EarlyRenewalHours}
		if a.cert = parseAdoptedCert(what, s.CertPEM, &resp.Diagnostics); a.cert == nil {
			return
		}
		if r.kind.leaf() {
			a.csrPEM = s.CertRequestPEM
		}
		m := r.kind.newModel()
		if a.fill(m.parts(), "its cert_request_pem", "its ca_cert_pem and ca_private_key_pem", r.clock(), &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
		resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, importedStateKey, []byte("true"))...)
	}}}
}

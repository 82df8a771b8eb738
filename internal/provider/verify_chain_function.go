package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// verifyChainFunction verifies at the provider's clock, so that tests can
// move time as they do for renewal.
type verifyChainFunction struct {
	now func() time.Time
}

var _ function.Function = verifyChainFunction{}

func (verifyChainFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "verify_chain"
}

func (verifyChainFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Verifies a certificate against a CA bundle",
		MarkdownDescription: "Verifies the first certificate of `cert_pem` with Go's `crypto/x509`, as TLS peers do: the self-signed certificates of `ca_bundle_pem` are the trust anchors, " +
			"its other certificates and the rest of `cert_pem` (a `fullchain_pem`) the intermediates. Signatures, validity at the time of the call, " +
			"basic constraints, path lengths, name constraints and the extended key usage for `purpose` are all checked. " +
			"Returns `true`, or fails with an error that says why not: which certificate (by subject, and its position in which argument) and the reason " +
			"(expired or not yet valid, unknown authority, bad signature, not a CA, path length exceeded, name constraints, wrong extended key usage). " +
			"Bad input fails naming the argument: no certificate in `cert_pem`, a `ca_bundle_pem` without a self-signed root, an unknown `purpose`.\n\n" +
			"Use it in a `precondition` or a `check` block; the result depends on the time, so a certificate that expires between plan and apply fails at apply.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "cert_pem", MarkdownDescription: "The certificate to verify in PEM, optionally followed by its intermediate CAs (as in `fullchain_pem`)."},
			function.StringParameter{Name: "ca_bundle_pem", MarkdownDescription: "The trusted CAs in PEM: at least one self-signed root, and any intermediates."},
			function.StringParameter{Name: "purpose", MarkdownDescription: "`server_auth` (a TLS server), `client_auth` (a TLS client) or `any`; the other extended key usage names (" + mdList(pki.ExtKeyUsageNames()) + ") are accepted too."},
		},
		Return: function.BoolReturn{},
	}
}

func (f verifyChainFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var certPEM, bundlePEM, purpose string
	if resp.Error = req.Arguments.Get(ctx, &certPEM, &bundlePEM, &purpose); resp.Error != nil {
		return
	}
	chain, err := pki.ParseCertificatesPEM(certPEM)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid certificate: "+err.Error()+".")
		return
	}
	cas, err := pki.ParseCertificatesPEM(bundlePEM)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, "Invalid CA bundle: "+err.Error()+".")
		return
	}
	bundle, err := pki.NewTrustBundle("ca_bundle_pem", cas)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, "Invalid CA bundle: "+err.Error()+".")
		return
	}
	usage, err := pki.ParsePurpose(purpose)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(2, "Invalid purpose: "+err.Error()+".")
		return
	}
	if err := bundle.Verify("cert_pem", chain, usage, f.now()); err != nil {
		resp.Error = function.NewFuncError("Certificate does not verify: " + err.Error() + ".")
		return
	}
	resp.Error = resp.Result.Set(ctx, true)
}

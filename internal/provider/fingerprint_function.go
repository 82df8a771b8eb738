package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

type fingerprintFunction struct{}

var _ function.Function = fingerprintFunction{}

func NewFingerprintFunction() function.Function { return fingerprintFunction{} }

func (fingerprintFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "fingerprint"
}

func (fingerprintFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "SHA-256 fingerprint of a PEM certificate",
		MarkdownDescription: "Returns the SHA-256 of the first certificate's DER encoding in lowercase hex: the same string as the certificate resources' `fingerprint_sha256`, " +
			"and `openssl x509 -noout -fingerprint -sha256` without the colons, in lowercase. Use it for certificates made elsewhere, or to pin a certificate by its fingerprint. " +
			"Fails, naming the argument, when the text holds no certificate.",
		Parameters: []function.Parameter{pemParameter("A certificate in PEM; when it holds several, the first is taken.")},
		Return:     function.StringReturn{},
	}
}

func (fingerprintFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	if resp.Error = req.Arguments.Get(ctx, &text); resp.Error != nil {
		return
	}
	info, ferr := certificateArgument(text, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	resp.Error = resp.Result.Set(ctx, info.FingerprintSHA256)
}

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

type publicKeyFingerprintFunction struct{}

var _ function.Function = publicKeyFingerprintFunction{}

func NewPublicKeyFingerprintFunction() function.Function { return publicKeyFingerprintFunction{} }

func (publicKeyFingerprintFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "public_key_fingerprint"
}

func (publicKeyFingerprintFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "SHA-256 pin of a public key, base64",
		MarkdownDescription: "Returns the base64 SHA-256 of the SubjectPublicKeyInfo of a certificate or public key: the `pin-sha256` of public key pinning, " +
			"what curl's `--pinnedpubkey sha256//...` and Android's `<pin digest=\"SHA-256\">` expect, and what " +
			"`openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64` prints. " +
			"The pin stays the same when a certificate is renewed with the same key (in CSR mode), and changes with the key. " +
			"Fails, naming the argument, when the text holds neither a certificate nor a public key (a private key is refused: pass `public_key_pem`).",
		Parameters: []function.Parameter{pemParameter("A certificate (`-----BEGIN CERTIFICATE-----`) or a public key (`-----BEGIN PUBLIC KEY-----`, such as the resources' `public_key_pem`) in PEM; the first one is taken.")},
		Return:     function.StringReturn{},
	}
}

func (publicKeyFingerprintFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	if resp.Error = req.Arguments.Get(ctx, &text); resp.Error != nil {
		return
	}
	spki, err := pki.PublicKeyPEMInfo(text)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid public key: "+err.Error()+".")
		return
	}
	resp.Error = resp.Result.Set(ctx, pki.PublicKeyPinSHA256(spki))
}

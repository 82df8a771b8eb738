package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

type splitPEMFunction struct{}

var _ function.Function = splitPEMFunction{}

func NewSplitPEMFunction() function.Function { return splitPEMFunction{} }

func (splitPEMFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "split_pem"
}

func (splitPEMFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Splits a PEM bundle into its blocks",
		MarkdownDescription: "Returns each PEM block of a bundle as its own PEM text, in order, whatever its type (certificates, keys, CRLs), each ending in a newline. " +
			"Text between blocks, such as the `subject=` lines of `openssl` output, is dropped. " +
			"Use it to take a chain apart (`split_pem(mtls_server_cert.web.fullchain_pem)[1]` is the issuing CA) or to apply `certificate_info` to each certificate. " +
			"Fails, naming the argument, when the text holds no PEM block.",
		Parameters: []function.Parameter{function.StringParameter{Name: "bundle", MarkdownDescription: "PEM text holding one or more blocks."}},
		Return:     function.ListReturn{ElementType: types.StringType},
	}
}

func (splitPEMFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	if resp.Error = req.Arguments.Get(ctx, &text); resp.Error != nil {
		return
	}
	blocks, err := pki.SplitPEM(text)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid PEM bundle: "+err.Error()+".")
		return
	}
	resp.Error = resp.Result.Set(ctx, blocks)
}

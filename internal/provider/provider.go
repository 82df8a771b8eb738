// Package provider is the Terraform glue of the mtls provider: schemas,
// plan-time validation and state. The certificate authority logic lives in
// internal/pki.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// providerData is handed to every resource at Configure. now is injected so
// that tests can move time (renewal) without a global clock.
type providerData struct {
	now func() time.Time
}

type mtlsProvider struct {
	version string
	now     func() time.Time
}

var (
	_ provider.ProviderWithFunctions          = &mtlsProvider{}
	_ provider.ProviderWithEphemeralResources = &mtlsProvider{}
)

// New returns the provider factory used by main and by tests.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with an injected clock.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider { return &mtlsProvider{version: version, now: now} }
}

func (p *mtlsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "mtls"
	resp.Version = p.version
}

func (p *mtlsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Builds a whole mutual-TLS setup in Terraform: root and intermediate CAs, server and client certificates, " +
			"and the files and configuration their consumers need. Everything happens locally; the provider has no settings.",
	}
}

func (p *mtlsProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	data := &providerData{now: p.now}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *mtlsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewRootCAResource,
		NewIntermediateCAResource,
		NewServerCertResource,
		NewClientCertResource,
		NewPKCS12Resource,
		NewTruststoreResource,
		NewCRLResource,
	}
}

func (p *mtlsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewApacheConfigDataSource,
		NewNginxConfigDataSource,
		NewHAProxyConfigDataSource,
		NewMySQLConfigDataSource,
		NewIngressConfigDataSource,
		NewPostgreSQLConfigDataSource,
		NewCertificateDataSource,
	}
}

// Ephemeral resources need Terraform 1.10 or OpenTofu 1.11; to older
// versions an ephemeral block is a syntax error.
func (p *mtlsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewServerCertEphemeralResource,
		NewClientCertEphemeralResource,
		NewPKCS12EphemeralResource,
	}
}

// Functions need Terraform 1.8 or OpenTofu 1.7; older versions ignore them.
// They get no provider data, so the clock is handed over here.
func (p *mtlsProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewCertificateInfoFunction,
		func() function.Function { return verifyChainFunction{now: p.now} },
		NewFingerprintFunction,
		NewPublicKeyFingerprintFunction,
		NewSplitPEMFunction,
	}
}

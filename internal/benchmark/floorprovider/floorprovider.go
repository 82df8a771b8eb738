// Package floorprovider is the "floor" of the Terraform-level benchmarks
// (BENCHMARKS.md): a provider whose one resource, floor_cert, does the least
// a certificate resource can do (generate one ECDSA P-256 key, self-sign one
// certificate, store both as PEM, about 1.2 KB of state) so that what
// Terraform and the plugin protocol cost per resource can be told apart from
// what the mtls provider adds. It is test-only: never registered in the mtls
// provider and never released (goreleaser builds the root main package only).
package floorprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TypeName is the provider's local name: its resources are floor_*.
const TypeName = "floor"

type floorProvider struct{}

// New returns the provider factory, for its main and for tests.
func New() provider.Provider { return floorProvider{} }

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
}

func (floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{Description: "Benchmark baseline: a do-nothing certificate resource."}
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newCertResource, newWideCertResource}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Each ephemeral resource has the attributes of its resource, with the same
// flags (required, optional, computed, sensitive) and types, except those
// that only a stored object has; their descriptions are the resource's,
// less the sentences about replacing, updating and refreshing what is
// stored.
func TestEphemeralSchemas_followResources(t *testing.T) {
	ctx := context.Background()
	pairs := []struct {
		res  resource.Resource
		eph  ephemeral.EphemeralResource
		omit []string
	}{
		{NewClientCertResource(), NewClientCertEphemeralResource(), ephemeralCertOmits},
		{NewServerCertResource(), NewServerCertEphemeralResource(), ephemeralCertOmits},
		{NewPKCS12Resource(), NewPKCS12EphemeralResource(), nil},
	}
	for _, pair := range pairs {
		var rm resource.MetadataResponse
		pair.res.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "mtls"}, &rm)
		var em ephemeral.MetadataResponse
		pair.eph.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "mtls"}, &em)
		t.Run(rm.TypeName, func(t *testing.T) {
			if em.TypeName != rm.TypeName {
				t.Errorf("ephemeral type %q, want the resource's name %q", em.TypeName, rm.TypeName)
			}
			var rs resource.SchemaResponse
			pair.res.Schema(ctx, resource.SchemaRequest{}, &rs)
			var es ephemeral.SchemaResponse
			pair.eph.Schema(ctx, ephemeral.SchemaRequest{}, &es)
			if es.Diagnostics.HasError() {
				t.Fatalf("ephemeral schema: %v", es.Diagnostics)
			}
			if diags := es.Schema.ValidateImplementation(ctx); diags.HasError() {
				t.Fatalf("ephemeral schema invalid: %v", diags)
			}
			compareAttributes(t, "", rs.Schema.Attributes, es.Schema.Attributes, pair.omit)
			if strings.Contains(es.Schema.MarkdownDescription, "replaces") {
				t.Errorf("summary speaks of replacing: %s", es.Schema.MarkdownDescription)
			}
		})
	}
}

func compareAttributes(t *testing.T, prefix string, res map[string]schema.Attribute, eph map[string]eschema.Attribute, omit []string) {
	t.Helper()
	for name, r := range res {
		e, ok := eph[name]
		if slices.Contains(omit, name) {
			if ok {
				t.Errorf("%s%s is in the ephemeral schema, which leaves it out", prefix, name)
			}
			continue
		}
		if !ok {
			t.Errorf("%s%s is missing from the ephemeral schema", prefix, name)
			continue
		}
		if e.IsWriteOnly() {
			t.Errorf("%s%s is write-only in the ephemeral schema", prefix, name)
		}
		if r.IsRequired() != e.IsRequired() || r.IsOptional() != e.IsOptional() || r.IsComputed() != e.IsComputed() || r.IsSensitive() != e.IsSensitive() {
			t.Errorf("%s%s: flags differ from the resource's", prefix, name)
		}
		if !r.GetType().Equal(e.GetType()) {
			t.Errorf("%s%s: type %s, the resource's is %s", prefix, name, e.GetType(), r.GetType())
		}
		desc := e.GetMarkdownDescription()
		if desc == "" || desc != ephemeralDescription(r.GetMarkdownDescription()) {
			t.Errorf("%s%s: description %q is not the resource's %q less what only holds for a stored object", prefix, name, desc, r.GetMarkdownDescription())
		}
		for _, p := range storedOnlyPhrases {
			if strings.Contains(strings.ToLower(desc), p) {
				t.Errorf("%s%s: description speaks of %q: %s", prefix, name, p, desc)
			}
		}
		if rn, ok := r.(schema.SingleNestedAttribute); ok {
			en, ok := e.(eschema.SingleNestedAttribute)
			if !ok {
				t.Errorf("%s%s: a %T, the resource's is nested attributes", prefix, name, e)
				continue
			}
			compareAttributes(t, prefix+name+".", rn.Attributes, en.Attributes, nil)
		}
	}
	for name := range eph {
		if _, ok := res[name]; !ok {
			t.Errorf("%s%s is in the ephemeral schema only", prefix, name)
		}
	}
}

// Splitting into sentences loses nothing, and splits neither at "e.g." nor
// inside a sentence.
func TestEphemeralDescription_sentences(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"One. Two `x`. Three.", []string{"One.", "Two `x`.", "Three."}},
		{"Names, e.g. SPIFFE IDs. Changing it replaces the certificate.", []string{"Names, e.g. SPIFFE IDs.", "Changing it replaces the certificate."}},
		{"Ranges (CIDR, e.g. `10.0.0.0/8`). `x` is set.", []string{"Ranges (CIDR, e.g. `10.0.0.0/8`).", "`x` is set."}},
		{"Version 1.2 is old. ok", []string{"Version 1.2 is old. ok"}},
	} {
		got := sentences(tc.in)
		if !slices.Equal(got, tc.want) {
			t.Errorf("sentences(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Join(got, " ") != tc.in {
			t.Errorf("sentences(%q) joined is %q", tc.in, strings.Join(got, " "))
		}
	}
	for in, want := range map[string]string{
		"How long, in hours. Defaults to 8760 (1 year). Changing it replaces the certificate. Must end before the CA expires.": "How long, in hours. Defaults to 8760 (1 year). Must end before the CA expires.",
		"An archive. Every input change replaces the archive.\n\n| a | b |\n|---|---|\n\n1. Note. Two.":                        "An archive.\n\n| a | b |\n|---|---|\n\n1. Note. Two.",
		"Updates in place.\nKept.": "Kept.",
	} {
		if got := ephemeralDescription(in); got != want {
			t.Errorf("ephemeralDescription(%q) = %q, want %q", in, got, want)
		}
	}
}

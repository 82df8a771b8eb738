package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An ephemeral resource here is the ephemeral form of a resource: its schema
// is derived from the resource's schema (attributes, validators and
// descriptions), and it reads its configuration into the resource's model so
// that the resource's checks and issuing code serve it unchanged. What only
// a stored object has is left out: plan modifiers, defaults (applied by
// resourceView instead), the attributes named in omit, and the sentences of
// descriptions about replacing, updating or refreshing what is in state.
// Write-only arguments stay, as ordinary ones: an ephemeral resource's
// configuration is never stored anyway, and validators that pair an
// argument with its write-only twin keep finding it.

// ephemeralSchema derives an ephemeral resource's schema from the schema of
// the resource it mirrors.
func ephemeralSchema(res schema.Schema, omit []string, summary string) (eschema.Schema, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrs := ephemeralAttributes(res.Attributes, omit, &diags)
	return eschema.Schema{MarkdownDescription: summary, Attributes: attrs}, diags
}

func ephemeralAttributes(src map[string]schema.Attribute, omit []string, diags *diag.Diagnostics) map[string]eschema.Attribute {
	out := map[string]eschema.Attribute{}
	for name, a := range src {
		if slices.Contains(omit, name) {
			continue
		}
		md, d := ephemeralDescription(a.GetMarkdownDescription()), ephemeralDescription(a.GetDescription())
		switch a := a.(type) {
		case schema.StringAttribute:
			out[name] = eschema.StringAttribute{CustomType: a.CustomType, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: d, MarkdownDescription: md, DeprecationMessage: a.DeprecationMessage, Validators: a.Validators}
		case schema.Int64Attribute:
			out[name] = eschema.Int64Attribute{CustomType: a.CustomType, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: d, MarkdownDescription: md, DeprecationMessage: a.DeprecationMessage, Validators: a.Validators}
		case schema.BoolAttribute:
			out[name] = eschema.BoolAttribute{CustomType: a.CustomType, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: d, MarkdownDescription: md, DeprecationMessage: a.DeprecationMessage, Validators: a.Validators}
		case schema.ListAttribute:
			out[name] = eschema.ListAttribute{ElementType: a.ElementType, CustomType: a.CustomType, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: d, MarkdownDescription: md, DeprecationMessage: a.DeprecationMessage, Validators: a.Validators}
		case schema.SingleNestedAttribute:
			out[name] = eschema.SingleNestedAttribute{Attributes: ephemeralAttributes(a.Attributes, nil, diags), CustomType: a.CustomType,
				Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: d, MarkdownDescription: md, DeprecationMessage: a.DeprecationMessage, Validators: a.Validators}
		default:
			diags.AddError("Ephemeral schema incomplete", fmt.Sprintf("Attribute %q is a %T, which has no ephemeral form here yet. This is a bug in the provider.", name, a))
		}
	}
	return out
}

// storedOnlyPhrases mark the sentences of a resource's descriptions that
// speak of what it keeps in state (replacing, updating in place, refreshing,
// renewal, passing its outputs to resources, import and moved blocks), which an ephemeral resource,
// made anew each run and never stored, does not do.
var storedOnlyPhrases = []string{"replace", "in place", "refresh", "early_renewal_hours", "content_base64", "imported", "import of", "import cannot", "moved from"}

// ephemeralDescription drops the sentences of a resource's description that
// only hold for what is stored. It works line by line, so that markdown
// lists and tables keep their lines; a line left without a sentence goes.
func ephemeralDescription(s string) string {
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		var kept []string
		for _, sentence := range sentences(line) {
			lower := strings.ToLower(sentence)
			if !slices.ContainsFunc(storedOnlyPhrases, func(p string) bool { return strings.Contains(lower, p) }) {
				kept = append(kept, sentence)
			}
		}
		if len(kept) > 0 || line == "" {
			lines = append(lines, strings.Join(kept, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// sentences splits a description after each ". " that is followed by a
// capital letter or a backquote and does not close "e.g." or "i.e.".
func sentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' {
			continue
		}
		next := rune(s[i+2])
		if !unicode.IsUpper(next) && next != '`' || strings.HasSuffix(s[:i+1], "e.g.") || strings.HasSuffix(s[:i+1], "i.e.") {
			continue
		}
		out = append(out, s[start:i+1])
		start = i + 2
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// readAsResource reads an ephemeral resource's configuration into the model
// of the resource it mirrors, as that resource's configuration for a new
// object would hold it (see resourceView), and returns that view for what
// reads the configuration itself (the secrets, plain or write-only).
func readAsResource(ctx context.Context, res schema.Schema, config tfsdk.Config, model any, diags *diag.Diagnostics) tfsdk.Config {
	view, d := resourceView(ctx, res, config)
	if diags.Append(d...); d.HasError() {
		return view
	}
	diags.Append(view.Get(ctx, model)...)
	return view
}

// resourceView reads an ephemeral resource's configuration as the resource
// it mirrors sees a configuration: attributes the ephemeral schema leaves
// out are null, and unset attributes that have a default in the resource
// schema get it, as they would in the resource's plan.
func resourceView(ctx context.Context, res schema.Schema, config tfsdk.Config) (tfsdk.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	var given map[string]tftypes.Value
	if err := config.Raw.As(&given); err != nil {
		diags.AddError("Unreadable configuration", err.Error())
		return tfsdk.Config{}, diags
	}
	objectType, ok := res.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		diags.AddError("Unreadable configuration", "The resource schema is not an object.")
		return tfsdk.Config{}, diags
	}
	values := map[string]tftypes.Value{}
	for name, a := range res.Attributes {
		v, ok := given[name]
		if !ok || v.IsNull() {
			v = tftypes.NewValue(objectType.AttributeTypes[name], nil)
			if d := attributeDefault(ctx, name, a, &diags); d != nil {
				var err error
				if v, err = d.ToTerraformValue(ctx); err != nil {
					diags.AddAttributeError(path.Root(name), "Default value unusable", err.Error())
				}
			}
		}
		values[name] = v
	}
	return tfsdk.Config{Schema: res, Raw: tftypes.NewValue(objectType, values)}, diags
}

// attributeDefault is the resource schema's default for an attribute, or
// nil when it has none.
func attributeDefault(ctx context.Context, name string, a schema.Attribute, diags *diag.Diagnostics) attr.Value {
	p := path.Root(name)
	switch a := a.(type) {
	case schema.StringAttribute:
		if a.Default != nil {
			var resp defaults.StringResponse
			a.Default.DefaultString(ctx, defaults.StringRequest{Path: p}, &resp)
			diags.Append(resp.Diagnostics...)
			return resp.PlanValue
		}
	case schema.Int64Attribute:
		if a.Default != nil {
			var resp defaults.Int64Response
			a.Default.DefaultInt64(ctx, defaults.Int64Request{Path: p}, &resp)
			diags.Append(resp.Diagnostics...)
			return resp.PlanValue
		}
	case schema.BoolAttribute:
		if a.Default != nil {
			var resp defaults.BoolResponse
			a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: p}, &resp)
			diags.Append(resp.Diagnostics...)
			return resp.PlanValue
		}
	}
	return nil
}

// ephemeralResult is the model of the resource, set in its schema, cut down
// to the attributes of the ephemeral schema.
func ephemeralResult(ctx context.Context, res schema.Schema, model any, result *tfsdk.EphemeralResultData) diag.Diagnostics {
	full := tfsdk.State{Schema: res, Raw: tftypes.NewValue(res.Type().TerraformType(ctx), nil)}
	diags := full.Set(ctx, model)
	if diags.HasError() {
		return diags
	}
	var all map[string]tftypes.Value
	if err := full.Raw.As(&all); err != nil {
		diags.AddError("Unreadable result", err.Error())
		return diags
	}
	objectType, ok := result.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		diags.AddError("Unreadable result", "The ephemeral schema is not an object.")
		return diags
	}
	values := map[string]tftypes.Value{}
	for name := range objectType.AttributeTypes {
		values[name] = all[name]
	}
	result.Raw = tftypes.NewValue(objectType, values)
	return diags
}

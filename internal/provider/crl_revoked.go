package provider

// The revoked entries of mtls_crl: reading them from a list, planning each
// entry's revoked_at, and what the CRL says of them, which decides in
// crl_resource.go whether the CRL is regenerated.

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

type revokedModel struct {
	SerialNumber types.String `tfsdk:"serial_number"`
	Reason       types.String `tfsdk:"reason"`
	RevokedAt    types.String `tfsdk:"revoked_at"`
}

var revokedType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"serial_number": types.StringType, "reason": types.StringType, "revoked_at": types.StringType,
}}

// revokedEntries reads a known list of entries; entries that are unknown as
// a whole come back with unknown fields.
func revokedEntries(ctx context.Context, l types.List, diags *diag.Diagnostics) []revokedModel {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	out := make([]revokedModel, len(l.Elements()))
	for i, e := range l.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsUnknown() || obj.IsNull() {
			out[i] = revokedModel{SerialNumber: types.StringUnknown(), Reason: types.StringUnknown(), RevokedAt: types.StringUnknown()}
			continue
		}
		diags.Append(obj.As(ctx, &out[i], basetypes.ObjectAsOptions{})...)
	}
	return out
}

func revokedList(ctx context.Context, entries []revokedModel, diags *diag.Diagnostics) types.List {
	l, d := types.ListValueFrom(ctx, revokedType, entries)
	diags.Append(d...)
	return l
}

// planRevoked validates the planned entries, each error on the entry's
// attribute at fault, and fills revoked_at where the config leaves it
// unset: the stored value for the same serial number, else unknown until
// the CRL is signed. It returns the entries and whether all are known.
func planRevoked(ctx context.Context, plan *crlModel, config crlModel, stored []revokedModel, now time.Time, diags *diag.Diagnostics) ([]revokedModel, bool) {
	if plan.Revoked.IsUnknown() {
		return nil, false
	}
	entries := revokedEntries(ctx, plan.Revoked, diags)
	configured := revokedEntries(ctx, config.Revoked, diags)
	storedAt := map[string]types.String{}
	for _, s := range stored {
		if n, err := pki.ParseSerialNumber(s.SerialNumber.ValueString()); err == nil {
			storedAt[n.String()] = s.RevokedAt
		}
	}
	allKnown := true
	serials := make([]*big.Int, len(entries))
	for i := range entries {
		e, at := &entries[i], path.Root("revoked").AtListIndex(i)
		in := pki.RevocationInput{SerialNumber: e.SerialNumber.ValueString(), Reason: e.Reason.ValueString()}
		userTime := i < len(configured) && !configured[i].RevokedAt.IsNull()
		if userTime {
			in.RevokedAt = configured[i].RevokedAt.ValueString()
		}
		rev, errs := pki.ParseRevocation(in, now)
		for _, fe := range errs {
			if field := entryField(*e, fe.Attribute); !field.IsUnknown() {
				diags.AddAttributeError(at.AtName(fe.Attribute), fe.Summary, fe.Detail)
			}
		}
		if !e.SerialNumber.IsUnknown() {
			serials[i] = rev.SerialNumber
		}
		if !userTime {
			e.RevokedAt = types.StringUnknown()
			if serials[i] != nil {
				if v, ok := storedAt[serials[i].String()]; ok {
					e.RevokedAt = v
				}
			}
		}
		allKnown = allKnown && known(e.SerialNumber, e.Reason, e.RevokedAt)
	}
	for i, first := range pki.DuplicateSerials(serials) {
		diags.AddAttributeError(path.Root("revoked").AtListIndex(i).AtName("serial_number"), "Duplicate serial number",
			fmt.Sprintf("revoked[%d] revokes serial %x, as revoked[%d] already does (the same number, however it is written). List each certificate once; to change its reason or time, edit the first entry.", i, serials[i], first))
	}
	if !plan.Revoked.IsNull() {
		plan.Revoked = revokedList(ctx, entries, diags)
	}
	return entries, allKnown
}

func entryField(e revokedModel, name string) types.String {
	switch name {
	case "serial_number":
		return e.SerialNumber
	case "reason":
		return e.Reason
	}
	return e.RevokedAt
}

// revocationKeys describes each entry by what the CRL says of it, sorted.
func revocationKeys(entries []revokedModel) []string {
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		serial, _ := pki.ParseSerialNumber(e.SerialNumber.ValueString())
		reason, _ := pki.ParseRevocationReason(e.Reason.ValueString())
		at, _ := time.Parse(crlTimeFormat, e.RevokedAt.ValueString())
		keys = append(keys, fmt.Sprintf("%x %d %s", serial, reason, at.UTC().Truncate(time.Second).Format(crlTimeFormat)))
	}
	slices.Sort(keys)
	return keys
}

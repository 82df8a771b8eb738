package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// infoField is one attribute of the certificate_info object.
type infoField struct {
	name string
	typ  attr.Type
	desc string
}

// certificateInfoFields is the single description of the certificate_info
// object: the function's return type, the mtls_certificate data source's
// nested schema and the docs of both come from it.
var certificateInfoFields = []infoField{
	{"subject", types.ObjectType{AttrTypes: subjectAttrTypes}, "The subject, shaped like the certificate resources' `subject`: the first value of each attribute, null where absent."},
	{"subject_dn", types.StringType, "The subject distinguished name in RFC 4514 form, e.g. `CN=web,O=Example`, as the resources' `subject_dn`."},
	{"issuer_dn", types.StringType, "The issuer distinguished name in the same form; equal to `subject_dn` for a self-signed root."},
	{"dns_names", types.ListType{ElemType: types.StringType}, "DNS subject alternative names; empty when none."},
	{"ip_addresses", types.ListType{ElemType: types.StringType}, "IP address subject alternative names, in canonical form (`10.0.0.1`, `fd00::1`); empty when none."},
	{"uris", types.ListType{ElemType: types.StringType}, "URI subject alternative names (e.g. SPIFFE IDs); empty when none."},
	{"email_addresses", types.ListType{ElemType: types.StringType}, "Email subject alternative names; empty when none."},
	{"serial_number", types.StringType, "The serial number, lowercase hex, as the resources' `serial_number`."},
	{"not_before", types.StringType, "Start of validity, RFC 3339 in UTC, as the resources' `not_before`."},
	{"not_after", types.StringType, "End of validity, RFC 3339 in UTC, as the resources' `not_after`."},
	{"fingerprint_sha256", types.StringType, "SHA-256 of the certificate's DER encoding, lowercase hex, as the resources' `fingerprint_sha256`."},
	{"is_ca", types.BoolType, "Whether the certificate is a CA (basicConstraints CA:TRUE)."},
	{"max_path_length", types.Int64Type, "A CA's path length constraint, as the CA resources' `max_path_length`: null when unlimited, and for leaf certificates."},
	{"key_algorithm", types.StringType, "The key algorithm in the resources' `key_algorithm` names, e.g. `ECDSA_P256` or `RSA_2048`; null for keys the provider does not support (such as RSA below 2048 bits)."},
	{"extended_key_usages", types.ListType{ElemType: types.StringType}, "Extended key usages in the order the certificate carries them: the names of the leaf resources' `extended_key_usages` (" +
		mdList(pki.ExtKeyUsageNames()) + ") where one applies, dotted OIDs for the others; empty when the certificate has no extendedKeyUsage extension."},
}

func certificateInfoAttrTypes() map[string]attr.Type {
	types := make(map[string]attr.Type, len(certificateInfoFields))
	for _, f := range certificateInfoFields {
		types[f.name] = f.typ
	}
	return types
}

// certificateInfoValues is the certificate_info object of info.
func certificateInfoValues(info pki.CertificateInfo) map[string]attr.Value {
	maxPath := types.Int64Null()
	if info.MaxPathLength != nil {
		maxPath = types.Int64Value(int64(*info.MaxPathLength))
	}
	keyAlg := types.StringNull()
	if info.KeyAlgorithm != "" {
		keyAlg = types.StringValue(info.KeyAlgorithm)
	}
	return map[string]attr.Value{
		"subject":             subjectObject(info.Subject),
		"subject_dn":          types.StringValue(info.SubjectDN),
		"issuer_dn":           types.StringValue(info.IssuerDN),
		"dns_names":           stringListValue(info.DNSNames),
		"ip_addresses":        stringListValue(info.IPAddresses),
		"uris":                stringListValue(info.URIs),
		"email_addresses":     stringListValue(info.EmailAddresses),
		"serial_number":       types.StringValue(info.SerialNumber),
		"not_before":          types.StringValue(info.NotBefore),
		"not_after":           types.StringValue(info.NotAfter),
		"fingerprint_sha256":  types.StringValue(info.FingerprintSHA256),
		"is_ca":               types.BoolValue(info.IsCA),
		"max_path_length":     maxPath,
		"key_algorithm":       keyAlg,
		"extended_key_usages": stringListValue(info.ExtendedKeyUsages),
	}
}

// fieldsMarkdown documents the certificate_info attributes, for the function
// docs (the data source's come from its schema).
func fieldsMarkdown() string {
	var b strings.Builder
	for _, f := range certificateInfoFields {
		fmt.Fprintf(&b, "- `%s` (%s) %s\n", f.name, typeName(f.typ), f.desc)
	}
	return b.String()
}

func typeName(t attr.Type) string {
	switch {
	case t.Equal(types.BoolType):
		return "Boolean"
	case t.Equal(types.Int64Type):
		return "Number"
	case t.Equal(types.StringType):
		return "String"
	case t.Equal(types.ListType{ElemType: types.StringType}):
		return "List of String"
	}
	return "Object"
}

// pemParameter is the one PEM argument of the functions that read a single
// certificate.
func pemParameter(desc string) function.StringParameter {
	return function.StringParameter{Name: "pem", MarkdownDescription: desc}
}

// certificateArgument reads the first certificate of argument pos; a
// function error names the argument otherwise.
func certificateArgument(text string, pos int64) (*pki.CertificateInfo, *function.FuncError) {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		return nil, function.NewArgumentFuncError(pos, "Invalid certificate: "+err.Error()+". Pass PEM text such as a resource's cert_pem, or file(\"cert.pem\").")
	}
	info := pki.Inspect(certs[0])
	return &info, nil
}

type certificateInfoFunction struct{}

var _ function.Function = certificateInfoFunction{}

func NewCertificateInfoFunction() function.Function { return certificateInfoFunction{} }

func (certificateInfoFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "certificate_info"
}

func (certificateInfoFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Describes a PEM certificate",
		MarkdownDescription: "Reads the first certificate of a PEM text and returns an object whose attributes are named, and formatted, as the certificate resources name them, " +
			"so that `provider::mtls::certificate_info(mtls_server_cert.web.cert_pem).not_after` equals `mtls_server_cert.web.not_after`. " +
			"Certificates made elsewhere (`file(\"cert.pem\")`) work as well. For every certificate of a bundle, use `split_pem` or the `mtls_certificate` data source, " +
			"which also gives the hours left before expiry. Fails, naming the argument, when the text holds no certificate (for example a private key).\n\n" +
			"The object's attributes:\n\n" + fieldsMarkdown(),
		Parameters: []function.Parameter{pemParameter("A certificate in PEM (`-----BEGIN CERTIFICATE-----`); when it holds several, the first is described.")},
		Return:     function.ObjectReturn{AttributeTypes: certificateInfoAttrTypes()},
	}
}

func (certificateInfoFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	if resp.Error = req.Arguments.Get(ctx, &text); resp.Error != nil {
		return
	}
	info, ferr := certificateArgument(text, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	obj, diags := types.ObjectValue(certificateInfoAttrTypes(), certificateInfoValues(*info))
	if resp.Error = function.FuncErrorFromDiags(ctx, diags); resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}

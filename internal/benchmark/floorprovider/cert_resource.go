package floorprovider

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// certResource is floor_cert. Read, Update and Delete do nothing: the floor
// is what every certificate resource pays at the least, so it neither
// re-checks its state on refresh nor has anything to clean up.
type certResource struct{}

type certModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	PrivateKeyPEM types.String `tfsdk:"private_key_pem"`
	CertPEM       types.String `tfsdk:"cert_pem"`
}

func newCertResource() resource.Resource { return certResource{} }

func (certResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cert"
}

func (certResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// The computed attributes keep their state like the mtls resources do,
	// so that a no-change plan costs the same plan modifiers.
	kept := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "One ECDSA P-256 key and a self-signed certificate named name.",
		Attributes: map[string]schema.Attribute{
			"id":              schema.StringAttribute{Computed: true, PlanModifiers: kept},
			"name":            schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"private_key_pem": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: kept},
			"cert_pem":        schema.StringAttribute{Computed: true, PlanModifiers: kept},
		},
	}
}

func (certResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m certModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := selfSigned(m.Name.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot make the floor certificate", err.Error())
		return
	}
	m.ID = types.StringValue(c.serialHex)
	m.PrivateKeyPEM = types.StringValue(c.key.PKCS8PEM)
	m.CertPEM = types.StringValue(c.certPEM)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// selfSignedCert is one floor key and certificate in the forms the floor's
// resources store.
type selfSignedCert struct {
	key                 pki.EncodedKey
	certPEM             string
	der                 []byte
	serialHex           string
	notBefore, notAfter time.Time
}

// selfSigned makes the key and certificate with the same key generation and
// key encoding as the mtls provider (internal/pki), and crypto/x509 alone
// for the certificate: no profile, no checks, no verification.
func selfSigned(name string) (selfSignedCert, error) {
	var c selfSignedCert
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		return c, err
	}
	if c.key, err = pki.EncodeKey(key); err != nil {
		return c, err
	}
	serial, err := pki.NewSerialNumber()
	if err != nil {
		return c, err
	}
	c.notBefore = time.Now()
	c.notAfter = c.notBefore.Add(90 * 24 * time.Hour)
	c.der, err = x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    c.notBefore,
		NotAfter:     c.notAfter,
	}, &x509.Certificate{Subject: pkix.Name{CommonName: name}}, key.Public(), key)
	if err != nil {
		return c, err
	}
	c.certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der}))
	c.serialHex = serial.Text(16)
	return c, nil
}

func (certResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is never called with a change (name replaces) but must exist.
func (certResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (certResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

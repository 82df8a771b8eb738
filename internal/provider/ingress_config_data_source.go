package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

type ingressConfigModel struct {
	Controller                types.String           `tfsdk:"controller"`
	Namespace                 types.String           `tfsdk:"namespace"`
	Name                      types.String           `tfsdk:"name"`
	Hosts                     []string               `tfsdk:"hosts"`
	ServiceName               types.String           `tfsdk:"service_name"`
	ServicePort               types.Int64            `tfsdk:"service_port"`
	ServiceNamespace          types.String           `tfsdk:"service_namespace"`
	IngressClassName          types.String           `tfsdk:"ingress_class_name"`
	TLSSecretName             types.String           `tfsdk:"tls_secret_name"`
	CASecretName              types.String           `tfsdk:"ca_secret_name"`
	TLSCertPEM                types.String           `tfsdk:"tls_cert_pem"`
	TLSKeyPEM                 types.String           `tfsdk:"tls_key_pem"`
	ClientCAPEM               types.String           `tfsdk:"client_ca_pem"`
	ClientCRLPEM              types.String           `tfsdk:"client_crl_pem"`
	VerifyClient              types.String           `tfsdk:"verify_client"`
	VerifyDepth               types.Int64            `tfsdk:"verify_depth"`
	PassCertificateToUpstream types.Bool             `tfsdk:"pass_certificate_to_upstream"`
	MatchCN                   types.String           `tfsdk:"match_cn"`
	Annotations               map[string]string      `tfsdk:"annotations"`
	CASecret                  *kubernetesSecretModel `tfsdk:"ca_secret"`
	TLSSecret                 *kubernetesSecretModel `tfsdk:"tls_secret"`
	ManifestsYAML             types.String           `tfsdk:"manifests_yaml"`
}

type kubernetesSecretModel struct {
	Name      string            `tfsdk:"name"`
	Namespace string            `tfsdk:"namespace"`
	Type      string            `tfsdk:"type"`
	Data      map[string]string `tfsdk:"data"`
}

func secretModel(s render.KubernetesSecret) *kubernetesSecretModel {
	if s.Name == "" {
		return nil
	}
	return &kubernetesSecretModel{Name: s.Name, Namespace: s.Namespace, Type: s.Type, Data: s.Data}
}

// ingressInput converts the model. client_ca_pem is counted for the
// verification depth; tls_cert_pem is checked against it for a missing
// intermediate, and client_crl_pem for a CRL per CA at now.
func (m *ingressConfigModel) ingressInput(now time.Time, diags *diag.Diagnostics) render.IngressInput {
	clientCAs, caChainDepth, unrooted := inspectClientCABundle(path.Root("client_ca_pem"), m.ClientCAPEM.ValueString(), diags)
	// ingress-nginx (nginx) and istio (Envoy) check the CRL of every CA in
	// the chain and refuse clients when one is missing; traefik, which
	// cannot check CRLs at all, is refused by render.
	if !m.ClientCRLPEM.IsNull() && clientCAs != nil && m.Controller.ValueString() != render.ControllerTraefik {
		inspectCRLs("client_crl_pem", m.ClientCRLPEM.ValueString(), clientCAs, now, diags)
	}
	// The CA Secret is the controller's whole trust store. ingress-nginx
	// (OpenSSL) verifies a client only up to a self-signed root in it, so
	// without the root no client of that CA gets in. Traefik (Go) and
	// Istio (Envoy, which sets X509_V_FLAG_PARTIAL_CHAIN) take any
	// certificate there as a trust anchor, so an intermediate alone works.
	if len(unrooted) > 0 && m.Controller.ValueString() == render.ControllerIngressNginx {
		diags.AddAttributeError(path.Root("client_ca_pem"), "Client CA bundle does not reach a root",
			unrootedDetail("client_ca_pem", unrooted)+" ingress-nginx verifies a client only up to a self-signed root in the CA Secret, so it would refuse every client of that CA.")
	}
	inspectServerChain(path.Root("tls_cert_pem"), m.TLSCertPEM.ValueString(), clientCAs, diags)
	return render.IngressInput{
		Controller:                m.Controller.ValueString(),
		Namespace:                 m.Namespace.ValueString(),
		Name:                      m.Name.ValueString(),
		Hosts:                     m.Hosts,
		ServiceName:               m.ServiceName.ValueString(),
		ServicePort:               int(m.ServicePort.ValueInt64()),
		ServiceNamespace:          m.ServiceNamespace.ValueString(),
		IngressClassName:          m.IngressClassName.ValueString(),
		TLSSecretName:             m.TLSSecretName.ValueString(),
		CASecretName:              m.CASecretName.ValueString(),
		TLSCertPEM:                m.TLSCertPEM.ValueString(),
		TLSKeyPEM:                 m.TLSKeyPEM.ValueString(),
		ClientCAPEM:               m.ClientCAPEM.ValueString(),
		ClientCRLPEM:              m.ClientCRLPEM.ValueString(),
		VerifyClient:              m.VerifyClient.ValueString(),
		VerifyDepth:               int(m.VerifyDepth.ValueInt64()),
		CAChainDepth:              caChainDepth,
		PassCertificateToUpstream: m.PassCertificateToUpstream.ValueBool(),
		MatchCN:                   m.MatchCN.ValueString(),
	}
}

type ingressConfigDataSource struct {
	clocked
}

func (d *ingressConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.configureClock(req.ProviderData)
}

func NewIngressConfigDataSource() datasource.DataSource { return &ingressConfigDataSource{} }

func (d *ingressConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ingress_config"
}

func (d *ingressConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	controllers := []string{render.ControllerIngressNginx, render.ControllerTraefik, render.ControllerIstio}
	secret := func(desc string, sensitive bool) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			Computed: true, Sensitive: sensitive, MarkdownDescription: desc,
			Attributes: map[string]schema.Attribute{
				"name":      schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the Secret."},
				"namespace": schema.StringAttribute{Computed: true, MarkdownDescription: "Namespace of the Secret."},
				"type":      schema.StringAttribute{Computed: true, MarkdownDescription: "Secret type, `kubernetes.io/tls` or `Opaque`."},
				"data": schema.MapAttribute{
					ElementType: types.StringType, Computed: true,
					MarkdownDescription: "Secret data as plain text (not base64), ready for the `data` of a `kubernetes_secret_v1`.",
				},
			},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders client-certificate authentication for a Kubernetes ingress controller: Ingress annotations and the Secrets " +
			"holding the server key pair and the client CA for ingress-nginx and traefik (with a TLSOption), or a Gateway, VirtualService and credential Secret for istio. " +
			"Feed the outputs to `kubernetes_secret_v1` and `kubernetes_ingress_v1`, or apply `manifests_yaml` with kubectl.",
		Attributes: map[string]schema.Attribute{
			"controller": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ingress controller: " + mdList(controllers) + ". traefik needs its kubernetescrd provider; istio uses a Gateway for the pods labelled `istio=ingressgateway`.",
				Validators:          []validator.String{stringvalidator.OneOf(controllers...)},
			},
			"namespace": requiredString("Namespace of everything rendered. For istio, the namespace of the ingress gateway (usually `istio-system`), where Istio reads credential Secrets."),
			"name":      requiredString("Name of the Ingress or Gateway; the Secret names derive from it."),
			"hosts": schema.ListAttribute{
				ElementType: types.StringType, Required: true,
				MarkdownDescription: "DNS names clients use; `*.example.com` wildcards are allowed.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.NoNullValues()},
			},
			"service_name": requiredString("The Service requests are routed to."),
			"service_port": schema.Int64Attribute{
				Required: true, MarkdownDescription: "Port of the Service.",
				Validators: []validator.Int64{int64validator.Between(1, 65535)},
			},
			"service_namespace":  optionalString("Namespace of the Service, for istio only. Defaults to `namespace`; an Ingress can only reach Services in its own namespace."),
			"ingress_class_name": optionalString("Ingress class. Defaults to `nginx` for ingress-nginx and `traefik` for traefik; not used by istio."),
			"tls_secret_name":    optionalString("Name of the Secret with the server key pair. Defaults to `<name>-tls`."),
			"ca_secret_name":     optionalString("Name of the Secret with the client CA. Defaults to `<name>-ca`; not used by istio, which keeps the CA in the TLS Secret."),
			"tls_cert_pem":       requiredString("The server certificate followed by its intermediate CAs (a server certificate's `fullchain_pem`)."),
			"tls_key_pem": schema.StringAttribute{
				Required: true, Sensitive: true,
				MarkdownDescription: "The server certificate's private key in PEM.",
			},
			"client_ca_pem": requiredString("The CAs client certificates must chain to: the issuing CA and the CAs above it up to the root, e.g. a client certificate's " +
				"`ca_chain_pem`, or several such chains side by side, e.g. the old and the new root during a CA rotation. Its longest chain sets the ingress-nginx verification depth. " +
				"ingress-nginx (OpenSSL) verifies clients only up to a self-signed root in this Secret, so there a chain without its root is an error; " +
				"traefik and istio take any CA here as a trust anchor, an intermediate alone included."),
			"client_crl_pem": optionalString("The CRLs of the client CAs in PEM, put into the CA Secret as `ca.crl`: one from every CA in `client_ca_pem`, the root's included, " +
				"e.g. `\"${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}\"`. ingress-nginx and istio (Envoy) check every certificate of a client's chain and refuse the client " +
				"when a CA's CRL is missing or expired, so a missing, expired or not yet valid CRL is an error. Renew and re-apply before `next_update`. " +
				"traefik cannot check CRLs and is refused."),
			"verify_client": optionalString("Client verification in the controller's own terms: ingress-nginx `on` (default), `optional`, `optional_no_ca`; " +
				"traefik `RequireAndVerifyClientCert` (default), `VerifyClientCertIfGiven`, `RequireAnyClientCert`, `RequestClientCert`; istio `MUTUAL` (default), `OPTIONAL_MUTUAL`."),
			"verify_depth": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "ingress-nginx only: how many CA certificates may sit above a client certificate. Unset derives it from `client_ca_pem`; " +
					"when set it must be at least the number of CA certificates there.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"pass_certificate_to_upstream": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Pass the client certificate to the Service in a request header (ingress-nginx `ssl-client-cert`, traefik `X-Forwarded-Tls-Client-Cert`).",
			},
			"match_cn": optionalString("ingress-nginx only: `CN=` followed by a regular expression the client certificate's subject must match."),
			"annotations": schema.MapAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Annotations for the Ingress; empty for istio.",
			},
			"ca_secret":      secret("The Secret with the client CA (`ca.crt`, and `ca.crl` when given). Null for istio, whose CA goes into `tls_secret`.", false),
			"tls_secret":     secret("The Secret with the server certificate and key (`tls.crt`, `tls.key`); for istio also `ca.crt`.", true),
			"manifests_yaml": schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "Every object as multi-document YAML for `kubectl apply`. It contains the private key."},
		},
	}
}

func (d *ingressConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m ingressConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := m.ingressInput(d.clock(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, warnings, err := render.RenderIngress(in)
	if addRenderDiagnostics(&resp.Diagnostics, warnings, err); resp.Diagnostics.HasError() {
		return
	}
	m.Annotations = out.Annotations
	m.CASecret, m.TLSSecret = secretModel(out.CASecret), secretModel(out.TLSSecret)
	m.ManifestsYAML = types.StringValue(out.ManifestsYAML)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

type postgresqlConfigModel struct {
	clientCAInputs
	CertificateFile           types.String              `tfsdk:"certificate_file"`
	CertificateKeyFile        types.String              `tfsdk:"certificate_key_file"`
	MinProtocolVersion        types.String              `tfsdk:"min_protocol_version"`
	Rules                     []postgresqlRuleModel     `tfsdk:"rules"`
	IdentMaps                 []postgresqlIdentMapModel `tfsdk:"ident_maps"`
	Host                      types.String              `tfsdk:"host"`
	ClientRootCertificateFile types.String              `tfsdk:"client_root_certificate_file"`
	ClientCertificateFile     types.String              `tfsdk:"client_certificate_file"`
	ClientKeyFile             types.String              `tfsdk:"client_key_file"`
	PostgreSQLConf            types.String              `tfsdk:"postgresql_conf"`
	PgHBAConf                 types.String              `tfsdk:"pg_hba_conf"`
	PgIdentConf               types.String              `tfsdk:"pg_ident_conf"`
	ConnectionString          types.String              `tfsdk:"connection_string"`
}

type postgresqlRuleModel struct {
	Database   types.String `tfsdk:"database"`
	User       types.String `tfsdk:"user"`
	Address    types.String `tfsdk:"address"`
	AuthMethod types.String `tfsdk:"auth_method"`
	Map        types.String `tfsdk:"map"`
}

type postgresqlIdentMapModel struct {
	Map             types.String `tfsdk:"map"`
	CertificateName types.String `tfsdk:"certificate_name"`
	Role            types.String `tfsdk:"role"`
}

type postgresqlConfigDataSource struct{ clocked }

func NewPostgreSQLConfigDataSource() datasource.DataSource { return &postgresqlConfigDataSource{} }

func (d *postgresqlConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.configureClock(req.ProviderData)
}

func (d *postgresqlConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgresql_config"
}

// postgresqlAuthMethodsDescription describes auth_method from
// render.PostgreSQLAuthMethods, which the validator reads too.
func postgresqlAuthMethodsDescription() string {
	var b strings.Builder
	for i, m := range render.PostgreSQLAuthMethods {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString("`" + m.Name + "` (`" + m.HBA + "`): " + m.Description)
	}
	return b.String()
}

func (d *postgresqlConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	// crl_file and crls_pem say for PostgreSQL what they say for the web servers.
	shared := serverInputAttributes("PostgreSQL")
	requiredPath := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc + " An absolute path on the PostgreSQL host, readable by the server's operating system user."}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	protocols := []string{render.TLSv12, render.TLSv13}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders PostgreSQL's TLS settings, `pg_hba.conf` lines that let the listed roles in only over TLS with a client certificate, " +
			"the `pg_ident.conf` lines of certificate name maps, and the TLS part of a libpq connection string for the clients. " +
			"Nothing is written to disk: include `postgresql_conf` from `postgresql.conf`, put `pg_hba_conf` before the other lines of `pg_hba.conf` " +
			"and `pg_ident_conf` into `pg_ident.conf`, then reload the server. Every name, address and path is checked so that it stays one value of one line.",
		Attributes: map[string]schema.Attribute{
			"certificate_file": requiredPath("The server certificate followed by its intermediate CAs (a server certificate's `fullchain_pem`), rendered as `ssl_cert_file`."),
			"certificate_key_file": requiredPath("The server certificate's private key, rendered as `ssl_key_file`. " +
				"PostgreSQL refuses to start unless the file is owned by the server's user with mode 0600 (or less), or owned by root with mode 0640 and the server's group."),
			"ca_certificate_file": requiredPath(clientCAFileDescription + ", rendered as `ssl_ca_file`. Setting it makes the server ask clients for a certificate."),
			"crl_file":            shared["crl_file"],
			"crls_pem":            shared["crls_pem"],
			"ca_chain_pem": optionalString("The client CA certificates in PEM, as written to `ca_certificate_file`: the CA that issues client certificates and the CAs above it, " +
				"e.g. a client certificate's `ca_chain_pem`, or several such chains side by side. Only read to check that it holds CA certificates, that every chain ends in its root " +
				"(a warning otherwise: PostgreSQL needs the root in `ca_certificate_file`, which the provider does not read), that its longest chain fits OpenSSL's default verification depth of 100, " +
				"which PostgreSQL does not change, and to check `crls_pem`."),
			"min_protocol_version": optionalString("The oldest TLS version the server accepts, rendered as `ssl_min_protocol_version`: "+mdList(protocols)+". Defaults to `"+render.PostgreSQLDefaultMinProtocol+"`.",
				stringvalidator.OneOf(protocols...)),
			"rules": schema.ListNestedAttribute{
				Required: true,
				MarkdownDescription: "Who may connect: one `hostssl` line of `pg_hba.conf` each, in this order, and for each a `hostnossl ... reject` line, " +
					"so the same database, role and address are refused without TLS whatever later lines of `pg_hba.conf` allow. Every rule needs a client certificate.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"database": requiredString("A database name, or one of the keywords `all`, `sameuser`, `samerole`, `replication`. Any other value is written quoted, as one literal name " +
						"(`\"ALL\"` is a database called ALL); a comma (a list), a leading `@` (a file) or `/` (a regular expression in PostgreSQL 16) is refused: write one rule per database."),
					"user": requiredString("A role name, `all`, or `+group` for the members of role `group` (a plain name: letters, digits, `_` and `$`). " +
						"Any other value is written quoted, as one literal name; a comma, a leading `@` or `/` is refused. With `auth_method = \"cert\"` and no `map`, " +
						"a client certificate's common name must be this role."),
					"address": requiredString("Where clients connect from: a CIDR range (`10.0.0.0/8`, `::1/128`), an IP address (one host), a host name, a `.example.com` domain suffix, " +
						"or `all`, `samehost`, `samenet`. Host names need forward and reverse DNS that agree, as PostgreSQL checks both."),
					"auth_method": optionalString("How the role is authenticated: "+postgresqlAuthMethodsDescription()+". Defaults to `cert`. "+
						"Neither lets a client in without a certificate.", stringvalidator.OneOf(render.PostgreSQLAuthMethodNames()...)),
					"map": optionalString("A map of `ident_maps` that says which certificate common names may log in as which roles, rendered as `map=`; only with `auth_method = \"cert\"`. " +
						"Unset, the common name must equal the role."),
				}},
			},
			"ident_maps": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "The lines of `pg_ident.conf`: each lets certificates of one common name (or matching a regular expression) log in as one role through the rules whose `map` names it.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"map": requiredString("The map name, as a rule's `map` names it: letters, digits and `_`."),
					"certificate_name": requiredString("The client certificate's common name, or a regular expression after `/` (e.g. `/^(.*)@example\\.com$`) matched against it. " +
						"Anchor an expression with `^` and `$`: it is matched anywhere in the name otherwise, which is a warning."),
					"role": requiredString("The role that certificate may log in as; `\\1` stands for the first parenthesized group of a regular expression in `certificate_name`."),
				}},
			},
			"host": optionalString("The host name (or IP address) clients connect to, as the server certificate names it; `sslmode=verify-full` checks it. Only for `connection_string`."),
			"client_root_certificate_file": optionalString("The root CA certificate of the server certificate on the client host (e.g. the root's `cert_pem`), for `connection_string` (`sslrootcert`). " +
				"Unset, libpq reads `~/.postgresql/root.crt`."),
			"client_certificate_file": optionalString("The client certificate on the client host, followed by its intermediate CAs (a client certificate's `fullchain_pem`), for `connection_string` (`sslcert`). " +
				"Unset, libpq reads `~/.postgresql/postgresql.crt`."),
			"client_key_file": optionalString("The client certificate's private key on the client host, for `connection_string` (`sslkey`). " +
				"libpq refuses a key file that others can read: it must be owned by the user running the client with mode 0600 (or less), or owned by root with mode 0640 or less. " +
				"Unset, libpq reads `~/.postgresql/postgresql.key`."),
			"postgresql_conf": computed("The TLS settings (`ssl = on`, `ssl_cert_file`, `ssl_key_file`, `ssl_ca_file`, `ssl_crl_file`, `ssl_min_protocol_version`), " +
				"to write into a file that `postgresql.conf` includes (`include '/etc/postgresql/mtls.conf'`) or to append to it."),
			"pg_hba_conf": computed("The `hostssl` lines of `rules` followed by their `hostnossl ... reject` lines, to put before any other lines of `pg_hba.conf` (the first matching line decides). " +
				"It allows no connection without TLS or without a client certificate."),
			"pg_ident_conf": computed("The lines of `ident_maps` for `pg_ident.conf` (only comments when there are none)."),
			"connection_string": computed("The TLS part of a libpq connection string for clients: `host` when set, `sslmode=verify-full` (the server's certificate must chain to `sslrootcert` " +
				"and name the host), and `sslrootcert`, `sslcert`, `sslkey` for the client files that are set. Add `port`, `dbname` and `user`, e.g. " +
				"`psql \"${data.mtls_postgresql_config.db.connection_string} dbname=app user=alice\"`."),
		},
	}
}

func (d *postgresqlConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m postgresqlConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := render.PostgreSQLInput{
		CertificateFile:           m.CertificateFile.ValueString(),
		CertificateKeyFile:        m.CertificateKeyFile.ValueString(),
		CACertificateFile:         m.CACertificateFile.ValueString(),
		CRLFile:                   m.CRLFile.ValueString(),
		MinProtocolVersion:        m.MinProtocolVersion.ValueString(),
		Host:                      m.Host.ValueString(),
		ClientRootCertificateFile: m.ClientRootCertificateFile.ValueString(),
		ClientCertificateFile:     m.ClientCertificateFile.ValueString(),
		ClientKeyFile:             m.ClientKeyFile.ValueString(),
	}
	for _, r := range m.Rules {
		in.Rules = append(in.Rules, render.PostgreSQLRule{
			Database: r.Database.ValueString(), User: r.User.ValueString(), Address: r.Address.ValueString(),
			AuthMethod: r.AuthMethod.ValueString(), Map: r.Map.ValueString(),
		})
	}
	for _, im := range m.IdentMaps {
		in.IdentMaps = append(in.IdentMaps, render.PostgreSQLIdentMap{
			Map: im.Map.ValueString(), CertificateName: im.CertificateName.ValueString(), Role: im.Role.ValueString(),
		})
	}
	in.CAChainDepth = m.checkClientCAChain(d.clock(),
		"PostgreSQL verifies a client only up to a self-signed root in ca_certificate_file, so that file must hold the roots too.", &resp.Diagnostics).depth
	if resp.Diagnostics.HasError() {
		return
	}
	out, warnings, err := render.RenderPostgreSQL(in)
	if addRenderDiagnostics(&resp.Diagnostics, warnings, err); resp.Diagnostics.HasError() {
		return
	}
	m.PostgreSQLConf = types.StringValue(out.PostgreSQLConf)
	m.PgHBAConf = types.StringValue(out.PgHBAConf)
	m.PgIdentConf = types.StringValue(out.PgIdentConf)
	m.ConnectionString = types.StringValue(out.ConnectionString)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

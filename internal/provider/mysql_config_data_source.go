package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
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

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

type mysqlUserModel struct {
	Name          types.String `tfsdk:"name"`
	Host          types.String `tfsdk:"host"`
	ClientCertPEM types.String `tfsdk:"client_cert_pem"`
	Subject       types.String `tfsdk:"subject"`
	Issuer        types.String `tfsdk:"issuer"`
}

type mysqlClientModel struct {
	CertificateFile    types.String `tfsdk:"certificate_file"`
	CertificateKeyFile types.String `tfsdk:"certificate_key_file"`
	CACertificateFile  types.String `tfsdk:"ca_certificate_file"`
	Host               types.String `tfsdk:"host"`
	Port               types.Int64  `tfsdk:"port"`
	User               types.String `tfsdk:"user"`
}

type mysqlConfigModel struct {
	clientCAInputs
	Flavor                 types.String      `tfsdk:"flavor"`
	CertificateFile        types.String      `tfsdk:"certificate_file"`
	CertificateKeyFile     types.String      `tfsdk:"certificate_key_file"`
	TLSVersions            []string          `tfsdk:"tls_versions"`
	RequireSecureTransport types.Bool        `tfsdk:"require_secure_transport"`
	Users                  []mysqlUserModel  `tfsdk:"users"`
	Client                 *mysqlClientModel `tfsdk:"client"`
	MyCnf                  types.String      `tfsdk:"my_cnf"`
	UsersSQL               types.String      `tfsdk:"users_sql"`
	ClientCnf              types.String      `tfsdk:"client_cnf"`
}

type mysqlConfigDataSource struct{ clocked }

func NewMySQLConfigDataSource() datasource.DataSource { return &mysqlConfigDataSource{} }

func (d *mysqlConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.configureClock(req.ProviderData)
}

func (d *mysqlConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mysql_config"
}

func (d *mysqlConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	serverPath := func(desc string, required bool) schema.StringAttribute {
		return schema.StringAttribute{Required: required, Optional: !required, Validators: nonEmpty, MarkdownDescription: desc + " An absolute path on the database host."}
	}
	clientPath := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, Validators: nonEmpty, MarkdownDescription: desc + " An absolute path on the client host."}
	}
	flavors := []string{render.MySQLFlavorMariaDB, render.MySQLFlavorMySQL}
	protocols := []string{render.TLSv12, render.TLSv13}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders the TLS settings of a MariaDB or MySQL server that knows its clients by their certificates: a `[mysqld]` option file section, " +
			"the SQL that creates the accounts and pins each to its certificate's subject and issuer, and a `[client]` section for the `mariadb` or `mysql` command-line client. " +
			"Nothing is written to disk or sent to a server: put `my_cnf` into a file the server reads (e.g. `/etc/mysql/mariadb.conf.d/60-tls.cnf`, or `/etc/mysql/conf.d/` for MySQL) " +
			"next to the certificate files it names, restart the server, then run `users_sql` as an administrator.",
		Attributes: map[string]schema.Attribute{
			"flavor": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The server: " + mdList(flavors) + ". Defaults to `mariadb` (MariaDB 10.5 or later); `mysql` is MySQL 8.0 or later. " +
					"The `[mysqld]` options and the SQL are the same for both; the flavors differ in the longest user name (128 and 32 characters) " +
					"and in how the `[client]` section asks for a verified server: `ssl-verify-server-cert` for MariaDB's client, which stops at an unknown `ssl-mode`, " +
					"and `ssl-mode = VERIFY_IDENTITY` for MySQL 8's, which no longer has `ssl-verify-server-cert`.",
				Validators: []validator.String{stringvalidator.OneOf(flavors...)},
			},
			"certificate_file":     serverPath("The server certificate followed by its intermediate CAs (a server certificate's `fullchain_pem`), as `ssl_cert`.", true),
			"certificate_key_file": serverPath("The server certificate's private key, unencrypted, as `ssl_key`: readable by the user the server runs as (`mysql`), and by nobody else.", true),
			"ca_certificate_file":  serverPath(clientCAFileDescription+", as `ssl_ca`. The server also sends their names to clients as the acceptable issuers.", true),
			"crl_file": serverPath("A "+crlBundleDescription+", as `ssl_crl`: "+
				"the server refuses a client whose certificate, or whose CA's certificate, is revoked. It reads the file at start and on `FLUSH SSL` (MariaDB) or "+
				"`ALTER INSTANCE RELOAD TLS` (MySQL): run one after each new CRL. Unset disables revocation checking.", false),
			// Without the consequence the web servers' crls_pem states: the
			// live test shows MariaDB refusing a revoked client, not what it
			// does without a current CRL.
			"crls_pem": crlsPEMAttribute(""),
			"ca_chain_pem": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The client CA certificates in PEM, as written to `ca_certificate_file`, e.g. a client certificate's `ca_chain_pem`. Only read, to check that it holds CA certificates " +
					"that reach a root, and that every `client_cert_pem` verifies against it for client authentication now. The servers have no verification depth to set " +
					"(OpenSSL's default of 100 CAs applies), so none is derived.",
				Validators: nonEmpty,
			},
			"tls_versions": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "TLS versions to accept, as `tls_version`: " + mdList(protocols) + ". Defaults to both.",
				Validators:          []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.OneOf(protocols...))},
			},
			"require_secure_transport": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Refuse TCP connections without TLS for every account (`require_secure_transport = ON`); the Unix socket stays open. " +
					"Defaults to `true`. The accounts in `users` need their certificate either way.",
			},
			"users": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Accounts that log in with a client certificate. For each, `users_sql` creates the account if it is missing and requires " +
					"`SUBJECT` and `ISSUER` as the server compares them: OpenSSL's one-line form, `/C=SE/O=Example/CN=alice`, in the certificate's order, " +
					"with `\\/` and `\\+` for a `/` and `+` in a value and `\\xHH` for each byte outside printable ASCII. " +
					"Give `client_cert_pem`, from which both are derived, or `subject` and `issuer` in that form.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "The user name. Quotes and backslashes are escaped; control characters, `%` and an empty name (the anonymous user) are refused.",
					},
					"host": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Where the user may connect from: a host name, an IP address, a pattern with `%` and `_`, or `address/netmask`. " +
							"Defaults to `%` (anywhere): the certificate identifies the client.",
						Validators: nonEmpty,
					},
					"client_cert_pem": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The user's client certificate in PEM (a client certificate's `cert_pem`). Its subject and issuer are written in the server's form; " +
							"the certificate must allow client authentication. Excludes `subject` and `issuer`.",
						Validators: append(nonEmpty, stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("subject"), path.MatchRelative().AtParent().AtName("issuer"))),
					},
					"subject": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The subject the certificate must carry, in the server's form, e.g. `/O=Example/CN=alice`, when there is no `client_cert_pem`. Needs `issuer`.",
						Validators:          append(nonEmpty, stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("issuer"))),
					},
					"issuer": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The subject of the CA that must have issued the certificate, in the server's form. Needs `subject`: " +
							"without an issuer any CA in `ca_certificate_file` could issue a certificate with that subject.",
						Validators: append(nonEmpty, stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("subject"))),
					},
				}},
			},
			"client": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Renders `client_cnf` for one client host.",
				Attributes: map[string]schema.Attribute{
					"certificate_file":     clientPath("The client certificate, as `ssl-cert`."),
					"certificate_key_file": clientPath("The client certificate's private key, unencrypted, as `ssl-key`."),
					"ca_certificate_file":  clientPath("The CAs that issued the server certificate, up to the root, as `ssl-ca`."),
					"host": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						MarkdownDescription: "The server to connect to, as the server certificate names it: the client checks the certificate against it. " +
							"Not `localhost`, which the clients reach through the Unix socket, without TLS.",
					},
					"port": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "The server's TCP port. Unset means 3306.",
						Validators: []validator.Int64{int64validator.Between(1, 65535)},
					},
					"user": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						MarkdownDescription: "The account to log in as: the `name` of one of `users`.",
					},
				},
			},
			"my_cnf": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "A `[mysqld]` option file section: `ssl_cert`, `ssl_key`, `ssl_ca`, `ssl_crl` (with `crl_file`), `tls_version` and `require_secure_transport`. " +
					"The server reads it at start.",
			},
			"users_sql": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "SQL that creates each account of `users` unless it exists (`CREATE USER IF NOT EXISTS`) and sets the certificate it needs (`ALTER USER ... REQUIRE SUBJECT ... AND ISSUER ...`). " +
					"Running it again changes nothing that is right already. It leaves passwords and privileges alone: a new account has an empty password, " +
					"so the certificate is what admits it; add `GRANT`s, and a password if you want one as well. The statements run with an empty `sql_mode` (restored at the end), " +
					"so that the escaped strings read the same whatever the server's `NO_BACKSLASH_ESCAPES`. Empty without `users`.",
			},
			"client_cnf": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "A `[client]` option file section for the `mariadb` or `mysql` client (`~/.my.cnf`, or `--defaults-extra-file`): the client certificate, " +
					"the CA to verify the server with, and server verification in the flavor's syntax. Empty without `client`.",
			},
		},
	}
}

func (d *mysqlConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m mysqlConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := d.clock()
	in := render.MySQLInput{
		Flavor:                 m.Flavor.ValueString(),
		CertificateFile:        m.CertificateFile.ValueString(),
		CertificateKeyFile:     m.CertificateKeyFile.ValueString(),
		CACertificateFile:      m.CACertificateFile.ValueString(),
		CRLFile:                m.CRLFile.ValueString(),
		TLSVersions:            m.TLSVersions,
		RequireSecureTransport: m.RequireSecureTransport.IsNull() || m.RequireSecureTransport.ValueBool(),
	}

	chain := m.checkClientCAChain(now,
		"MariaDB and MySQL verify a client only up to a self-signed root in ca_certificate_file, so that file must hold the roots too.", &resp.Diagnostics)
	// Only a rooted chain verifies client certificates here; an unrooted one
	// is a warning, since ca_certificate_file may hold the roots.
	var bundle *pki.TrustBundle
	if chain.cas != nil && chain.rooted {
		var err error
		if bundle, err = pki.NewTrustBundle("ca_chain_pem", chain.cas); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("ca_chain_pem"), "Invalid CA chain", err.Error()+".")
		}
	}

	for i, u := range m.Users {
		user := render.MySQLUser{Name: u.Name.ValueString(), Host: u.Host.ValueString()}
		at := path.Root("users").AtListIndex(i)
		switch {
		case !u.ClientCertPEM.IsNull():
			user.Source = "client_cert_pem"
			user.Subject, user.Issuer = mysqlNamesFromCertificate(at.AtName("client_cert_pem"), u.ClientCertPEM.ValueString(), bundle, now, &resp.Diagnostics)
		case !u.Subject.IsNull() || !u.Issuer.IsNull():
			user.Subject, user.Issuer = u.Subject.ValueString(), u.Issuer.ValueString()
		default:
			resp.Diagnostics.AddAttributeError(at, "No certificate for the user",
				fmt.Sprintf("users[%d] needs client_cert_pem (e.g. mtls_client_cert.<name>.cert_pem), or subject and issuer in the server's form (e.g. \"/O=Example/CN=alice\" and \"/CN=Example Issuing CA\"), to say which certificate it logs in with.", i))
		}
		in.Users = append(in.Users, user)
	}
	if c := m.Client; c != nil {
		in.Client = &render.MySQLClient{
			CertificateFile:    c.CertificateFile.ValueString(),
			CertificateKeyFile: c.CertificateKeyFile.ValueString(),
			CACertificateFile:  c.CACertificateFile.ValueString(),
			Host:               c.Host.ValueString(),
			Port:               int(c.Port.ValueInt64()),
			User:               c.User.ValueString(),
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	out, warnings, err := render.RenderMySQL(in)
	if addRenderDiagnostics(&resp.Diagnostics, warnings, err); resp.Diagnostics.HasError() {
		return
	}
	m.MyCnf, m.UsersSQL, m.ClientCnf = types.StringValue(out.MyCnf), types.StringValue(out.UsersSQL), types.StringValue(out.ClientCnf)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// mysqlNamesFromCertificate writes a client certificate's subject and
// issuer as the server compares them, after checking that it is one client
// certificate and, with a CA bundle, that it verifies against it.
func mysqlNamesFromCertificate(at path.Path, text string, bundle *pki.TrustBundle, now time.Time, diags *diag.Diagnostics) (subject, issuer string) {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		diags.AddAttributeError(at, "Invalid client certificate", fmt.Sprintf("%v. Give the PEM client certificate, e.g. mtls_client_cert.<name>.cert_pem.", err))
		return "", ""
	}
	cert := certs[0]
	switch {
	case len(certs) > 1:
		diags.AddAttributeError(at, "More than one certificate",
			fmt.Sprintf("client_cert_pem holds %d certificates; give the client certificate alone (cert_pem, not a chain), so it is clear whose subject to require.", len(certs)))
		return "", ""
	case cert.IsCA:
		diags.AddAttributeError(at, "CA certificate instead of a client certificate",
			fmt.Sprintf("%q is a CA certificate. Give the certificate the client presents, e.g. mtls_client_cert.<name>.cert_pem.", cert.Subject.String()))
		return "", ""
	case len(cert.ExtKeyUsage) > 0 && !slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageClientAuth) && !slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageAny):
		diags.AddAttributeError(at, "Certificate not for client authentication",
			fmt.Sprintf("%q does not allow client authentication (its extended key usage lacks client_auth), so the server refuses it. Issue it with mtls_client_cert.", cert.Subject.String()))
		return "", ""
	}
	if bundle != nil {
		if err := bundle.Verify("client_cert_pem", certs, x509.ExtKeyUsageClientAuth, now); err != nil {
			diags.AddAttributeError(at, "Client certificate does not verify", fmt.Sprintf("%v. The server would refuse it: issue it from a CA in ca_chain_pem, or add its CA there and to ca_certificate_file.", err))
			return "", ""
		}
	}
	subject, err = pki.OnelineName(cert.RawSubject)
	if err != nil {
		diags.AddAttributeError(at, "Subject cannot be written for the server",
			fmt.Sprintf("The subject of the certificate cannot be written as the server compares it: %v. Give subject and issuer instead, as the server's log prints them (\"X509 subject mismatch\").", err))
		return "", ""
	}
	if issuer, err = pki.OnelineName(cert.RawIssuer); err != nil {
		diags.AddAttributeError(at, "Issuer cannot be written for the server",
			fmt.Sprintf("The issuer of the certificate cannot be written as the server compares it: %v. Give subject and issuer instead, as the server's log prints them (\"X509 issuer mismatch\").", err))
		return "", ""
	}
	return subject, issuer
}

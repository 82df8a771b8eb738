# A MariaDB server that admits two accounts by their client certificates,
# issued by an intermediate CA, and refuses every connection without TLS.
locals {
  client_ca_pem = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  # One CRL per CA of the client chain, in one file.
  client_crls_pem = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
}

data "mtls_mysql_config" "db" {
  flavor = "mariadb" # or "mysql"

  certificate_file     = "/etc/mysql/ssl/server-fullchain.pem"
  certificate_key_file = "/etc/mysql/ssl/server.key"
  ca_certificate_file  = "/etc/mysql/ssl/client-ca.pem"
  ca_chain_pem         = local.client_ca_pem
  crl_file             = "/etc/mysql/ssl/client-crls.pem"
  crls_pem             = local.client_crls_pem # checked: a current CRL per CA
  tls_versions         = ["TLSv1.3"]

  users = [
    # REQUIRE SUBJECT '/O=Example/CN=app' AND ISSUER '/CN=Example Issuing CA'
    { name = "app", host = "10.0.%", client_cert_pem = mtls_client_cert.app.cert_pem },
    # A certificate made elsewhere: its names in the server's one-line form.
    { name = "backup", subject = "/O=Example/CN=backup", issuer = "/CN=Example Issuing CA" },
  ]

  # ~/.my.cnf of the app host: `mariadb` then connects as app, verifying
  # the server.
  client = {
    certificate_file     = "/home/app/.mysql/app.pem"
    certificate_key_file = "/home/app/.mysql/app.key"
    ca_certificate_file  = "/home/app/.mysql/root.pem"
    host                 = "db.example.internal"
    user                 = "app"
  }
}

# Debian's MariaDB reads every .cnf here; restart it after a change.
resource "local_file" "tls_cnf" {
  filename = "/etc/mysql/mariadb.conf.d/60-mtls.cnf"
  content  = data.mtls_mysql_config.db.my_cnf
}

resource "local_file" "client_ca" {
  filename = "/etc/mysql/ssl/client-ca.pem"
  content  = local.client_ca_pem
}

# Read at start and on FLUSH SSL: run it after each new CRL.
resource "local_file" "client_crls" {
  filename = "/etc/mysql/ssl/client-crls.pem"
  content  = local.client_crls_pem
}

# Run as an administrator once the server has restarted:
#   terraform output -raw users_sql | sudo mariadb
output "users_sql" {
  value = data.mtls_mysql_config.db.users_sql
}

output "client_cnf" {
  value = data.mtls_mysql_config.db.client_cnf
}

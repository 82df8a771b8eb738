# The CA file PostgreSQL verifies clients against: the issuing intermediate
# and the root. PostgreSQL checks every CA of a client's chain against its
# CRL: one from each, in one file.
locals {
  client_ca_pem   = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  client_crls_pem = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
}

data "mtls_postgresql_config" "db" {
  certificate_file     = "/etc/postgresql/tls/server-fullchain.pem"
  certificate_key_file = "/etc/postgresql/tls/server.key"
  ca_certificate_file  = "/etc/postgresql/tls/client-ca.pem"
  ca_chain_pem         = local.client_ca_pem
  crl_file             = "/etc/postgresql/tls/client-crls.pem"
  crls_pem             = local.client_crls_pem # checked: a current CRL per CA
  min_protocol_version = "TLSv1.3"

  rules = [
    # alice's certificate (common name "alice") logs in as alice.
    { database = "app", user = "alice", address = "10.0.0.0/8" },
    # Service certificates named <role>.svc log in as <role>.
    { database = "app", user = "+services", address = "10.0.0.0/8", map = "services" },
    # A certificate from the CA and the role's password.
    { database = "app", user = "admin", address = "10.0.0.0/8", auth_method = "scram-sha-256" },
  ]
  ident_maps = [
    { map = "services", certificate_name = "/^(.*)\\.svc$", role = "\\1" },
  ]

  # For the clients: psql "<connection_string> dbname=app user=alice"
  host                         = "db.example.internal"
  client_root_certificate_file = "/home/alice/.postgresql/root.crt"
  client_certificate_file      = "/home/alice/.postgresql/alice.crt"
  client_key_file              = "/home/alice/.postgresql/alice.key"
}

# Included from postgresql.conf: include '/etc/postgresql/15/main/conf.d/mtls.conf'
# (Debian's postgresql.conf already includes conf.d).
resource "local_file" "ssl_settings" {
  filename = "/etc/postgresql/15/main/conf.d/mtls.conf"
  content  = data.mtls_postgresql_config.db.postgresql_conf
}

# These lines come first in pg_hba.conf: the first matching line decides.
resource "local_file" "pg_hba" {
  filename = "/etc/postgresql/15/main/pg_hba.conf"
  content  = "${data.mtls_postgresql_config.db.pg_hba_conf}local all postgres peer\n"
}

resource "local_file" "pg_ident" {
  filename = "/etc/postgresql/15/main/pg_ident.conf"
  content  = data.mtls_postgresql_config.db.pg_ident_conf
}

resource "local_file" "client_ca" {
  filename = "/etc/postgresql/tls/client-ca.pem"
  content  = local.client_ca_pem
}

# PostgreSQL reads it at start and reload: reload after each new CRL.
resource "local_file" "client_crls" {
  filename = "/etc/postgresql/tls/client-crls.pem"
  content  = local.client_crls_pem
}

# PostgreSQL wants its key owned by its user (chown postgres) and mode 0600.
resource "local_sensitive_file" "server_key" {
  filename        = "/etc/postgresql/tls/server.key"
  content         = mtls_server_cert.db.private_key_pem
  file_permission = "0600"
}

resource "local_file" "server_chain" {
  filename = "/etc/postgresql/tls/server-fullchain.pem"
  content  = mtls_server_cert.db.fullchain_pem
}

output "alice_connection_string" {
  value = "${data.mtls_postgresql_config.db.connection_string} dbname=app user=alice"
}

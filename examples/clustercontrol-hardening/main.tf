# Hardening a ClusterControl host, as the Severalnines walk-through "How to
# Secure the ClusterControl Server" does by hand: HTTPS for the UI with a
# self-signed certificate valid for ten years, TLS between the controller
# (cmon) and the MySQL/MariaDB server that holds its data (cmondb_ssl_key,
# cmondb_ssl_cert, cmondb_ssl_ca), and secrets readable by their owner only.
# What the walk-through adds here: the database also knows cmon by its client
# certificate, refuses unencrypted TCP connections, and checks a CRL.
# Run it on the ClusterControl host as root.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

variable "hostname" {
  description = "The name browsers use for the ClusterControl UI."
  type        = string
  default     = "clustercontrol.example.internal"
}

variable "ui_tls_dir" {
  description = "Where Apache reads the UI certificate (the installer's /etc/ssl/certs/s9server.crt)."
  type        = string
  default     = "/etc/ssl/clustercontrol"
}

variable "db_tls_dir" {
  description = "Where MySQL and cmon read their certificates and keys."
  type        = string
  default     = "/etc/mysql/ssl"
}

variable "mysql_conf_dir" {
  description = "A directory the MySQL server reads every .cnf from: /etc/my.cnf.d on RHEL, /etc/mysql/mariadb.conf.d on Debian."
  type        = string
  default     = "/etc/my.cnf.d"
}

# --- HTTPS for the UI ---------------------------------------------------------
#
# The installer's certificate is self-signed and valid for 3650 days. This
# provider signs every server certificate with a CA, so the self-signed part
# is a root of its own that signs this one certificate and nothing else
# (max_path_length 0, no other use): import its certificate into the browsers
# once, as you would the installer's self-signed one, and keep its key
# offline if you like, since nothing else is ever signed with it.
resource "mtls_root_ca" "ui" {
  subject = {
    common_name  = "ClusterControl UI self-signed"
    organization = "Example Ops"
  }
  validity_period_hours = 3651 * 24
  max_path_length       = 0
}

resource "mtls_server_cert" "ui" {
  ca_cert_pem        = mtls_root_ca.ui.cert_pem
  ca_private_key_pem = mtls_root_ca.ui.private_key_pem
  subject            = { common_name = var.hostname }
  dns_names          = [var.hostname]
  # Ten years, as the installer's certificate (3650 days).
  validity_period_hours = 3650 * 24
}

resource "local_file" "ui_cert" {
  filename = "${var.ui_tls_dir}/s9server.crt"
  content  = mtls_server_cert.ui.fullchain_pem
}

# Apache reads the key as root before it drops privileges: root only.
resource "local_sensitive_file" "ui_key" {
  filename        = "${var.ui_tls_dir}/s9server.key"
  content         = mtls_server_cert.ui.private_key_pem
  file_permission = "0600"
}

# --- MySQL client-server TLS ----------------------------------------------------
#
# A private CA for the database: the MySQL server certificate and cmon's
# client certificate. cmon connects over TCP to 127.0.0.1 (the clients take
# "localhost" for the Unix socket, which has no TLS).
resource "mtls_root_ca" "db" {
  subject = { common_name = "ClusterControl DB Root CA", organization = "Example Ops" }
}

resource "mtls_server_cert" "mysql" {
  ca_cert_pem        = mtls_root_ca.db.cert_pem
  ca_private_key_pem = mtls_root_ca.db.private_key_pem
  subject            = { common_name = var.hostname }
  dns_names          = [var.hostname]
  ip_addresses       = ["127.0.0.1"]
}

# Subject only: MySQL knows cmon by this subject and its issuer.
resource "mtls_client_cert" "cmon" {
  ca_cert_pem        = mtls_root_ca.db.cert_pem
  ca_private_key_pem = mtls_root_ca.db.private_key_pem
  subject = {
    organization = "Example Ops"
    common_name  = "cmon"
  }
}

# Revoke a lost cmon certificate by listing its serial number here; the
# server reads the CRL at start and on FLUSH SSL. Renewed after 15 days:
# run terraform apply at least weekly, or MySQL refuses cmon once it expires.
resource "mtls_crl" "db" {
  ca_cert_pem           = mtls_root_ca.db.cert_pem
  ca_private_key_pem    = mtls_root_ca.db.private_key_pem
  validity_period_hours = 30 * 24
  early_renewal_hours   = 15 * 24
}

data "mtls_mysql_config" "cmondb" {
  flavor               = "mariadb" # "mysql" for MySQL 8
  certificate_file     = "${var.db_tls_dir}/mysql-server.crt"
  certificate_key_file = "${var.db_tls_dir}/mysql-server.key"
  ca_certificate_file  = "${var.db_tls_dir}/ca.crt"
  ca_chain_pem         = mtls_root_ca.db.cert_pem
  crl_file             = "${var.db_tls_dir}/ca.crl"
  crls_pem             = mtls_crl.db.crl_pem
  # Unencrypted TCP is refused. The UI's cmonui account (the walk-through's
  # workaround for a UI without TLS) must then use the Unix socket,
  # 'cmonui'@'localhost', which stays open.
  require_secure_transport = true

  # CREATE USER IF NOT EXISTS 'cmon'@'127.0.0.1'; ALTER USER ... REQUIRE
  # SUBJECT '/O=Example Ops/CN=cmon' AND ISSUER '/O=Example Ops/CN=ClusterControl DB Root CA'.
  # Passwords and grants stay as the installer made them.
  users = [
    { name = "cmon", host = "127.0.0.1", client_cert_pem = mtls_client_cert.cmon.cert_pem },
  ]

  # For the mysql client as root on this host: mysql --defaults-extra-file=...
  client = {
    certificate_file     = "${var.db_tls_dir}/cmon.crt"
    certificate_key_file = "${var.db_tls_dir}/cmon.key"
    ca_certificate_file  = "${var.db_tls_dir}/ca.crt"
    host                 = "127.0.0.1"
    user                 = "cmon"
  }
}

resource "local_file" "mysql_tls_cnf" {
  filename = "${var.mysql_conf_dir}/60-clustercontrol-tls.cnf"
  content  = data.mtls_mysql_config.cmondb.my_cnf
}

resource "local_file" "db_ca" {
  filename = "${var.db_tls_dir}/ca.crt"
  content  = mtls_root_ca.db.cert_pem
}

resource "local_file" "db_crl" {
  filename = "${var.db_tls_dir}/ca.crl"
  content  = mtls_crl.db.crl_pem
}

resource "local_file" "mysql_server_cert" {
  filename = "${var.db_tls_dir}/mysql-server.crt"
  content  = mtls_server_cert.mysql.fullchain_pem
}

# The server runs as mysql and reads its key itself: 0600, then owned by
# mysql (below).
resource "local_sensitive_file" "mysql_server_key" {
  filename        = "${var.db_tls_dir}/mysql-server.key"
  content         = mtls_server_cert.mysql.private_key_pem
  file_permission = "0600"
}

resource "terraform_data" "mysql_key_owner" {
  triggers_replace = [local_sensitive_file.mysql_server_key.id]

  provisioner "local-exec" {
    command = "chown mysql:mysql '${var.db_tls_dir}/mysql-server.key'"
  }
}

# cmon runs as root: its certificate, and its key for root only.
resource "local_file" "cmon_cert" {
  filename = "${var.db_tls_dir}/cmon.crt"
  content  = mtls_client_cert.cmon.cert_pem
}

resource "local_sensitive_file" "cmon_key" {
  filename        = "${var.db_tls_dir}/cmon.key"
  content         = mtls_client_cert.cmon.private_key_pem
  file_permission = "0600"
}

# The walk-through's permission rule for /etc/cmon.cnf and /etc/cmon.d:
# root only. The client section holds no password, but paths to root's key.
resource "local_sensitive_file" "cmon_client_cnf" {
  filename        = "/root/.cmon-mysql.cnf"
  content         = data.mtls_mysql_config.cmondb.client_cnf
  file_permission = "0600"
}

# The lines for /etc/cmon.cnf (and each /etc/cmon.d/cmon_N.cnf), then
# systemctl restart cmon.
output "cmon_cnf_lines" {
  value = <<-EOT
    cmondb_ssl_key=${local_sensitive_file.cmon_key.filename}
    cmondb_ssl_cert=${local_file.cmon_cert.filename}
    cmondb_ssl_ca=${local_file.db_ca.filename}
  EOT
}

# After the MySQL restart: terraform output -raw users_sql | mysql
output "users_sql" {
  value = data.mtls_mysql_config.cmondb.users_sql
}

# Import into the browsers to trust the UI certificate.
output "ui_self_signed_root" {
  value = mtls_root_ca.ui.cert_pem
}

# ClusterControl behind Apache with mutual TLS, as the Severalnines guide
# "Configuring Mutual SSL Authentication in ClusterControl" sets it up by hand
# with openssl: a root CA, a server certificate with SANs for Apache, a
# client certificate with a password-protected key, a .pfx for the browser,
# and SSLVerifyClient require in /etc/apache2/sites-available/s9s-ssl.conf;
# plus what the guide leaves out: a CRL, to lock out a lost client certificate.
# Run it on the ClusterControl host, then: a2enmod ssl headers && systemctl
# reload apache2.

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

variable "tls_dir" {
  description = "Where Apache reads the certificates and keys."
  type        = string
  default     = "/etc/ssl/clustercontrol"
}

variable "revoked_client_serials" {
  description = <<-EOT
    Client certificates Apache must refuse, by serial number: the hex of
    serial_number, or what `openssl x509 -noout -serial` prints for
    certificates made by hand. Write the serial itself, not a reference to
    the certificate resource: a replaced certificate gets a new serial, and a
    reference would then revoke the replacement.
  EOT
  type        = list(string)
  default     = []
}

variable "client_key_passphrase" {
  description = "Protects the client key in the .pfx and the encrypted PEM."
  type        = string
  sensitive   = true
}

resource "mtls_root_ca" "root" {
  key_algorithm = "RSA_4096"
  subject = {
    common_name  = "severalnines-internal-rootCA"
    organization = "Severalnines AB"
  }
  validity_period_hours = 1024 * 24
  # The root signs the server and client certificates itself.
  max_path_length = 0
}

# The SANs of the guide's clustercontrol-ssl.conf; browsers match these,
# not the common name.
resource "mtls_server_cert" "clustercontrol" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  key_algorithm      = "RSA_2048"
  subject = {
    common_name  = "clustercontrol.severalnines.internal"
    organization = "Hallmarkdesign"
    country      = "GB"
    province     = "England"
    locality     = "Brighton"
  }
  dns_names             = ["severalnines.internal", "clustercontrol.severalnines.internal"]
  validity_period_hours = 500 * 24
  early_renewal_hours   = 30 * 24
}

resource "mtls_client_cert" "myclient" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  key_algorithm      = "RSA_4096"
  subject = {
    common_name         = "myclient.severalnines.internal"
    organization        = "Severalnines AB"
    organizational_unit = "Security"
    country             = "SE"
    province            = "Sweden"
    locality            = "Stockholm"
  }
  email_addresses        = ["myclient@severalnines.internal"]
  private_key_passphrase = var.client_key_passphrase
}

# The root's CRL: it lists the revoked client certificates, and Apache
# refuses them once it has read it. It is valid for 30 days and renewed
# after 15: run terraform apply at least weekly (cron, CI), so that it never
# expires, which would lock every client out.
resource "mtls_crl" "root" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  revoked = [for serial in var.revoked_client_serials : {
    serial_number = serial
    reason        = "key_compromise"
  }]
  validity_period_hours = 30 * 24
  early_renewal_hours   = 15 * 24
}

check "crl_fresh" {
  assert {
    condition     = !mtls_crl.root.ready_for_renewal
    error_message = "The CRL expires at ${mtls_crl.root.next_update}: run terraform apply, or Apache will refuse every client."
  }
}

resource "local_file" "crl" {
  filename = "${var.tls_dir}/severalnines-internal-rootCA.crl"
  content  = mtls_crl.root.crl_pem
}

# Apache reads the CRL only at start and reload.
resource "terraform_data" "reload_apache" {
  triggers_replace = [mtls_crl.root.crl_number]
  depends_on       = [local_file.crl, local_file.s9s_ssl_conf]

  provisioner "local-exec" {
    command = "systemctl reload apache2"
  }
}

# The guide's SSLVerifyDepth 10 is replaced by the depth the chain needs.
data "mtls_apache_config" "s9s_ssl" {
  server_name          = "clustercontrol.severalnines.internal"
  server_aliases       = ["severalnines.internal"]
  certificate_file     = "${var.tls_dir}/clustercontrol.crt"
  certificate_key_file = "${var.tls_dir}/clustercontrol.key"
  ca_certificate_file  = "${var.tls_dir}/severalnines-internal-rootCA.crt"
  ca_chain_pem         = mtls_root_ca.root.cert_pem
  crl_file             = "${var.tls_dir}/severalnines-internal-rootCA.crl"
  crls_pem             = mtls_crl.root.crl_pem
  verify_client        = "require"
  document_root        = "/var/www/html"
}

resource "local_file" "root_ca" {
  filename = "${var.tls_dir}/severalnines-internal-rootCA.crt"
  content  = mtls_root_ca.root.cert_pem
}

resource "local_file" "server_cert" {
  filename = "${var.tls_dir}/clustercontrol.crt"
  content  = mtls_server_cert.clustercontrol.fullchain_pem
}

resource "local_sensitive_file" "server_key" {
  filename        = "${var.tls_dir}/clustercontrol.key"
  content         = mtls_server_cert.clustercontrol.private_key_pem
  file_permission = "0600"
}

resource "local_file" "s9s_ssl_conf" {
  filename = "/etc/apache2/sites-available/s9s-ssl.conf"
  content  = data.mtls_apache_config.s9s_ssl.virtual_host
}

# myclient.pfx for Chrome: Settings > Privacy and security > Security >
# Manage certificates > Import, with the passphrase above.
resource "mtls_pkcs12" "myclient" {
  cert_pem        = mtls_client_cert.myclient.cert_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  private_key_pem = mtls_client_cert.myclient.private_key_pem
  friendly_name   = "myclient (ClusterControl)"
  password        = var.client_key_passphrase
}

resource "local_sensitive_file" "myclient_pfx" {
  filename       = "${path.module}/myclient.pfx"
  content_base64 = mtls_pkcs12.myclient.pkcs12_base64
}

# For curl: curl --cert myclient.crt --key myclient-pass.key --pass ...
resource "local_file" "myclient_cert" {
  filename = "${path.module}/myclient.crt"
  content  = mtls_client_cert.myclient.cert_pem
}

resource "local_sensitive_file" "myclient_encrypted_key" {
  filename = "${path.module}/myclient-pass.key"
  content  = mtls_client_cert.myclient.private_key_pem_encrypted
}

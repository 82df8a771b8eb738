# A complete mutual-TLS setup: root CA, intermediate CA, a server certificate
# for localhost, a client certificate, and nginx and Apache configuration
# that requires that client certificate. `make demo` applies it, writes the
# files under .demo/ and proves a live mTLS handshake with them.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
  }
}

resource "mtls_root_ca" "root" {
  subject = {
    common_name  = "Quickstart Root CA"
    organization = "mtls quickstart"
  }
  max_path_length = 1
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject = {
    common_name  = "Quickstart Issuing CA"
    organization = "mtls quickstart"
  }
  max_path_length = 0
}

resource "mtls_server_cert" "localhost" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "localhost" }
  dns_names          = ["localhost"]
  ip_addresses       = ["127.0.0.1", "::1"]
}

resource "mtls_client_cert" "client" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "quickstart-client" }
  email_addresses    = ["client@example.internal"]
}

variable "pki_dir" {
  description = "Absolute path where the certificate files will be written on the server host."
  type        = string
  default     = "/etc/mtls-quickstart"
}

variable "document_root" {
  description = "Absolute path of the directory the servers serve. The server's worker user (www-data, nobody) must be able to read it, so not a private directory such as one under /root."
  type        = string
  default     = "/var/www/mtls-quickstart"
}

variable "port" {
  type    = number
  default = 8443
}

locals {
  # What servers verify clients against: the issuing CA, then the root.
  ca_bundle = "${mtls_intermediate_ca.issuing.cert_pem}${mtls_root_ca.root.cert_pem}"
}

data "mtls_nginx_config" "demo" {
  server_name             = "localhost"
  listen_address          = "127.0.0.1"
  listen                  = var.port
  certificate_file        = "${var.pki_dir}/server-fullchain.pem"
  certificate_key_file    = "${var.pki_dir}/server.key"
  ca_certificate_file     = "${var.pki_dir}/ca-bundle.pem"
  ca_chain_pem            = local.ca_bundle
  document_root           = var.document_root
  forward_client_identity = false
}

data "mtls_apache_config" "demo" {
  server_name          = "localhost"
  listen               = var.port
  certificate_file     = "${var.pki_dir}/server-fullchain.pem"
  certificate_key_file = "${var.pki_dir}/server.key"
  ca_certificate_file  = "${var.pki_dir}/ca-bundle.pem"
  ca_chain_pem         = local.ca_bundle
  document_root        = var.document_root
}

output "nginx_server_block" {
  value = data.mtls_nginx_config.demo.server_block
}

output "apache_virtual_host" {
  value = data.mtls_apache_config.demo.virtual_host
}

output "root_cert_pem" {
  value = mtls_root_ca.root.cert_pem
}

output "ca_bundle_pem" {
  value = local.ca_bundle
}

output "server_fullchain_pem" {
  value = mtls_server_cert.localhost.fullchain_pem
}

output "server_key_pem" {
  value     = mtls_server_cert.localhost.private_key_pem
  sensitive = true
}

output "client_cert_pem" {
  value = mtls_client_cert.client.fullchain_pem
}

output "client_key_pem" {
  value     = mtls_client_cert.client.private_key_pem
  sensitive = true
}

# A complete mutual-TLS PKI: root CA, intermediate CA, a server certificate
# for localhost and a client certificate. `make demo` applies it, writes the
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

output "root_cert_pem" {
  value = mtls_root_ca.root.cert_pem
}

output "ca_bundle_pem" {
  description = "What servers verify clients against: the issuing CA and the root."
  value       = "${mtls_intermediate_ca.issuing.cert_pem}${mtls_root_ca.root.cert_pem}"
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

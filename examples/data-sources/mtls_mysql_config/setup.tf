# What data-source.tf refers to, so that this directory is a whole
# configuration (terraform init && terraform validate pass here). The docs
# show only data-source.tf.

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

resource "mtls_root_ca" "root" {
  subject         = { common_name = "Example Root CA" }
  max_path_length = 1
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Example Issuing CA" }
  max_path_length    = 0
}

resource "mtls_client_cert" "app" {
  ca_cert_pem        = local.client_ca_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { organization = "Example", common_name = "app" }
}

resource "mtls_crl" "root" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  validity_period_hours = 30 * 24
}

resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
}

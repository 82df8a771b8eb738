# What function.tf refers to, so that this directory is a whole configuration
# (terraform init && terraform validate pass here). The docs show only
# function.tf. Provider functions need Terraform 1.8 or later (OpenTofu 1.7).

terraform {
  required_version = ">= 1.8"
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
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

resource "mtls_server_cert" "web" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "web.example.internal" }
  dns_names          = ["web.example.internal"]
}

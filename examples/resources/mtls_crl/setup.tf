# What the other files refer to, so that this directory is a whole
# configuration (terraform init && terraform validate pass here). The docs
# show resource.tf.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
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

resource "mtls_client_cert" "lost_laptop" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "laptop-42" }
  email_addresses    = ["laptop-42@example.internal"]
}

# Write-only arguments (Terraform 1.11 or later, OpenTofu 1.11 or later): the
# secrets below are used at plan and apply but never stored in a plan or in
# the state. Each resource's page shows its file.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
  }
}

# The issuing CA lives outside this configuration (an offline root, another
# team's state): its certificate is public and read from a file, its key
# arrives at every plan and apply in an ephemeral variable, e.g.
# TF_VAR_ca_private_key_pem from a secrets manager. Terraform accepts an
# ephemeral value only in write-only arguments, so it cannot end up in state.
variable "ca_private_key_pem" {
  type      = string
  sensitive = true
  ephemeral = true
}

locals {
  ca_cert_pem = file("${path.module}/external-ca.pem")
}

# Passwords and passphrases the same way.
variable "key_passphrase" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "p12_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

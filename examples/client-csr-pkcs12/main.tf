# A client that makes its own key, as in the Severalnines guide "Configuring
# Mutual SSL Authentication in ClusterControl": the client generates an
# encrypted key and a CSR, and sends only the CSR to the CA's administrator.
#
#   openssl genrsa -aes256 -out myclient-pass.key 4096
#   openssl req -new -key myclient-pass.key -out myclient.csr \
#     -subj "/C=SE/ST=Sweden/L=Stockholm/O=Severalnines AB/OU=Security/CN=myclient.severalnines.internal"
#
# The administrator signs myclient.csr here; the key never enters Terraform
# state. Hand myclient.crt and ca.pem back to the client:
#
#   terraform output -raw myclient_cert_pem > myclient.crt
#   terraform output -raw ca_cert_pem > ca.pem
#
# The client also wants a PKCS#12 (.p12, .pfx) to import into a browser.
# Either way works; the first keeps the key where it was made:
#
# 1. On the client, with openssl (it asks for the key's passphrase, then for
#    the .p12 password):
#
#      openssl pkcs12 -export -inkey myclient-pass.key -in myclient.crt \
#        -certfile ca.pem -name "myclient (ClusterControl)" -out myclient.p12
#
# 2. Here, with mtls_pkcs12: set client_key_file to the client's encrypted
#    key, with client_key_passphrase and p12_password. The key and its
#    passphrase then enter Terraform state (so does the .p12), as if the
#    provider had made the key: keep the state encrypted and its access
#    restricted. Then:
#
#      terraform output -raw myclient_p12_base64 | base64 -d > myclient.p12

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
  }
}

variable "client_key_file" {
  description = "Way 2 only: the client's encrypted key (myclient-pass.key). Null: the client builds the .p12 itself (way 1)."
  type        = string
  default     = null
}

variable "client_key_passphrase" {
  description = "Way 2 only: the passphrase client_key_file is encrypted with."
  type        = string
  sensitive   = true
  default     = null
}

variable "p12_password" {
  description = "Way 2 only: the password that protects the .p12."
  type        = string
  sensitive   = true
  default     = null
}

resource "mtls_root_ca" "root" {
  key_algorithm = "RSA_4096"
  subject = {
    common_name  = "severalnines-internal-rootCA"
    organization = "Severalnines AB"
  }
  max_path_length = 0
}

# The subject comes from the CSR; the key stays with the client.
resource "mtls_client_cert" "myclient" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  csr_pem            = file("${path.module}/myclient.csr")
  # The guide's "Email Address", as a subject alternative name.
  email_addresses = ["myclient@severalnines.internal"]
}

# Way 2: the .p12 from the client's encrypted key and its passphrase.
resource "mtls_pkcs12" "myclient" {
  count = var.client_key_file == null ? 0 : 1

  cert_pem               = mtls_client_cert.myclient.cert_pem
  ca_certs_pem           = mtls_root_ca.root.cert_pem
  private_key_pem        = file(var.client_key_file)
  private_key_passphrase = var.client_key_passphrase
  friendly_name          = "myclient (ClusterControl)"
  password               = var.p12_password
}

output "myclient_cert_pem" {
  value = mtls_client_cert.myclient.cert_pem
}

output "ca_cert_pem" {
  value = mtls_root_ca.root.cert_pem
}

output "myclient_p12_base64" {
  value     = one(mtls_pkcs12.myclient[*].pkcs12_base64)
  sensitive = true
}

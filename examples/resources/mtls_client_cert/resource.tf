# A client certificate whose key the provider generates.
resource "mtls_client_cert" "alice" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem

  subject         = { common_name = "alice" }
  email_addresses = ["alice@example.internal"]

  # Hand the key over encrypted.
  private_key_passphrase = var.alice_key_passphrase
}

# A client certificate for a CSR: the key stays with the client and never
# enters Terraform state (openssl req -new -key client.key -subj /CN=batch
# -out client.csr). The subject comes from the CSR.
resource "mtls_client_cert" "from_csr" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  csr_pem            = file("${path.module}/client.csr")
  uris               = ["spiffe://example.internal/workload/batch"]
}

# Clients named by their subject alone, one per name: PostgreSQL maps the
# common name to the role, MySQL checks it with REQUIRE SUBJECT. Such
# certificates carry no subject alternative names.
resource "mtls_client_cert" "db_user" {
  for_each           = toset(["app", "reporting"])
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = each.key }
}

variable "alice_key_passphrase" {
  type      = string
  sensitive = true
}

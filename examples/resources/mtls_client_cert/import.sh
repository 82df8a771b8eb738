# Adopt a client certificate made by hand, e.g. with
#   openssl x509 -req -in client.csr -CA rootCA.crt -CAkey rootCA.key -CAcreateserial \
#     -out client.crt -days 365 -sha256
# without reissuing it, here in CSR mode: its key never enters state. The ID
# is "CERT_PATH,KEY_OR_CSR_PATH,CA_CERT_PATH,CA_KEY_PATH": the certificate,
# its key (or, in CSR mode, the CSR: the key stays where it is), and the CA
# that issued it, which must have signed it. Encrypted keys
# take their passphrases from MTLS_IMPORT_KEY_PASSPHRASE and
# MTLS_IMPORT_CA_KEY_PASSPHRASE, never from the ID, which Terraform logs.
terraform import mtls_client_cert.example ./client.crt,./client.csr,./rootCA.crt,./rootCA.key

# The CA files are kept as read: pass them with file() (or as the cert_pem and
# private_key_pem of an mtls_root_ca imported from the same files) and the
# plan is empty. Import reads everything else from the certificate: in CSR
# mode the subject and names the CSR asked for are recorded as taken from it
# (leave subject and the names unset, with csr_pem = file("client.csr")),
# extended_key_usages (a certificate without the extension, as
# `openssl x509 -req` makes by default, counts as client_auth) and
# validity_period_hours (-days 365 is 8760); set them in the configuration.
# A configuration that describes another certificate (another subject, say)
# plans its replacement. See the guide
# "Migrating from hashicorp/tls and openssl-made files".

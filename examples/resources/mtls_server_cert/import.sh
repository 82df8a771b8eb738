# Adopt a server certificate made by hand, e.g. with
#   openssl x509 -req -in server.csr -CA rootCA.crt -CAkey rootCA.key -CAcreateserial \
#     -out server.crt -days 500 -sha256 -extensions req_ext -extfile server-ssl.conf
# without reissuing it. The ID is "CERT_PATH,KEY_OR_CSR_PATH,CA_CERT_PATH,CA_KEY_PATH":
# the certificate, its key (or, in CSR mode, the CSR: the key stays where it
# is), and the CA that issued it, which must have signed it. Encrypted keys
# take their passphrases from MTLS_IMPORT_KEY_PASSPHRASE and
# MTLS_IMPORT_CA_KEY_PASSPHRASE, never from the ID, which Terraform logs.
terraform import mtls_server_cert.example ./server.crt,./server.key,./rootCA.crt,./rootCA.key

# The CA files are kept as read: pass them with file() (or as the cert_pem and
# private_key_pem of an mtls_root_ca imported from the same files) and the
# plan is empty. Import reads everything else from the certificate: subject,
# dns_names and the other names, extended_key_usages (a certificate without
# the extension, as `openssl x509 -req` makes by default, counts as
# server_auth), key_algorithm and validity_period_hours (-days 500 is 12000);
# set them in the configuration. A configuration that describes another
# certificate (other dns_names, say) plans its replacement. See the guide
# "Migrating from hashicorp/tls and openssl-made files".

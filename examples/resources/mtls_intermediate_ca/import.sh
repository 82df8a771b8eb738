# Adopt an intermediate CA made by hand, e.g. with
#   openssl x509 -req -in issuing.csr -CA rootCA.crt -CAkey rootCA.key -CAcreateserial \
#     -out issuing.crt -days 730 -sha256 -extfile issuing.ext
# (issuing.ext: basicConstraints = critical,CA:TRUE,pathlen:0) without
# reissuing it. The ID is "CERT_PATH,KEY_PATH,CA_CERT_PATH,CA_KEY_PATH": the
# intermediate, its key, and the CA that issued it, which must have signed
# it. Encrypted keys take their passphrases from MTLS_IMPORT_KEY_PASSPHRASE
# and MTLS_IMPORT_CA_KEY_PASSPHRASE, never from the ID.
terraform import mtls_intermediate_ca.example ./issuing.crt,./issuing.key,./rootCA.crt,./rootCA.key

# The CA files are kept as read: pass them with file() (or as the cert_pem and
# private_key_pem of an mtls_root_ca imported from the same files) and the
# plan is empty. Import reads the rest from the certificate: subject,
# key_algorithm, validity_period_hours (-days 730 is 17520), max_path_length
# and the name constraints as the certificate carries them; set them in the
# configuration.

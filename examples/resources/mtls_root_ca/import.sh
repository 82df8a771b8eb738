# Adopt a root CA made by hand, e.g. with
#   openssl genrsa -out rootCA.key 4096
#   openssl req -x509 -new -nodes -key rootCA.key -sha256 -days 1024 -out rootCA.crt
# or one this provider made and that left the state (its cert_pem and
# private_key_pem saved to files). The ID is "CERT_PATH,KEY_PATH". For an
# encrypted key, put its passphrase in MTLS_IMPORT_KEY_PASSPHRASE (never in
# the ID, which Terraform logs); import then sets private_key_passphrase.
terraform import mtls_root_ca.example ./rootCA.crt,./rootCA.key

# Import reads back everything the certificate records: key_algorithm,
# subject, validity_period_hours, max_path_length and the name constraints,
# so the configuration that made a root plans no change. A certificate does
# not record its backdate: leave backdate_minutes unset (or set it) and the
# root is kept either way. early_renewal_hours is not recorded either: a
# value in the configuration is written to the state in place.

$LD attestation --help

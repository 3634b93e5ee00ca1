$LD explain --help

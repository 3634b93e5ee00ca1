$LD baseline --help

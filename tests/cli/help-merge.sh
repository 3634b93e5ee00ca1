# merge --help: usage, the option table, exit codes, environment and examples
$LD merge --help

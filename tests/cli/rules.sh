# the rule catalogue
$LD rules

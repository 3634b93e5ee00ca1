# explain prints a rule's section of docs/rules.md (compiled in); unknown or missing rule
# is a usage error
$LD explain alias-split; echo "exit $?"
$LD explain no-such-rule 2>&1; echo "exit $?"
$LD explain 2>&1; echo "exit $?"
# every rule of 'lambdrift rules' is documented
for r in $($LD rules | sed 1d | cut -d' ' -f1); do $LD explain "$r" >/dev/null || echo "undocumented: $r"; done

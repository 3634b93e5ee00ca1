# every --help fits an 80-column terminal: the main help and each command's (the commands
# taken from the main help, so a new command is covered); prints each longer line
$LD --help >main.txt || exit 1
cmds=$(awk '/^COMMANDS/ {on=1; next} on && /^$/ {exit} on {print $1}' main.txt)
[ -n "$cmds" ] || exit 1
awk 'length > 80 {print "lambdrift --help: " length ": " $0}' main.txt
for c in $cmds attestation-verify baseline-create; do
	$LD $(echo "$c" | tr - ' ') --help >c.txt || exit 1
	awk -v c="$c" 'length > 80 {print c " --help: " length ": " $0}' c.txt
done
echo "checked: $(echo $cmds | wc -w) commands"

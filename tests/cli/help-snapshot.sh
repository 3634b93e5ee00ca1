# snapshot --help
$LD snapshot -h

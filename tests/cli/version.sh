# version
$LD version && $LD --version

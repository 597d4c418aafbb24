<?php
// Native oracle: Composer's own VersionParser (Debian php-composer-semver) and
// PHP's version_compare. Reads [a, b] JSON pairs, prints -1/0/1, E when a version
// is rejected, B when one is a branch (Composer does not order branches).
require '/usr/share/php/Composer/Semver/autoload.php';
$parser = new Composer\Semver\VersionParser();
$out = [];
while (($line = fgets(STDIN)) !== false) {
    [$a, $b] = json_decode($line);
    try {
        $na = $parser->normalize($a);
        $nb = $parser->normalize($b);
        $out[] = (str_starts_with($na, 'dev-') || str_starts_with($nb, 'dev-')) ? 'B' : (string) version_compare($na, $nb);
    } catch (UnexpectedValueException $e) {
        $out[] = 'E';
    }
}
echo implode("\n", $out), "\n";

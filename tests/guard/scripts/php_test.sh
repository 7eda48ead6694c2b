#!/bin/sh
# PHP's curl extension is loaded with RTLD_DEEPBIND, which binds its curl
# calls straight to libcurl; the shim's dlopen hook must bring them back.
. "$(dirname "$0")/lib.sh"
command -v php >/dev/null && php -m | grep -qx curl || fail "php-cli with the curl extension is not installed"
start_recorder

cat >"$work/client.php" <<'PHP'
<?php
$port = $argv[1];
foreach ([["bucket.s3.us-east-1.amazonaws.com", "/php-s3"], ["api.example.com", "/php-other"]] as [$host, $path]) {
    $ch = curl_init("http://$host:$port$path");
    curl_setopt($ch, CURLOPT_RESOLVE, ["$host:$port:127.0.0.1"]);
    curl_setopt($ch, CURLOPT_HTTPHEADER, ["traceparent: 00-php-01", "X-App: php", "x-datadog-trace-id: 7"]);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_exec($ch);
    if (curl_getinfo($ch, CURLINFO_RESPONSE_CODE) != 200) { fwrite(STDERR, "request failed\n"); exit(1); }
    curl_close($ch);
}
echo "php transfers done\n";
PHP
LD_PRELOAD="$TRACESTRIP_SHIM" php "$work/client.php" "$port" || fail "php under the shim failed"
expect_no_header /php-s3 traceparent
expect_no_header /php-s3 x-datadog-trace-id
expect_header /php-s3 x-app
expect_header /php-other traceparent
echo "php: ok"

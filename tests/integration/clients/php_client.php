<?php
// A small S3 client on PHP's curl extension (loaded RTLD_DEEPBIND), signed by
// libcurl (CURLOPT_AWS_SIGV4), with the tracing layer a PHP APM agent adds:
//   layer 1: when the program sets its header list, the agent adds its
//            traceparent/x-b3-* headers to it;
//   layer 2: at curl_exec it opens a client span and sets the list again with
//            that span's traceparent appended: the name twice, other values
//            (curl 7.88 signs a repeated header as S3 does not join it).
// usage: php php_client.php ENDPOINT BUCKET ACCESS SECRET REGION KEY MODE
// MODE: none | agent. Prints "RESULT success" or "RESULT <status> <S3 code>".
[$endpoint, $bucket, $access, $secret, $region, $key, $mode] = array_slice($argv, 1, 7);
$body = str_repeat("php integration body $key\n", 40);
$traceId = bin2hex(random_bytes(16));

final class TracingLayer {
    public function __construct(private bool $enabled, private string $traceId) {}
    public function setHeaders($ch, array $headers): array {
        if ($this->enabled) {
            $span = bin2hex(random_bytes(8));
            array_splice($headers, 1, 0, ["traceparent: 00-{$this->traceId}-$span-01",
                                          "x-b3-traceid: {$this->traceId}", "x-b3-spanid: $span"]);
        }
        curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
        return $headers;
    }
    public function exec($ch, array $headers) {
        if ($this->enabled) {
            $span = bin2hex(random_bytes(8));
            curl_setopt($ch, CURLOPT_HTTPHEADER, array_merge($headers, ["traceparent: 00-{$this->traceId}-$span-01"]));
        }
        return curl_exec($ch);
    }
}
$tracer = new TracingLayer($mode === "agent", $traceId);

function request($tracer, $method, $url, $data) {
    global $access, $secret, $region;
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_AWS_SIGV4, "aws:amz:$region:s3");
    curl_setopt($ch, CURLOPT_USERPWD, "$access:$secret");
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    $headers = [$method === "PUT" ? "Content-Type: text/plain" : "Accept: */*",
                "x-amz-content-sha256: UNSIGNED-PAYLOAD"];
    if ($method === "PUT") {
        curl_setopt($ch, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_setopt($ch, CURLOPT_POSTFIELDS, $data);
    }
    $headers = $tracer->setHeaders($ch, $headers);
    $answer = $tracer->exec($ch, $headers);
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, $answer];
}

$url = "$endpoint/$bucket/$key";
foreach (["PUT", "GET"] as $method) {
    [$status, $answer] = request($tracer, $method, $url, $method === "PUT" ? $body : null);
    echo "$method HTTP $status\n";
    if ($status != 200) {
        echo substr((string)$answer, 0, 1500), "\n";
        $code = preg_match('/<Code>([^<]+)<\/Code>/', (string)$answer, $m) ? $m[1] : "";
        echo trim("RESULT $status $code"), "\n";
        exit(1);
    }
    if ($method === "GET" && $answer !== $body) { echo "RESULT 200 but the bytes differ\n"; exit(1); }
}
echo "RESULT success\n";

<?php

// Issues an RS256 token the way the plugin does, with a fresh key pair, for the service's own verifier
// to check: `php issue-rs256-token.php <site dir>` prints {"token": …, "public_key": …, "issuer": …}.

require $argv[1] . '/wp-load.php';

$key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
openssl_pkey_export($key, $pem);
$service = new PraisonAI\Svc\Service('ppt', 'PPT', 'http://127.0.0.1:1', mode: 'direct', jwtAlgorithm: 'RS256', jwtPrivateKey: $pem);
echo wp_json_encode([
    'token' => (new PraisonAI\Svc\TokenIssuer())->issue($service, PraisonAI\Svc\Requester::forUser(7)->subject())['token'],
    'public_key' => PraisonAI\Svc\TokenIssuer::publicKeyPem($pem),
    'issuer' => home_url(),
]);

<?php

// Short-lived JWTs for direct mode (spec §6 option B), accepted unchanged by the service's verifier:
// HS256 with the secret in PRAISONAI_SVC_JWT_SECRET, or RS256 with a key whose public half is in
// PRAISONAI_SVC_JWT_PUBLIC_KEY; `aud`/`iss` as configured; always `iat` and `exp`.

namespace PraisonAI\Svc;

final class TokenIssuer
{
    /** Token lifetime in seconds (the service bounds it too); the widget refreshes a minute before. */
    public const LIFETIME = 300;

    /**
     * @return array{token: string, expires_in: int, expires_at: int}
     * @throws \RuntimeException When the service has no signing key (a settings error).
     */
    public function issue(Service $service, string $subject, ?int $now = null): array
    {
        $now ??= time();
        $claims = [
            'iss' => $service->tokenIssuer(),
            'aud' => $service->audience,
            'sub' => $subject,
            'iat' => $now,
            'nbf' => $now,
            'exp' => $now + self::LIFETIME,
            'jti' => bin2hex(random_bytes(12)),
        ];
        $header = ['alg' => $service->jwtAlgorithm, 'typ' => 'JWT'];
        $input = self::b64(wp_json_encode($header)) . '.' . self::b64(wp_json_encode($claims));
        return [
            'token' => $input . '.' . self::b64($this->sign($service, $input)),
            'expires_in' => self::LIFETIME,
            'expires_at' => $claims['exp'],
        ];
    }

    private function sign(Service $service, string $input): string
    {
        if ($service->jwtAlgorithm === 'RS256') {
            $key = openssl_pkey_get_private($service->jwtPrivateKey);
            $signature = '';
            if ($key === false || !openssl_sign($input, $signature, $key, OPENSSL_ALGO_SHA256)) {
                throw new \RuntimeException('The RS256 private key of this service cannot sign.');
            }
            return $signature;
        }
        if (strlen($service->jwtSecret) < 32) {
            throw new \RuntimeException('This service has no token secret.');
        }
        return hash_hmac('sha256', $input, $service->jwtSecret, true);
    }

    /** The PEM public key of an RSA private key of at least 2048 bits, or null when it is not one. */
    public static function publicKeyPem(string $privateKeyPem): ?string
    {
        $key = openssl_pkey_get_private($privateKeyPem);
        if ($key === false) {
            return null;
        }
        $details = openssl_pkey_get_details($key);
        if (!is_array($details) || ($details['type'] ?? null) !== OPENSSL_KEYTYPE_RSA || ($details['bits'] ?? 0) < 2048) {
            return null;
        }
        return is_string($details['key'] ?? null) ? $details['key'] : null;
    }

    private static function b64(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }
}

<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\TokenIssuer;

final class TokenIssuerTest extends TestCase
{
    private static function parts(string $token): array
    {
        $decode = static fn (string $s) => base64_decode(strtr($s, '-_', '+/'), true);
        [$h, $p, $s] = explode('.', $token);
        return [json_decode($decode($h), true), json_decode($decode($p), true), $decode($s), "$h.$p"];
    }

    public function testHs256TokensCarryTheConfiguredClaimsAndAFiveMinuteLifetime(): void
    {
        $secret = str_repeat('k', 40);
        $service = new Service('ppt', 'PPT', 'http://127.0.0.1:1', mode: 'direct', jwtSecret: $secret, audience: 'aud-x', issuer: 'https://site.example');
        $issued = (new TokenIssuer())->issue($service, 'wp-user-7', 1_700_000_000);
        [$header, $claims, $signature, $input] = self::parts($issued['token']);
        $this->assertSame(['alg' => 'HS256', 'typ' => 'JWT'], $header);
        $this->assertSame('https://site.example', $claims['iss']);
        $this->assertSame('aud-x', $claims['aud']);
        $this->assertSame('wp-user-7', $claims['sub']);
        $this->assertSame(1_700_000_000, $claims['iat']);
        $this->assertSame(1_700_000_300, $claims['exp']);
        $this->assertSame(300, $issued['expires_in']);
        $this->assertTrue(hash_equals(hash_hmac('sha256', $input, $secret, true), $signature));
    }

    public function testTheIssuerDefaultsToTheSiteUrl(): void
    {
        $service = new Service('ppt', 'PPT', 'http://127.0.0.1:1', jwtSecret: str_repeat('k', 40));
        [, $claims] = self::parts((new TokenIssuer())->issue($service, 's')['token']);
        $this->assertSame(home_url(), $claims['iss']);
    }

    public function testRs256TokensVerifyWithThePublicKeyShownToTheSiteOwner(): void
    {
        $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
        openssl_pkey_export($key, $pem);
        $service = new Service('ppt', 'PPT', 'http://127.0.0.1:1', mode: 'direct', jwtAlgorithm: 'RS256', jwtPrivateKey: $pem);
        [$header, , $signature, $input] = self::parts((new TokenIssuer())->issue($service, 'wp-user-1')['token']);
        $this->assertSame('RS256', $header['alg']);
        $public = TokenIssuer::publicKeyPem($pem);
        $this->assertStringStartsWith('-----BEGIN PUBLIC KEY-----', $public);
        $this->assertSame(1, openssl_verify($input, $signature, $public, OPENSSL_ALGO_SHA256));
    }

    public function testRefusesRsaKeysUnder2048BitsAndNonKeys(): void
    {
        $small = openssl_pkey_new(['private_key_bits' => 1024, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
        openssl_pkey_export($small, $pem);
        $this->assertNull(TokenIssuer::publicKeyPem($pem));
        $this->assertNull(TokenIssuer::publicKeyPem('not a key'));
    }

    public function testWillNotSignWithoutASecret(): void
    {
        $this->expectException(RuntimeException::class);
        (new TokenIssuer())->issue(new Service('ppt', 'PPT', 'http://127.0.0.1:1'), 's');
    }
}

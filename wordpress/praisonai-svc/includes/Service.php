<?php

// One configured service (for example `ppt`): where it is, how the site authenticates to it, and who may use it.

namespace PraisonAI\Svc;

final class Service
{
    public const MODE_PROXY = 'proxy';
    public const MODE_DIRECT = 'direct';
    public const ACCESS_USERS = 'users';
    public const ACCESS_VISITORS = 'visitors';
    public const DEFAULT_AUDIENCE = 'praisonai-svc';
    public const DEFAULT_VISITOR_LIMIT = 5;
    public const DEFAULT_JOB_TIMEOUT = 600;

    /**
     * @param string $name       Slug used by the shortcode, e.g. `ppt`.
     * @param string $baseUrl    The service's base URL, without a trailing slash.
     * @param string $apiKey     Sent as X-API-Key by the proxy; never leaves the server.
     * @param string $jwtSecret  HS256 secret shared with the service (PRAISONAI_SVC_JWT_SECRET), direct mode.
     * @param string $jwtPrivateKey RS256 private key (PEM) whose public half the service holds, direct mode.
     * @param string $issuer     `iss` of issued tokens; empty means the site's URL.
     * @param int    $jobTimeout Seconds the widget keeps polling a job (the service's PRAISONAI_SVC_JOB_TIMEOUT).
     */
    public function __construct(
        public readonly string $name,
        public readonly string $label,
        public readonly string $baseUrl,
        public readonly string $apiKey = '',
        public readonly string $mode = self::MODE_PROXY,
        public readonly string $jwtAlgorithm = 'HS256',
        public readonly string $jwtSecret = '',
        public readonly string $jwtPrivateKey = '',
        public readonly string $audience = self::DEFAULT_AUDIENCE,
        public readonly string $issuer = '',
        public readonly string $access = self::ACCESS_USERS,
        public readonly int $visitorLimit = self::DEFAULT_VISITOR_LIMIT,
        public readonly int $jobTimeout = self::DEFAULT_JOB_TIMEOUT,
    ) {
    }

    /** @param array<string, mixed> $row A stored settings row. */
    public static function fromArray(array $row): self
    {
        $string = static fn (string $key, string $default = ''): string =>
            isset($row[$key]) && is_scalar($row[$key]) ? (string) $row[$key] : $default;
        return new self(
            $string('name'),
            $string('label', $string('name')),
            $string('base_url'),
            $string('api_key'),
            $string('mode', self::MODE_PROXY),
            $string('jwt_algorithm', 'HS256'),
            $string('jwt_secret'),
            $string('jwt_private_key'),
            $string('audience', self::DEFAULT_AUDIENCE),
            $string('issuer'),
            $string('access', self::ACCESS_USERS),
            (int) $string('visitor_limit', (string) self::DEFAULT_VISITOR_LIMIT),
            (int) $string('job_timeout', (string) self::DEFAULT_JOB_TIMEOUT),
        );
    }

    /** @return array<string, string|int> */
    public function toArray(): array
    {
        return [
            'name' => $this->name,
            'label' => $this->label,
            'base_url' => $this->baseUrl,
            'api_key' => $this->apiKey,
            'mode' => $this->mode,
            'jwt_algorithm' => $this->jwtAlgorithm,
            'jwt_secret' => $this->jwtSecret,
            'jwt_private_key' => $this->jwtPrivateKey,
            'audience' => $this->audience,
            'issuer' => $this->issuer,
            'access' => $this->access,
            'visitor_limit' => $this->visitorLimit,
            'job_timeout' => $this->jobTimeout,
        ];
    }

    /** @return list<string> What the site holds for this service that must never reach a browser. */
    public function secrets(): array
    {
        return array_values(array_filter([$this->apiKey, $this->jwtSecret, $this->jwtPrivateKey], static fn (string $s) => $s !== ''));
    }

    public function isDirect(): bool
    {
        return $this->mode === self::MODE_DIRECT;
    }

    public function allowsVisitors(): bool
    {
        return $this->access === self::ACCESS_VISITORS;
    }

    /** The `iss` claim: the configured issuer, or the site's URL. */
    public function tokenIssuer(): string
    {
        return $this->issuer !== '' ? $this->issuer : home_url();
    }

    /** The URL of a path on the service (`/jobs`), always under the configured base URL. */
    public function url(string $path): string
    {
        return $this->baseUrl . $path;
    }
}

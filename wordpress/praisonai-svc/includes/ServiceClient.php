<?php

// Calls one configured service from the server. Only ever the configured base URL: paths are built here
// from validated job ids, and redirects are not followed. Credentials are the API key (proxy) or a
// token minted for the job's owner (direct mode), never anything the browser sent.

namespace PraisonAI\Svc;

final class ServiceClient
{
    public const TIMEOUT = 15;
    private const UUID = '/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z/';

    public function __construct(private Service $service)
    {
    }

    public static function isJobId(string $id): bool
    {
        return preg_match(self::UUID, $id) === 1;
    }

    /** @param array<string, string> $auth */
    public function submit(string $body, string $contentType, array $auth): ServiceResponse
    {
        return $this->request('POST', '/jobs', $auth, ['Content-Type' => $contentType], $body);
    }

    /** @param array<string, string> $auth */
    public function job(string $id, array $auth): ServiceResponse
    {
        return $this->request('GET', '/jobs/' . $this->id($id), $auth);
    }

    /** @param array<string, string> $auth */
    public function cancel(string $id, array $auth): ServiceResponse
    {
        return $this->request('DELETE', '/jobs/' . $this->id($id), $auth);
    }

    /** @param array<string, string> $auth */
    public function downloadLink(string $id, array $auth): ServiceResponse
    {
        return $this->request('GET', '/jobs/' . $this->id($id) . '/download', $auth, ['Accept' => 'application/json']);
    }

    public function health(): ServiceResponse
    {
        return $this->request('GET', '/health', []);
    }

    public function openApi(): ServiceResponse
    {
        return $this->request('GET', '/openapi.json', $this->apiKeyAuth());
    }

    /** A CORS preflight as a browser on `$origin` would send it before a direct-mode submission. */
    public function preflight(string $origin): ServiceResponse
    {
        return $this->request('OPTIONS', '/jobs', [], [
            'Origin' => $origin,
            'Access-Control-Request-Method' => 'POST',
            'Access-Control-Request-Headers' => 'authorization,content-type',
        ]);
    }

    /** @return array<string, string> */
    public function apiKeyAuth(): array
    {
        return $this->service->apiKey !== '' ? ['X-API-Key' => $this->service->apiKey] : [];
    }

    /** @return array<string, string> */
    public function tokenAuth(string $subject): array
    {
        return ['Authorization' => 'Bearer ' . (new TokenIssuer())->issue($this->service, $subject)['token']];
    }

    private function id(string $id): string
    {
        if (!self::isJobId($id)) {
            throw new \InvalidArgumentException('Not a job id.');
        }
        return $id;
    }

    /**
     * @param array<string, string> $auth
     * @param array<string, string> $headers
     */
    private function request(string $method, string $path, array $auth, array $headers = [], ?string $body = null): ServiceResponse
    {
        $args = [
            'method' => $method,
            'timeout' => self::TIMEOUT,
            'redirection' => 0,
            'headers' => array_merge(['Accept' => 'application/json'], $headers, $auth),
            'user-agent' => 'praisonai-svc-wordpress/' . PRAISONAI_SVC_VERSION,
        ];
        if ($body !== null) {
            $args['body'] = $body; // the raw bytes the browser sent: never decoded and re-encoded
        }
        $response = wp_remote_request($this->service->url($path), $args);
        if (is_wp_error($response)) {
            return ServiceResponse::unreachable($response->get_error_message());
        }
        return new ServiceResponse(
            (int) wp_remote_retrieve_response_code($response),
            (string) wp_remote_retrieve_body($response),
            (string) wp_remote_retrieve_header($response, 'content-type'),
            (string) wp_remote_retrieve_header($response, 'retry-after'),
            (string) wp_remote_retrieve_header($response, 'access-control-allow-origin'),
        );
    }
}

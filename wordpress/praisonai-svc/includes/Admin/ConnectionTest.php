<?php

// "Test connection": reaches the service's /health, makes an authenticated request with the saved key
// (and, in direct mode, a token), and checks CORS for this site's origin; says plainly what is wrong.

namespace PraisonAI\Svc\Admin;

use PraisonAI\Svc\Service;
use PraisonAI\Svc\ServiceClient;
use PraisonAI\Svc\ServiceResponse;

final class ConnectionTest
{
    /** A job id no service has: an accepted credential gets 404, a refused one 401. */
    private const PROBE_ID = '00000000-0000-4000-8000-000000000000';

    public function __construct(private Service $service)
    {
    }

    /** @return list<array{0: 'ok'|'warning'|'error', 1: string}> */
    public function run(): array
    {
        $client = new ServiceClient($this->service);
        $health = $client->health();
        if (!$health->reached()) {
            return [['error', sprintf(
                /* translators: 1: URL, 2: network error */
                __('Cannot reach %1$s (%2$s). Check the API base URL and that the service is running.', 'praisonai-svc'),
                $this->service->baseUrl,
                $health->networkError
            )]];
        }
        $info = $health->json();
        if (!$health->ok() || !isset($info['service'])) {
            return [['error', sprintf(
                /* translators: 1: URL, 2: HTTP status */
                __('%1$s/health answered HTTP %2$d, not a praisonai-svc service: check the API base URL.', 'praisonai-svc'),
                $this->service->baseUrl,
                $health->status
            )]];
        }
        $checks = [['ok', sprintf(
            /* translators: 1: service name, 2: version */
            __('Reached %1$s %2$s.', 'praisonai-svc'),
            (string) $info['service'],
            (string) ($info['version'] ?? '')
        )]];
        if ($this->service->apiKey !== '') {
            $checks[] = $this->credential($client->job(self::PROBE_ID, $client->apiKeyAuth()), __('API key', 'praisonai-svc'));
        }
        if ($this->service->isDirect()) {
            try {
                $checks[] = $this->credential($client->job(self::PROBE_ID, $client->tokenAuth('connection-test')), __('Token', 'praisonai-svc'));
            } catch (\RuntimeException $e) {
                $checks[] = ['error', __('No token can be signed: set the token secret or private key.', 'praisonai-svc')];
            }
            $checks[] = $this->cors($client->preflight(self::origin()));
        }
        return $checks;
    }

    /** This site's origin as browsers send it (scheme://host[:port]). */
    public static function origin(): string
    {
        $parts = wp_parse_url(home_url());
        return $parts['scheme'] . '://' . $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
    }

    /** @return array{0: string, 1: string} */
    private function credential(ServiceResponse $answer, string $what): array
    {
        if ($answer->status === 404) {
            /* translators: %s: "API key" or "Token" */
            return ['ok', sprintf(__('%s accepted.', 'praisonai-svc'), $what)];
        }
        if ($answer->status === 401 || $answer->status === 403) {
            return ['error', sprintf(
                /* translators: 1: "API key" or "Token", 2: the service's explanation */
                __('%1$s refused by the service: %2$s', 'praisonai-svc'),
                $what,
                $answer->detail()
            )];
        }
        return ['warning', sprintf(
            /* translators: 1: "API key" or "Token", 2: HTTP status */
            __('%1$s check: the service answered HTTP %2$d.', 'praisonai-svc'),
            $what,
            $answer->status
        )];
    }

    /** @return array{0: string, 1: string} */
    private function cors(ServiceResponse $answer): array
    {
        $origin = self::origin();
        if ($answer->reached() && $answer->allowOrigin === $origin) {
            /* translators: %s: origin */
            return ['ok', sprintf(__('Browsers on %s may call the service (CORS).', 'praisonai-svc'), $origin)];
        }
        return ['error', sprintf(
            /* translators: %s: origin */
            __('CORS origin missing: browsers on %s may not call the service. Add it to the service\'s PRAISONAI_SVC_CORS_ORIGINS.', 'praisonai-svc'),
            $origin
        )];
    }
}

<?php

// Turns the settings form's input into services, refusing bad values with a message that names the field.
// Secrets left empty keep their saved value, so the page never has to print them back.

namespace PraisonAI\Svc;

final class SettingsForm
{
    /** @var list<string> What was refused, phrased for the site owner. */
    public array $errors = [];

    /**
     * @param array<mixed>           $input   The submitted `services` rows.
     * @param array<string, Service> $current The saved services, by name.
     * @return array<string, Service>
     */
    public function sanitize(array $input, array $current): array
    {
        $services = [];
        foreach ($input as $row) {
            if (!is_array($row)) {
                continue;
            }
            $original = isset($row['original']) && is_string($row['original']) ? $row['original'] : '';
            $old = $current[$original] ?? null;
            if (!empty($row['delete'])) {
                continue;
            }
            $name = strtolower(trim($this->text($row, 'name')));
            if ($name === '' && trim($this->text($row, 'base_url')) === '') {
                continue; // the empty "add a service" row
            }
            $service = $this->row($row, $old);
            if ($service === null) {
                if ($old !== null) {
                    $services[$old->name] = $old; // a bad edit keeps what was saved
                }
                continue;
            }
            if (isset($services[$service->name])) {
                /* translators: %s: service name */
                $this->errors[] = sprintf(__('Two services are named "%s": each name must be unique.', 'praisonai-svc'), $service->name);
                continue;
            }
            $services[$service->name] = $service;
        }
        return $services;
    }

    /** @param array<mixed> $row */
    private function row(array $row, ?Service $old): ?Service
    {
        $name = strtolower(trim($this->text($row, 'name')));
        $label = $name !== '' ? $name : __('(unnamed)', 'praisonai-svc');
        $fail = function (string $message) use ($label): ?Service {
            /* translators: 1: service name, 2: what is wrong */
            $this->errors[] = sprintf(__('Service "%1$s": %2$s', 'praisonai-svc'), $label, $message);
            return null;
        };
        if (!preg_match('/^[a-z0-9][a-z0-9_-]{0,39}$/', $name)) {
            return $fail(__('the name must be 1-40 lowercase letters, digits, "-" or "_" (it is used in the shortcode).', 'praisonai-svc'));
        }
        $baseUrl = self::baseUrl($this->text($row, 'base_url'));
        if ($baseUrl === null) {
            return $fail(__('the API base URL must be an http(s) address such as https://ppt.example.com, without a query or a password.', 'praisonai-svc'));
        }
        $apiKey = $this->secret($row, 'api_key', $old?->apiKey);
        if ($apiKey !== '' && !preg_match('/^[\x21-\x7e]{1,512}$/', $apiKey)) {
            return $fail(__('the API key must be printable characters without spaces.', 'praisonai-svc'));
        }
        $mode = $this->choice($row, 'mode', [Service::MODE_PROXY, Service::MODE_DIRECT]);
        $algorithm = $this->choice($row, 'jwt_algorithm', ['HS256', 'RS256']);
        $secret = $this->secret($row, 'jwt_secret', $old?->jwtSecret);
        $privateKey = $this->secret($row, 'jwt_private_key', $old?->jwtPrivateKey, false);
        if ($mode === Service::MODE_PROXY && $apiKey === '') {
            return $fail(__('proxy mode needs the API key (one of the service\'s PRAISONAI_SVC_API_KEYS).', 'praisonai-svc'));
        }
        if ($secret !== '' && strlen($secret) < 32) {
            return $fail(__('the token secret must be at least 32 bytes, the same value as the service\'s PRAISONAI_SVC_JWT_SECRET.', 'praisonai-svc'));
        }
        if ($privateKey !== '' && TokenIssuer::publicKeyPem($privateKey) === null) {
            return $fail(__('the private key must be an RSA key of at least 2048 bits in PEM form.', 'praisonai-svc'));
        }
        if ($mode === Service::MODE_DIRECT && ($algorithm === 'HS256' ? $secret : $privateKey) === '') {
            return $fail($algorithm === 'HS256'
                ? __('direct mode with HS256 needs the token secret.', 'praisonai-svc')
                : __('direct mode with RS256 needs the private key.', 'praisonai-svc'));
        }
        $audience = trim($this->text($row, 'audience'));
        $visitorLimit = (int) $this->text($row, 'visitor_limit');
        $jobTimeout = (int) $this->text($row, 'job_timeout');
        if ($visitorLimit < 1 || $visitorLimit > 1000) {
            return $fail(__('the hourly limit per visitor must be a whole number from 1 to 1000.', 'praisonai-svc'));
        }
        if ($jobTimeout < 10 || $jobTimeout > 86400) {
            return $fail(__('the job timeout must be a whole number of seconds from 10 to 86400.', 'praisonai-svc'));
        }
        $labelText = sanitize_text_field($this->text($row, 'label'));
        return new Service(
            $name,
            $labelText !== '' ? $labelText : $name,
            $baseUrl,
            $apiKey,
            $mode,
            $algorithm,
            $secret,
            $privateKey,
            $audience !== '' ? sanitize_text_field($audience) : Service::DEFAULT_AUDIENCE,
            sanitize_text_field($this->text($row, 'issuer')),
            $this->choice($row, 'access', [Service::ACCESS_USERS, Service::ACCESS_VISITORS]),
            $visitorLimit,
            $jobTimeout,
        );
    }

    /** The normalised base URL (scheme, host, port, path; no trailing slash), or null when it is not one. */
    public static function baseUrl(string $raw): ?string
    {
        $raw = trim($raw);
        $parts = wp_parse_url($raw);
        if (!is_array($parts) || !isset($parts['scheme'], $parts['host'])) {
            return null;
        }
        if (!in_array(strtolower($parts['scheme']), ['http', 'https'], true)) {
            return null;
        }
        if (isset($parts['user']) || isset($parts['pass']) || isset($parts['query']) || isset($parts['fragment'])) {
            return null;
        }
        if (preg_match('/[\s<>"\'\\\\]/', $raw)) {
            return null;
        }
        return rtrim($raw, '/');
    }

    /** @param array<mixed> $row */
    private function text(array $row, string $key): string
    {
        return isset($row[$key]) && is_scalar($row[$key]) ? wp_unslash((string) $row[$key]) : '';
    }

    /**
     * A secret field: empty keeps the saved value; `clear` in the matching checkbox removes it.
     * @param array<mixed> $row
     */
    private function secret(array $row, string $key, ?string $saved, bool $singleLine = true): string
    {
        if (!empty($row[$key . '_clear'])) {
            return '';
        }
        $value = $this->text($row, $key);
        $value = $singleLine ? trim($value) : trim(str_replace("\r\n", "\n", $value));
        return $value === '' ? ($saved ?? '') : $value;
    }

    /**
     * @param array<mixed> $row
     * @param list<string> $allowed The first is the default.
     */
    private function choice(array $row, string $key, array $allowed): string
    {
        $value = $this->text($row, $key);
        return in_array($value, $allowed, true) ? $value : $allowed[0];
    }
}

<?php

// Errors the plugin itself answers, as application/problem+json like the service's own, so the widget
// shows every error the same way.

namespace PraisonAI\Svc\Rest;

use PraisonAI\Svc\ServiceResponse;

final class Problem
{
    private const TITLES = [
        400 => 'Bad Request',
        401 => 'Unauthorized',
        403 => 'Forbidden',
        404 => 'Not Found',
        409 => 'Conflict',
        413 => 'Content Too Large',
        415 => 'Unsupported Media Type',
        429 => 'Too Many Requests',
        502 => 'Bad Gateway',
        503 => 'Service Unavailable',
    ];

    /** @param array<string, mixed> $extra */
    public static function response(int $status, string $detail, array $extra = [], array $headers = []): \WP_REST_Response
    {
        $body = array_merge(
            ['type' => 'about:blank', 'title' => self::TITLES[$status] ?? 'Error', 'status' => $status, 'detail' => $detail],
            $extra
        );
        $response = new \WP_REST_Response($body, $status);
        $response->header('Content-Type', 'application/problem+json; charset=' . get_option('blog_charset'));
        foreach ($headers as $name => $value) {
            $response->header($name, $value);
        }
        return $response;
    }

    /** Longest `detail` passed on: a person reads it; a longer one is a dump. */
    private const MAX_DETAIL = 2000;

    /**
     * The service's own answer (a job or a problem), passed on with its status. A problem keeps its
     * type, title, status, detail, field errors and a 409's job_status (what the widget uses) and nothing
     * else (a stack, headers, a debug dump); the site's secrets for
     * that service are blanked wherever they appear; only Content-Type and a numeric Retry-After of the
     * service's headers are passed on.
     *
     * @param list<string> $secrets The API key and token secrets of the service that answered.
     */
    public static function relay(ServiceResponse $answer, array $secrets): \WP_REST_Response
    {
        $json = $answer->json();
        if ($json === null) {
            return self::response(502, __('The service sent an answer that is not JSON.', 'praisonai-svc'));
        }
        // Redirects are not followed (the client never leaves the configured URL), and a 1xx or an invented
        // status is not something to hand a browser.
        if ($answer->status < 200 || ($answer->status >= 300 && $answer->status < 400) || $answer->status > 599) {
            /* translators: %d: HTTP status code */
            return self::response(502, sprintf(__('The service answered with HTTP %d, which the site does not pass on.', 'praisonai-svc'), $answer->status));
        }
        $problem = $answer->status >= 400;
        // Shorter strings are not secrets worth hiding (and blanking them would garble ordinary text).
        $secrets = array_values(array_filter($secrets, static fn ($s) => is_string($s) && strlen($s) >= 8));
        $body = self::redact($problem ? self::problemFrom($json, $answer->status) : $json, $secrets);
        $response = new \WP_REST_Response($body, $answer->status);
        if ($problem) {
            $response->header('Content-Type', 'application/problem+json; charset=' . get_option('blog_charset'));
        }
        if ($answer->retryAfter !== '' && ctype_digit($answer->retryAfter)) {
            $response->header('Retry-After', $answer->retryAfter);
        }
        return $response;
    }

    /** The parts of a service's problem the widget uses, checked and trimmed, in the usual order. */
    private static function problemFrom(array $json, int $status): array
    {
        $text = static fn (string $key): ?string => isset($json[$key]) && is_string($json[$key]) ? $json[$key] : null;
        $detail = $text('detail') ?? '';
        $problem = [
            'type' => $text('type') ?? 'about:blank',
            'title' => self::TITLES[$status] ?? mb_substr($text('title') ?? 'Error', 0, 100),
            'status' => $status,
            'detail' => mb_strlen($detail) > self::MAX_DETAIL ? mb_substr($detail, 0, self::MAX_DETAIL - 1) . '…' : $detail,
        ];
        if (isset($json['errors']) && is_array($json['errors'])) {
            $fields = array_filter($json['errors'], static fn ($e) => is_array($e) && is_string($e['path'] ?? null) && is_string($e['message'] ?? null));
            $problem['errors'] = array_values(array_map(
                static fn (array $e) => ['path' => mb_substr($e['path'], 0, 200), 'message' => mb_substr($e['message'], 0, 500)],
                $fields
            ));
        }
        if ($text('job_status') !== null) {
            $problem['job_status'] = mb_substr($text('job_status'), 0, 12); // a 409's "the job finished first"
        }
        return $problem;
    }

    /**
     * Every string in `$value` with each secret blanked (a service echoing a key must not pass it on).
     *
     * @param list<string> $secrets
     */
    private static function redact(mixed $value, array $secrets): mixed
    {
        if ($secrets === []) {
            return $value;
        }
        if (is_string($value)) {
            return str_replace($secrets, '[redacted]', $value);
        }
        if (is_array($value)) {
            $out = [];
            foreach ($value as $key => $item) {
                $out[is_string($key) ? str_replace($secrets, '[redacted]', $key) : $key] = self::redact($item, $secrets);
            }
            return $out;
        }
        return $value;
    }

    /** The service could not be reached: say so plainly, and that nothing the user typed is lost. */
    public static function unreachable(string $label, bool $submitting): \WP_REST_Response
    {
        $detail = $submitting
            /* translators: %s: service label */
            ? sprintf(__('The %s service cannot be reached right now, so nothing was submitted. Your text is kept: try again in a moment.', 'praisonai-svc'), $label)
            /* translators: %s: service label */
            : sprintf(__('The %s service cannot be reached right now. Your job is safe; checking again shortly.', 'praisonai-svc'), $label);
        return self::response(503, $detail, [], ['Retry-After' => '5']);
    }
}

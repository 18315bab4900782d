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

    /** The service's own answer (a job or a problem), passed on with its status. */
    public static function relay(ServiceResponse $answer): \WP_REST_Response
    {
        $json = $answer->json();
        if ($json === null) {
            return self::response(502, __('The service sent an answer that is not JSON.', 'praisonai-svc'));
        }
        $response = new \WP_REST_Response($json, $answer->status);
        if (str_starts_with($answer->contentType, 'application/problem+json')) {
            $response->header('Content-Type', 'application/problem+json; charset=' . get_option('blog_charset'));
        }
        if ($answer->retryAfter !== '' && ctype_digit($answer->retryAfter)) {
            $response->header('Retry-After', $answer->retryAfter);
        }
        return $response;
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

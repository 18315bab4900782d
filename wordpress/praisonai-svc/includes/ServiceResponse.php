<?php

// What a service answered (or that it could not be reached), with the job object or problem it carried.

namespace PraisonAI\Svc;

final class ServiceResponse
{
    public function __construct(
        public readonly int $status,
        public readonly string $body,
        public readonly string $contentType = '',
        public readonly string $retryAfter = '',
        public readonly string $allowOrigin = '',
        /** Why the service could not be reached (status 0); never shown to visitors verbatim. */
        public readonly string $networkError = '',
    ) {
    }

    public static function unreachable(string $why): self
    {
        return new self(0, '', '', '', '', $why);
    }

    public function reached(): bool
    {
        return $this->status !== 0;
    }

    public function ok(): bool
    {
        return $this->status >= 200 && $this->status < 300;
    }

    /** @return array<mixed>|null The JSON body, when it is a JSON object. */
    public function json(): ?array
    {
        $data = json_decode($this->body, true);
        return is_array($data) ? $data : null;
    }

    /** The problem's `detail` (or a fallback naming the status). */
    public function detail(): string
    {
        $json = $this->json();
        if (is_array($json) && isset($json['detail']) && is_string($json['detail'])) {
            return $json['detail'];
        }
        /* translators: %d: HTTP status code */
        return sprintf(__('The service answered HTTP %d.', 'praisonai-svc'), $this->status);
    }
}

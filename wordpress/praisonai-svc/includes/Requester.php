<?php

// Who is calling a route: a WordPress user, or a visitor known by a random cookie (when the service
// lets visitors in). Visitor ids and addresses are stored only as keyed hashes.

namespace PraisonAI\Svc;

final class Requester
{
    public const COOKIE = 'praisonai_visitor';

    private function __construct(
        public readonly int $userId,
        /** Keyed hash of the visitor cookie; '' for users. */
        public readonly string $visitor,
        public readonly string $ipHash,
        public readonly bool $isAdmin,
    ) {
    }

    /** The current requester; a visitor without a cookie gets one when `$issueCookie` is true. */
    public static function current(bool $issueCookie = false): self
    {
        $ip = isset($_SERVER['REMOTE_ADDR']) ? sanitize_text_field(wp_unslash($_SERVER['REMOTE_ADDR'])) : '';
        $ipHash = self::hash('ip:' . $ip);
        $userId = get_current_user_id();
        if ($userId > 0) {
            return new self($userId, '', $ipHash, current_user_can('manage_options'));
        }
        $cookie = isset($_COOKIE[self::COOKIE]) ? sanitize_text_field(wp_unslash($_COOKIE[self::COOKIE])) : '';
        if (!preg_match('/^[0-9a-f]{32}$/', $cookie)) {
            $cookie = bin2hex(random_bytes(16));
            if ($issueCookie && !headers_sent()) {
                setcookie(self::COOKIE, $cookie, [
                    'expires' => time() + 30 * DAY_IN_SECONDS,
                    'path' => COOKIEPATH ?: '/',
                    'secure' => is_ssl(),
                    'httponly' => true,
                    'samesite' => 'Lax',
                ]);
            }
        }
        return new self(0, self::hash('visitor:' . $cookie), $ipHash, false);
    }

    /** For tests and CLI tools: a requester for a given user. */
    public static function forUser(int $userId, bool $isAdmin = false): self
    {
        return new self($userId, '', self::hash('ip:'), $isAdmin);
    }

    /** For tests: a visitor known by a cookie value and an address. */
    public static function forVisitor(string $cookie, string $ip): self
    {
        return new self(0, self::hash('visitor:' . $cookie), self::hash('ip:' . $ip), false);
    }

    public function isVisitor(): bool
    {
        return $this->userId === 0;
    }

    /** The token subject: stable per user, per visitor cookie otherwise. */
    public function subject(): string
    {
        return self::subjectOf($this->userId, $this->visitor);
    }

    /** The token subject of a recorded job's owner (used to read direct-mode jobs on their behalf). */
    public static function subjectOf(int $userId, string $visitor): string
    {
        return $userId === 0 ? 'wp-visitor-' . $visitor : 'wp-user-' . $userId;
    }

    private static function hash(string $value): string
    {
        return substr(hash_hmac('sha256', $value, wp_salt('auth')), 0, 32);
    }
}

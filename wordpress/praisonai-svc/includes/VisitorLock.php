<?php

// Serialises a visitor's submissions to a service, so that "count the last hour, then submit" cannot be
// raced: without it, 8 parallel requests with a limit of 1 each counted 0 before any was recorded, and 4-5
// got through (about one per PHP worker). MySQL's named locks (GET_LOCK) are held by the database
// connection, so they work across PHP workers and web servers sharing the database, and are freed by the
// server if PHP dies mid-request.

namespace PraisonAI\Svc;

final class VisitorLock
{
    /** Seconds a request waits for another submission by the same visitor before answering 503. */
    public const WAIT_SECONDS = 30;

    /** @var list<string> Lock names this request holds. */
    private array $held = [];

    /**
     * Takes the lock of the visitor's cookie, then the one of their address (the limit counts both, so a
     * visitor changing cookies from one address is serialised too). Every request takes a cookie lock
     * before an address lock and at most one of each, so two requests never wait for each other in a
     * circle. MySQL before 5.7.5 holds one named lock per connection (a second GET_LOCK frees the first):
     * the address's, taken last, is then the one held. False when a lock was not had within `$wait` seconds.
     */
    public function acquire(Requester $who, string $service, int $wait = self::WAIT_SECONDS): bool
    {
        global $wpdb;
        foreach ([self::name($service, 'v:' . $who->visitor), self::name($service, 'ip:' . $who->ipHash)] as $name) {
            // 1 taken, 0 timed out, NULL on an error (e.g. killed): only 1 counts.
            $got = $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, %d)', $name, $wait));
            if ((string) $got !== '1') {
                $this->release();
                return false;
            }
            $this->held[] = $name;
        }
        return true;
    }

    /** Frees what `acquire` took; safe to call twice. */
    public function release(): void
    {
        global $wpdb;
        foreach (array_reverse($this->held) as $name) {
            $wpdb->query($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $name));
        }
        $this->held = [];
    }

    /**
     * Lock names are global to the database server (64 characters at most): the table name keeps two
     * sites on one server apart, the hash keeps the name short and says nothing about the visitor.
     */
    public static function name(string $service, string $key): string
    {
        return 'praisonai_svc_' . substr(hash('sha256', JobStore::table() . '|' . $service . '|' . $key), 0, 40);
    }
}

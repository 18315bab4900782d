<?php

// The site's own record of submissions: which WordPress user (or visitor) submitted which job to which
// service, and what became of it. One row per submission (two users posting the same payload may get
// the same job id from the service; each has their own row, and so may read it).

namespace PraisonAI\Svc;

final class JobStore
{
    public const DB_VERSION = '1';
    public const DB_VERSION_OPTION = 'praisonai_svc_db_version';
    public const TERMINAL = ['done', 'error', 'cancelled'];

    public static function table(): string
    {
        global $wpdb;
        return $wpdb->prefix . 'praisonai_jobs';
    }

    public static function install(): void
    {
        global $wpdb;
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        $table = self::table();
        $charset = $wpdb->get_charset_collate();
        // dbDelta's format: two spaces after PRIMARY KEY, one index per line.
        dbDelta("CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  job_id char(36) NOT NULL,
  service varchar(40) NOT NULL,
  mode varchar(10) NOT NULL DEFAULT 'proxy',
  user_id bigint(20) unsigned NOT NULL DEFAULT 0,
  visitor char(32) NOT NULL DEFAULT '',
  ip_hash char(32) NOT NULL DEFAULT '',
  status varchar(12) NOT NULL DEFAULT 'queued',
  filename varchar(255) NOT NULL DEFAULT '',
  size bigint(20) unsigned DEFAULT NULL,
  error_msg text,
  duration_ms bigint(20) unsigned DEFAULT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY job_owner (job_id,user_id,visitor),
  KEY created_at (created_at),
  KEY service_status (service,status),
  KEY user_id (user_id),
  KEY visitor_created (visitor,created_at),
  KEY ip_created (ip_hash,created_at)
) {$charset};");
        update_option(self::DB_VERSION_OPTION, self::DB_VERSION, false);
    }

    /** Plugin updates do not run the activation hook: upgrade the table when its version is behind. */
    public static function maybeUpgrade(): void
    {
        if (get_option(self::DB_VERSION_OPTION) !== self::DB_VERSION) {
            self::install();
        }
    }

    /** Records a submission (or refreshes it when the same requester submitted the same job again). */
    public function record(string $jobId, string $service, string $mode, Requester $who, array $job): void
    {
        global $wpdb;
        $now = current_time('mysql', true);
        $wpdb->query($wpdb->prepare(
            'INSERT INTO ' . self::table() . ' (job_id, service, mode, user_id, visitor, ip_hash, status, created_at, updated_at)
             VALUES (%s, %s, %s, %d, %s, %s, %s, %s, %s)
             ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at)',
            $jobId,
            $service,
            $mode,
            $who->userId,
            $who->visitor,
            $who->ipHash,
            'queued',
            $now,
            $now
        ));
        $this->update($jobId, $job);
    }

    /** Copies what the service said about a job onto every row of that job. */
    public function update(string $jobId, array $job): void
    {
        global $wpdb;
        $status = isset($job['status']) && is_string($job['status']) ? substr($job['status'], 0, 12) : null;
        if ($status === null) {
            return;
        }
        $fields = ['status' => $status, 'updated_at' => current_time('mysql', true)];
        if ($status === 'done') {
            $fields['filename'] = substr((string) ($job['filename'] ?? ''), 0, 255);
            $fields['size'] = isset($job['size']) ? (int) $job['size'] : null;
        }
        if ($status === 'error') {
            $fields['error_msg'] = substr((string) ($job['error_msg'] ?? ''), 0, 10240);
        }
        if (in_array($status, self::TERMINAL, true)) {
            $created = strtotime((string) ($job['created_utc'] ?? ''));
            $updated = strtotime((string) ($job['updated_utc'] ?? ''));
            if ($created !== false && $updated !== false && $updated >= $created) {
                $fields['duration_ms'] = self::millis((string) $job['updated_utc']) - self::millis((string) $job['created_utc']);
            }
        }
        $wpdb->update(self::table(), $fields, ['job_id' => $jobId]);
    }

    /** The requester's row for a job; administrators may read any job's first row. */
    public function find(string $jobId, Requester $who): ?object
    {
        global $wpdb;
        if ($who->isAdmin) {
            $row = $wpdb->get_row($wpdb->prepare('SELECT * FROM ' . self::table() . ' WHERE job_id = %s ORDER BY id LIMIT 1', $jobId));
        } else {
            $row = $wpdb->get_row($wpdb->prepare(
                'SELECT * FROM ' . self::table() . ' WHERE job_id = %s AND user_id = %d AND visitor = %s LIMIT 1',
                $jobId,
                $who->userId,
                $who->visitor
            ));
        }
        return is_object($row) ? $row : null;
    }

    /** @return list<object> The requester's latest jobs of one service, newest first. */
    public function recent(Requester $who, string $service, int $limit = 10): array
    {
        global $wpdb;
        return $wpdb->get_results($wpdb->prepare(
            'SELECT job_id, status, filename, size, created_at FROM ' . self::table() . '
             WHERE user_id = %d AND visitor = %s AND service = %s ORDER BY id DESC LIMIT %d',
            $who->userId,
            $who->visitor,
            $service,
            $limit
        ));
    }

    /** Submissions in the last hour by this visitor cookie or from this address (visitors' limit). */
    public function visitorSubmissionsLastHour(Requester $who, string $service): int
    {
        return (int) $this->visitorLastHour('COUNT(*)', $who, $service);
    }

    /** Seconds until the oldest of the visitor's submissions in the last hour leaves the window. */
    public function visitorRetryAfter(Requester $who, string $service): int
    {
        $oldest = $this->visitorLastHour('MIN(created_at)', $who, $service);
        $at = is_string($oldest) ? strtotime($oldest . ' UTC') : false;
        return $at === false ? HOUR_IN_SECONDS : max(1, $at + HOUR_IN_SECONDS - time());
    }

    /** One aggregate over a visitor's submissions of the last hour, matched by cookie or by address. */
    private function visitorLastHour(string $aggregate, Requester $who, string $service): mixed
    {
        global $wpdb;
        return $wpdb->get_var($wpdb->prepare(
            "SELECT {$aggregate} FROM " . self::table() . '
             WHERE service = %s AND user_id = 0 AND created_at >= %s AND (visitor = %s OR ip_hash = %s)',
            $service,
            gmdate('Y-m-d H:i:s', time() - HOUR_IN_SECONDS),
            $who->visitor,
            $who->ipHash
        ));
    }

    /**
     * A page of the job history, newest first.
     * @param array{service: string, status: string, user: int} $filters Empty/0 means any.
     * @return array{0: list<object>, 1: int} The rows and the number of matching rows.
     */
    public function history(array $filters, int $limit, int $offset): array
    {
        global $wpdb;
        $where = ['1=1'];
        $args = [];
        if ($filters['service'] !== '') {
            $where[] = 'service = %s';
            $args[] = $filters['service'];
        }
        if ($filters['status'] !== '') {
            $where[] = 'status = %s';
            $args[] = $filters['status'];
        }
        if ($filters['user'] > 0) {
            $where[] = 'user_id = %d';
            $args[] = $filters['user'];
        }
        $sql = ' FROM ' . self::table() . ' WHERE ' . implode(' AND ', $where);
        $prepare = static fn (string $query, array $values) => $values === [] ? $query : $wpdb->prepare($query, $values);
        $total = (int) $wpdb->get_var($prepare('SELECT COUNT(*)' . $sql, $args));
        $rows = $wpdb->get_results($prepare('SELECT *' . $sql . ' ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d', array_merge($args, [$limit, $offset])));
        return [$rows, $total];
    }

    private static function millis(string $iso): int
    {
        $date = \DateTimeImmutable::createFromFormat('Y-m-d\TH:i:s.uP', str_replace('Z', '+00:00', $iso))
            ?: new \DateTimeImmutable($iso);
        return (int) $date->format('Uv');
    }
}

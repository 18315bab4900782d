<?php

// Usage figures over the site's job records: jobs per day per service, success rate, median and p95
// duration, top users. Percentiles are read with ORDER BY … LIMIT 1 OFFSET k, never by loading every row.

namespace PraisonAI\Svc;

final class Analytics
{
    public function __construct(private int $days = 30)
    {
    }

    private function since(): string
    {
        return gmdate('Y-m-d 00:00:00', time() - ($this->days - 1) * DAY_IN_SECONDS);
    }

    /** @return list<array{day: string, service: string, jobs: int, done: int, failed: int}> */
    public function perDay(): array
    {
        global $wpdb;
        $rows = $wpdb->get_results($wpdb->prepare(
            "SELECT DATE(created_at) AS day, service, COUNT(*) AS jobs,
                    SUM(status = 'done') AS done, SUM(status = 'error') AS failed
             FROM " . JobStore::table() . ' WHERE created_at >= %s GROUP BY day, service ORDER BY day, service',
            $this->since()
        ), ARRAY_A);
        return array_map(static fn (array $r) => [
            'day' => (string) $r['day'],
            'service' => (string) $r['service'],
            'jobs' => (int) $r['jobs'],
            'done' => (int) $r['done'],
            'failed' => (int) $r['failed'],
        ], $rows);
    }

    /** @return array{jobs: int, done: int, failed: int, success_rate: ?float, median_ms: ?int, p95_ms: ?int} */
    public function summary(): array
    {
        global $wpdb;
        $table = JobStore::table();
        $counts = $wpdb->get_row($wpdb->prepare(
            "SELECT COUNT(*) AS jobs, SUM(status = 'done') AS done, SUM(status = 'error') AS failed FROM {$table} WHERE created_at >= %s",
            $this->since()
        ), ARRAY_A);
        $done = (int) ($counts['done'] ?? 0);
        $failed = (int) ($counts['failed'] ?? 0);
        return [
            'jobs' => (int) ($counts['jobs'] ?? 0),
            'done' => $done,
            'failed' => $failed,
            'success_rate' => $done + $failed > 0 ? $done / ($done + $failed) : null,
            'median_ms' => $this->durationPercentile(0.5),
            'p95_ms' => $this->durationPercentile(0.95),
        ];
    }

    /** The duration of finished jobs at a percentile (nearest rank), or null without any. */
    public function durationPercentile(float $p): ?int
    {
        global $wpdb;
        $table = JobStore::table();
        $where = $wpdb->prepare("WHERE status = 'done' AND duration_ms IS NOT NULL AND created_at >= %s", $this->since());
        $n = (int) $wpdb->get_var("SELECT COUNT(*) FROM {$table} {$where}");
        if ($n === 0) {
            return null;
        }
        $rank = max(1, (int) ceil($p * $n));
        $value = $wpdb->get_var($wpdb->prepare("SELECT duration_ms FROM {$table} {$where} ORDER BY duration_ms LIMIT 1 OFFSET %d", $rank - 1));
        return $value === null ? null : (int) $value;
    }

    /** @return list<array{user_id: int, jobs: int}> Users with the most jobs; visitors together as user 0. */
    public function topUsers(int $limit = 10): array
    {
        global $wpdb;
        $rows = $wpdb->get_results($wpdb->prepare(
            'SELECT user_id, COUNT(*) AS jobs FROM ' . JobStore::table() . ' WHERE created_at >= %s GROUP BY user_id ORDER BY jobs DESC, user_id LIMIT %d',
            $this->since(),
            $limit
        ), ARRAY_A);
        return array_map(static fn (array $r) => ['user_id' => (int) $r['user_id'], 'jobs' => (int) $r['jobs']], $rows);
    }

    /** @return list<string> The days of the window, oldest first (Y-m-d). */
    public function days(): array
    {
        $days = [];
        for ($i = $this->days - 1; $i >= 0; $i--) {
            $days[] = gmdate('Y-m-d', time() - $i * DAY_IN_SECONDS);
        }
        return $days;
    }
}

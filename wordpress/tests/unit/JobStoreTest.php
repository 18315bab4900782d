<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\Analytics;
use PraisonAI\Svc\JobStore;
use PraisonAI\Svc\Requester;

/** Runs inside a transaction on the site's real table, rolled back after each test. */
final class JobStoreTest extends TestCase
{
    private JobStore $store;

    protected function setUp(): void
    {
        global $wpdb;
        $wpdb->query('START TRANSACTION');
        $wpdb->query('DELETE FROM ' . JobStore::table());
        $this->store = new JobStore();
    }

    protected function tearDown(): void
    {
        global $wpdb;
        $wpdb->query('ROLLBACK');
    }

    private static function id(int $n): string
    {
        return sprintf('00000000-0000-4000-8000-%012d', $n);
    }

    private static function done(int $n, int $ms): array
    {
        $start = 1_700_000_000;
        return [
            'job_id' => self::id($n),
            'status' => 'done',
            'filename' => "deck-$n.pptx",
            'size' => 1000,
            'created_utc' => gmdate('Y-m-d\TH:i:s', $start) . '.000Z',
            'updated_utc' => gmdate('Y-m-d\TH:i:s', $start + intdiv($ms, 1000)) . sprintf('.%03dZ', $ms % 1000),
        ];
    }

    public function testAUserFindsOnlyTheirOwnJobsAndAnAdministratorFindsAll(): void
    {
        $alice = Requester::forUser(11);
        $this->store->record(self::id(1), 'ppt', 'proxy', $alice, ['status' => 'queued']);
        $this->assertNotNull($this->store->find(self::id(1), $alice));
        $this->assertNull($this->store->find(self::id(1), Requester::forUser(12)));
        $this->assertNull($this->store->find(self::id(1), Requester::forVisitor(str_repeat('a', 32), '198.51.100.7')));
        $this->assertNotNull($this->store->find(self::id(1), Requester::forUser(1, true)));
    }

    public function testTwoUsersWhoSubmittedTheSamePayloadBothOwnTheJob(): void
    {
        $this->store->record(self::id(2), 'ppt', 'proxy', Requester::forUser(11), ['status' => 'queued']);
        $this->store->record(self::id(2), 'ppt', 'proxy', Requester::forUser(12), ['status' => 'queued']);
        $this->assertNotNull($this->store->find(self::id(2), Requester::forUser(12)));
        $this->store->update(self::id(2), self::done(2, 1500));
        $this->assertSame('done', $this->store->find(self::id(2), Requester::forUser(11))->status);
        $this->assertSame('1500', (string) $this->store->find(self::id(2), Requester::forUser(12))->duration_ms);
    }

    public function testCountsAVisitorsSubmissionsByCookieAndByAddress(): void
    {
        $visitor = Requester::forVisitor(str_repeat('b', 32), '198.51.100.8');
        $sameAddress = Requester::forVisitor(str_repeat('c', 32), '198.51.100.8');
        $elsewhere = Requester::forVisitor(str_repeat('d', 32), '203.0.113.9');
        $this->store->record(self::id(3), 'ppt', 'proxy', $visitor, ['status' => 'queued']);
        $this->store->record(self::id(4), 'ppt', 'proxy', $visitor, ['status' => 'queued']);
        $this->assertSame(2, $this->store->visitorSubmissionsLastHour($visitor, 'ppt'));
        $this->assertSame(2, $this->store->visitorSubmissionsLastHour($sameAddress, 'ppt'), 'a new cookie does not reset the count');
        $this->assertSame(0, $this->store->visitorSubmissionsLastHour($elsewhere, 'ppt'));
        $this->assertSame(0, $this->store->visitorSubmissionsLastHour($visitor, 'other'));
        $wait = $this->store->visitorRetryAfter($visitor, 'ppt');
        $this->assertGreaterThan(HOUR_IN_SECONDS - 60, $wait);
        $this->assertLessThanOrEqual(HOUR_IN_SECONDS, $wait);
    }

    public function testHistoryFiltersByServiceStatusAndUserNewestFirst(): void
    {
        $this->store->record(self::id(5), 'ppt', 'proxy', Requester::forUser(11), ['status' => 'queued']);
        $this->store->record(self::id(6), 'docs', 'direct', Requester::forUser(12), self::done(6, 2000));
        $this->store->record(self::id(7), 'ppt', 'proxy', Requester::forUser(12), ['status' => 'error', 'error_msg' => 'boom']);
        [$all, $total] = $this->store->history(['service' => '', 'status' => '', 'user' => 0], 2, 0);
        $this->assertSame(3, $total);
        $this->assertSame([self::id(7), self::id(6)], array_column($all, 'job_id'));
        [$rows] = $this->store->history(['service' => 'ppt', 'status' => '', 'user' => 12], 10, 0);
        $this->assertSame([self::id(7)], array_column($rows, 'job_id'));
        [$rows] = $this->store->history(['service' => '', 'status' => 'done', 'user' => 0], 10, 0);
        $this->assertSame([self::id(6)], array_column($rows, 'job_id'));
    }

    public function testAnalyticsGivesSuccessRateMedianP95AndTopUsers(): void
    {
        foreach (range(1, 20) as $n) {
            $this->store->record(self::id(100 + $n), 'ppt', 'proxy', Requester::forUser($n <= 15 ? 11 : 12), self::done(100 + $n, $n * 100));
        }
        $this->store->record(self::id(200), 'ppt', 'proxy', Requester::forUser(12), ['status' => 'error', 'error_msg' => 'x']);
        $summary = (new Analytics())->summary();
        $this->assertSame(21, $summary['jobs']);
        $this->assertEqualsWithDelta(20 / 21, $summary['success_rate'], 1e-9);
        $this->assertSame(1000, $summary['median_ms']);
        $this->assertSame(1900, $summary['p95_ms']);
        $this->assertSame([['user_id' => 11, 'jobs' => 15], ['user_id' => 12, 'jobs' => 6]], (new Analytics())->topUsers());
        $today = (new Analytics())->perDay();
        $this->assertSame([['day' => gmdate('Y-m-d'), 'service' => 'ppt', 'jobs' => 21, 'done' => 20, 'failed' => 1]], $today);
    }
}

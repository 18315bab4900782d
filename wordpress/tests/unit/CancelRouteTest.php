<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\JobStore;
use PraisonAI\Svc\Requester;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\ServiceClient;
use PraisonAI\Svc\Settings;

/**
 * DELETE /praisonai/v1/jobs/{id} (the widget's Stop) against the "steps" service the end-to-end test runs
 * and configures: only the job's owner may stop it, and the history row gets the job's real final status.
 */
final class CancelRouteTest extends TestCase
{
    private Service $service;
    private ServiceClient $client;
    private int $alice;
    private int $bob;

    protected function setUp(): void
    {
        $service = (new Settings())->service('steps');
        $this->assertNotNull($service, 'the end-to-end test configures a "steps" service first');
        $this->service = $service;
        $this->client = new ServiceClient($service);
        $this->alice = (int) get_user_by('login', 'alice')->ID;
        $this->bob = (int) get_user_by('login', 'bob')->ID;
    }

    protected function tearDown(): void
    {
        wp_set_current_user(0);
    }

    /** Submits a job to the service as the site would, recorded as alice's. */
    private function submitAsAlice(int $steps, int $stepMs): string
    {
        $body = (string) wp_json_encode(['steps' => $steps, 'step_ms' => $stepMs, 'run' => uniqid('php', true)]);
        $answer = $this->client->submit($body, 'application/json', $this->client->apiKeyAuth());
        $this->assertSame(202, $answer->status, $answer->body);
        $job = $answer->json();
        (new JobStore())->record($job['job_id'], 'steps', Service::MODE_PROXY, Requester::forUser($this->alice), $job);
        return $job['job_id'];
    }

    private function cancelAs(int $user, string $id): WP_REST_Response
    {
        wp_set_current_user($user);
        return rest_ensure_response(rest_do_request(new WP_REST_Request('DELETE', '/praisonai/v1/jobs/' . $id)));
    }

    private function rowStatus(string $id): string
    {
        global $wpdb;
        return (string) $wpdb->get_var($wpdb->prepare('SELECT status FROM ' . JobStore::table() . ' WHERE job_id = %s', $id));
    }

    public function testOnlyTheOwnerStopsAJobAndTheHistoryRecordsItCancelled(): void
    {
        $id = $this->submitAsAlice(20, 1000);

        $refused = $this->cancelAs($this->bob, $id);
        $this->assertSame(404, $refused->get_status());
        $this->assertSame('No job with this id was submitted from your account.', $refused->get_data()['detail']);
        $this->assertNotSame('cancelled', $this->client->job($id, $this->client->apiKeyAuth())->json()['status']);

        $stopped = $this->cancelAs($this->alice, $id);
        $this->assertSame(200, $stopped->get_status());
        $this->assertSame('cancelled', $stopped->get_data()['status']);
        $this->assertSame('cancelled', $this->client->job($id, $this->client->apiKeyAuth())->json()['status']);
        $this->assertSame('cancelled', $this->rowStatus($id));
    }

    public function testAJobThatFinishedFirstAnswers409AndIsRecordedAsItEnded(): void
    {
        $id = $this->submitAsAlice(1, 0);
        $deadline = microtime(true) + 20;
        do {
            usleep(100000); // waiting for the service's worker to finish the job
            $status = $this->client->job($id, $this->client->apiKeyAuth())->json()['status'] ?? '';
        } while ($status !== 'done' && microtime(true) < $deadline);
        $this->assertSame('done', $status);
        $this->assertSame('queued', $this->rowStatus($id), 'the site has not read the job since it was submitted');

        $late = $this->cancelAs($this->alice, $id);
        $this->assertSame(409, $late->get_status());
        $this->assertStringContainsString('before it could be cancelled', $late->get_data()['detail']);
        $this->assertStringStartsWith('application/problem+json', $late->get_headers()['Content-Type']);
        $this->assertSame('done', $this->rowStatus($id));
    }

    public function testRefusesAnIdThatIsNotAJobIdBeforeAnyCall(): void
    {
        $answer = $this->cancelAs($this->alice, '00000000-0000-4000-8000-00000000000g');
        $this->assertSame(404, $answer->get_status()); // no route matches: nothing reaches the service
    }
}

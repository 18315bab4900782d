<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\Rest\Problem;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\ServiceClient;
use PraisonAI\Svc\ServiceResponse;

/**
 * How the plugin passes a service's answer on to the browser (Problem::relay): the status and the detail
 * a person reads are kept, and nothing else the service sent gets through: no stack, no debug fields,
 * no headers of its own, no secret of the site's.
 */
final class ProblemRelayTest extends TestCase
{
    private const API_KEY = 'relay-test-api-key-0123456789abcdef';
    private const JWT_SECRET = 'relay-test-jwt-secret-fedcba9876543210';
    private const STACK = "Error: boom\n    at handler (/srv/app/node_modules/praisonai-svc/dist/worker.js:41:13)";

    private static function answer(int $status, array $body, string $retryAfter = ''): ServiceResponse
    {
        return new ServiceResponse($status, (string) wp_json_encode($body), 'application/problem+json', $retryAfter, 'https://evil.example');
    }

    private static function relay(ServiceResponse $answer): WP_REST_Response
    {
        return Problem::relay($answer, [self::API_KEY, self::JWT_SECRET]);
    }

    /** What the browser would receive: the headers and the JSON body, as one string to search. */
    private static function sent(WP_REST_Response $response): string
    {
        return wp_json_encode($response->get_headers()) . (string) wp_json_encode($response->get_data());
    }

    public function testKeepsStatusDetailAndFieldErrorsAndDropsEverythingElse(): void
    {
        $response = self::relay(self::answer(422, [
            'type' => 'about:blank',
            'title' => 'Unprocessable Content',
            'status' => 422,
            'detail' => 'The payload does not match the schema.',
            'instance' => '/internal/jobs',
            'errors' => [['path' => 'presentation_title', 'message' => 'is required', 'schemaPath' => '#/required', 'stack' => self::STACK]],
            'stack' => self::STACK,
            'headers' => ['x-api-key' => 'upstream-header-value'],
            'debug' => ['env' => ['AZURE_STORAGE_CONNECTION_STRING' => 'AccountKey=abc']],
        ]));
        $this->assertSame(422, $response->get_status());
        $this->assertSame([
            'type' => 'about:blank',
            'title' => 'Unprocessable Content',
            'status' => 422,
            'detail' => 'The payload does not match the schema.',
            'errors' => [['path' => 'presentation_title', 'message' => 'is required']],
        ], $response->get_data());
        $this->assertStringStartsWith('application/problem+json', $response->get_headers()['Content-Type']);
        foreach (['node_modules', 'worker.js', 'upstream-header-value', 'AccountKey', '/internal/jobs'] as $leak) {
            $this->assertStringNotContainsString($leak, self::sent($response));
        }
    }

    public function testAServerErrorKeepsItsStatusAndDetailButNotItsStack(): void
    {
        $response = self::relay(self::answer(500, [
            'status' => 500,
            'detail' => 'The server failed to handle the request; it has been logged.',
            'stack' => self::STACK,
            'cause' => ['message' => 'ECONNRESET', 'stack' => self::STACK],
        ]));
        $this->assertSame(500, $response->get_status());
        $this->assertSame('The server failed to handle the request; it has been logged.', $response->get_data()['detail']);
        $this->assertSame(['type', 'title', 'status', 'detail'], array_keys($response->get_data()));
        $this->assertStringNotContainsString('boom', self::sent($response));
    }

    public function testBlanksTheSitesSecretsWhereverTheServiceEchoedThem(): void
    {
        $problem = self::relay(self::answer(401, [
            'status' => 401,
            'detail' => 'The API key ' . self::API_KEY . ' is not valid.',
            'errors' => [['path' => 'token', 'message' => 'signed with ' . self::JWT_SECRET]],
        ]));
        $this->assertSame(401, $problem->get_status());
        $this->assertSame('The API key [redacted] is not valid.', $problem->get_data()['detail']);
        $job = self::relay(new ServiceResponse(200, (string) wp_json_encode([
            'job_id' => '00000000-0000-4000-8000-000000000000',
            'status' => 'error',
            'error_msg' => 'called back with X-API-Key: ' . self::API_KEY,
        ]), 'application/json'));
        $this->assertSame('called back with X-API-Key: [redacted]', $job->get_data()['error_msg']);
        foreach ([$problem, $job] as $response) {
            $this->assertStringNotContainsString(self::API_KEY, self::sent($response));
            $this->assertStringNotContainsString(self::JWT_SECRET, self::sent($response));
        }
    }

    public function testPassesOnlyContentTypeAndANumericRetryAfter(): void
    {
        $response = self::relay(self::answer(503, ['status' => 503, 'detail' => 'Storage is unavailable.'], '7'));
        $this->assertSame(['Content-Type', 'Retry-After'], array_keys($response->get_headers()));
        $this->assertSame('7', $response->get_headers()['Retry-After']);
        $smuggled = self::relay(self::answer(429, ['status' => 429, 'detail' => 'Slow down.'], "7\r\nSet-Cookie: session=stolen"));
        $this->assertSame(['Content-Type'], array_keys($smuggled->get_headers()));
        $this->assertStringNotContainsString('evil.example', self::sent($response));
    }

    public function testAnswersItsOwn502ForARedirectAnInventedStatusOrABodyThatIsNotJson(): void
    {
        foreach ([302, 101, 999] as $status) {
            $response = self::relay(self::answer($status, ['status' => $status, 'detail' => 'Go elsewhere.', 'location' => 'https://evil.example/']));
            $this->assertSame(502, $response->get_status(), (string) $status);
            $this->assertStringNotContainsString('evil.example', self::sent($response));
        }
        $html = self::relay(new ServiceResponse(500, '<html><pre>' . self::STACK . '</pre></html>', 'text/html'));
        $this->assertSame(502, $html->get_status());
        $this->assertSame('The service sent an answer that is not JSON.', $html->get_data()['detail']);
        $this->assertStringNotContainsString('boom', self::sent($html));
    }

    public function testTrimsADetailTooLongForAPersonToRead(): void
    {
        $response = self::relay(self::answer(400, ['status' => 400, 'detail' => str_repeat('x', 5000)]));
        $this->assertSame(2000, mb_strlen($response->get_data()['detail']));
        $this->assertStringEndsWith('…', $response->get_data()['detail']);
    }

    /** The running service's own 422 (an empty payload), through the service client, as the submit route relays it. */
    public function testRelaysTheRunningServicesOwn422FieldByField(): void
    {
        $url = (string) getenv('PRAISONAI_TEST_SERVICE_URL');
        $this->assertNotSame('', $url, 'test/wordpress-e2e.test.ts sets PRAISONAI_TEST_SERVICE_URL');
        $service = Service::fromArray(['name' => 'ppt', 'base_url' => $url, 'api_key' => (string) getenv('PRAISONAI_TEST_API_KEY')]);
        $client = new ServiceClient($service);
        $response = Problem::relay($client->submit('{}', 'application/json', $client->apiKeyAuth()), $service->secrets());
        $this->assertSame(422, $response->get_status());
        $this->assertStringContainsString('presentation_title', $response->get_data()['detail'] . wp_json_encode($response->get_data()['errors'] ?? []));
        $this->assertNotEmpty($response->get_data()['errors']);
        $this->assertStringNotContainsString((string) getenv('PRAISONAI_TEST_API_KEY'), self::sent($response));
    }
}

<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\Admin\ConnectionTest;
use PraisonAI\Svc\Rest\JobsController;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\ServiceClient;

/** Against the praisonai-svc service the end-to-end test runs (URL and credentials from the environment). */
final class ServiceClientTest extends TestCase
{
    private static function service(array $override = []): Service
    {
        $row = array_merge([
            'name' => 'ppt',
            'base_url' => (string) getenv('PRAISONAI_TEST_SERVICE_URL'),
            'api_key' => (string) getenv('PRAISONAI_TEST_API_KEY'),
            'jwt_secret' => (string) getenv('PRAISONAI_TEST_JWT_SECRET'),
        ], $override);
        return Service::fromArray($row);
    }

    public function testRefusesAnythingButAJobIdBeforeAnyCall(): void
    {
        foreach (['../admin', '00000000-0000-4000-8000-00000000000G', "00000000-0000-4000-8000-000000000000\n", ''] as $bad) {
            $this->assertFalse(ServiceClient::isJobId($bad));
        }
        $this->expectException(InvalidArgumentException::class);
        (new ServiceClient(self::service()))->job('../admin/poison-queue', []);
    }

    public function testForwardsTheRawBodySoAnEmptyObjectStaysAnObject(): void
    {
        $client = new ServiceClient(self::service());
        $answer = $client->submit('{}', 'application/json', $client->apiKeyAuth());
        $this->assertSame(422, $answer->status);
        $this->assertStringStartsWith('application/problem+json', $answer->contentType);
        $this->assertStringContainsString('presentation_title', $answer->detail());
        $this->assertStringNotContainsString('must be a JSON object', $answer->detail());
    }

    public function testSaysWhenTheServiceCannotBeReached(): void
    {
        $answer = (new ServiceClient(self::service(['base_url' => 'http://127.0.0.1:9'])))->health();
        $this->assertFalse($answer->reached());
        $this->assertNotSame('', $answer->networkError);
    }

    public function testConnectionTestNamesAnUnreachableServiceAWrongKeyAndAMissingCorsOrigin(): void
    {
        [[$level, $message]] = (new ConnectionTest(self::service(['base_url' => 'http://127.0.0.1:9'])))->run();
        $this->assertSame('error', $level);
        $this->assertStringContainsString('Cannot reach http://127.0.0.1:9', $message);

        $checks = (new ConnectionTest(self::service(['api_key' => 'wrong-key'])))->run();
        $this->assertSame(['error', 'API key refused by the service: The X-API-Key is not valid for this service.'], $checks[1]);

        $otherSite = static fn () => 'https://elsewhere.example';
        add_filter('home_url', $otherSite);
        try {
            $checks = (new ConnectionTest(self::service(['mode' => 'direct', 'issuer' => get_option('home')])))->run();
        } finally {
            remove_filter('home_url', $otherSite);
        }
        $this->assertSame('ok', $checks[2][0], 'the token is still accepted');
        $this->assertSame('error', $checks[3][0]);
        $this->assertStringContainsString('CORS origin missing: browsers on https://elsewhere.example', $checks[3][1]);
    }

    public function testReadsTheExamplePayloadFromTheOpenApiDocument(): void
    {
        $answer = (new ServiceClient(self::service()))->openApi();
        $example = JobsController::exampleFrom($answer->json());
        $this->assertSame('Faith, Hope and Love', $example['presentation_title']);
    }
}

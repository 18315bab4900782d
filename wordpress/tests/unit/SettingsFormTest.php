<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\SettingsForm;

final class SettingsFormTest extends TestCase
{
    private const ROW = ['name' => 'ppt', 'label' => 'Slides', 'base_url' => 'https://ppt.example.com/', 'api_key' => 'k-123', 'visitor_limit' => '5', 'job_timeout' => '600'];

    public function testSavesAServiceWithItsUrlNormalised(): void
    {
        $form = new SettingsForm();
        $services = $form->sanitize([self::ROW], []);
        $this->assertSame([], $form->errors);
        $this->assertSame('https://ppt.example.com', $services['ppt']->baseUrl);
        $this->assertSame('proxy', $services['ppt']->mode);
        $this->assertSame('users', $services['ppt']->access);
    }

    public function testAnEmptyKeyFieldKeepsTheSavedKeyAndClearRemovesIt(): void
    {
        $saved = ['ppt' => new Service('ppt', 'Slides', 'https://ppt.example.com', 'old-key')];
        $kept = (new SettingsForm())->sanitize([['api_key' => '', 'original' => 'ppt'] + self::ROW], $saved);
        $this->assertSame('old-key', $kept['ppt']->apiKey);
        $form = new SettingsForm();
        $cleared = $form->sanitize([['api_key' => '', 'api_key_clear' => '1', 'original' => 'ppt'] + self::ROW], $saved);
        $this->assertSame('old-key', $cleared['ppt']->apiKey, 'proxy mode without a key is refused, so the saved service stays');
        $this->assertStringContainsString('proxy mode needs the API key', $form->errors[0]);
    }

    /** @return array<string, array{0: array<string, string>, 1: string}> */
    public static function badRows(): array
    {
        return [
            'name with spaces' => [['name' => 'my ppt'], 'the name must be'],
            'ftp URL' => [['base_url' => 'ftp://ppt.example.com'], 'API base URL'],
            'URL with a password' => [['base_url' => 'https://u:p@ppt.example.com'], 'API base URL'],
            'URL with a query' => [['base_url' => 'https://ppt.example.com/?x=1'], 'API base URL'],
            'key with a space' => [['api_key' => 'a b'], 'printable characters'],
            'short secret' => [['jwt_secret' => 'short'], 'at least 32 bytes'],
            'direct without a secret' => [['mode' => 'direct'], 'needs the token secret'],
            'visitor limit 0' => [['visitor_limit' => '0'], 'hourly limit'],
            'timeout 5 s' => [['job_timeout' => '5'], 'job timeout'],
            'bad private key' => [['jwt_private_key' => 'nope'], 'RSA key'],
        ];
    }

    /** @dataProvider badRows */
    public function testRefusesABadValueNamingTheField(array $change, string $message): void
    {
        $form = new SettingsForm();
        $services = $form->sanitize([$change + self::ROW], []);
        $this->assertSame([], $services);
        $this->assertCount(1, $form->errors);
        $this->assertStringContainsString($message, $form->errors[0]);
    }

    public function testABadEditKeepsTheSavedService(): void
    {
        $saved = ['ppt' => new Service('ppt', 'Slides', 'https://ppt.example.com', 'old-key')];
        $services = (new SettingsForm())->sanitize([['base_url' => 'nope', 'original' => 'ppt'] + self::ROW], $saved);
        $this->assertSame('https://ppt.example.com', $services['ppt']->baseUrl);
    }

    public function testRefusesTwoServicesWithOneName(): void
    {
        $form = new SettingsForm();
        $services = $form->sanitize([self::ROW, self::ROW], []);
        $this->assertCount(1, $services);
        $this->assertStringContainsString('Two services are named "ppt"', $form->errors[0]);
    }

    public function testIgnoresTheEmptyAddRowAndDeletedRows(): void
    {
        $services = (new SettingsForm())->sanitize([['name' => '', 'base_url' => ''], ['delete' => '1'] + self::ROW], []);
        $this->assertSame([], $services);
    }
}

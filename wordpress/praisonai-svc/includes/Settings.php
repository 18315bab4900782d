<?php

// The plugin's settings (one option, not autoloaded: it holds secrets): the configured services.

namespace PraisonAI\Svc;

final class Settings
{
    public const OPTION = 'praisonai_svc_settings';

    /** @return array<string, Service> Services by name. */
    public function services(): array
    {
        $stored = get_option(self::OPTION, []);
        $rows = is_array($stored) && isset($stored['services']) && is_array($stored['services']) ? $stored['services'] : [];
        $services = [];
        foreach ($rows as $row) {
            if (is_array($row)) {
                $service = Service::fromArray($row);
                if ($service->name !== '') {
                    $services[$service->name] = $service;
                }
            }
        }
        return $services;
    }

    public function service(string $name): ?Service
    {
        return $this->services()[$name] ?? null;
    }

    /** @param array<string, Service> $services */
    public function save(array $services): void
    {
        $value = ['services' => array_values(array_map(static fn (Service $s) => $s->toArray(), $services))];
        if (get_option(self::OPTION, null) === null) {
            add_option(self::OPTION, $value, '', false);
            return;
        }
        update_option(self::OPTION, $value, false);
    }
}

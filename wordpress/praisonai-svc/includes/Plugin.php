<?php

// Wires the plugin's parts to WordPress hooks; each part lives in its own class.

namespace PraisonAI\Svc;

use PraisonAI\Svc\Admin\AnalyticsPage;
use PraisonAI\Svc\Admin\HistoryPage;
use PraisonAI\Svc\Admin\SettingsPage;
use PraisonAI\Svc\Frontend\Widget;
use PraisonAI\Svc\Rest\JobsController;

final class Plugin
{
    /** Runs once when a site owner activates the plugin: creates or upgrades the jobs table. */
    public static function activate(): void
    {
        JobStore::install();
    }

    public static function boot(): void
    {
        load_plugin_textdomain('praisonai-svc', false, dirname(plugin_basename(PRAISONAI_SVC_FILE)) . '/languages');
        JobStore::maybeUpgrade();

        $settings = new Settings();
        $store = new JobStore();

        add_action('rest_api_init', static function () use ($settings, $store): void {
            (new JobsController($settings, $store))->register();
        });
        (new Widget($settings))->register();

        if (is_admin()) {
            (new SettingsPage($settings))->register();
            (new HistoryPage($store, $settings))->register();
            (new AnalyticsPage())->register();
        }
    }
}

<?php

use PHPUnit\Framework\TestCase;
use PraisonAI\Svc\JobStore;
use PraisonAI\Svc\Settings;

final class UninstallTest extends TestCase
{
    public function testUninstallRemovesTheOptionsAndTheTableAndDeactivationKeepsThem(): void
    {
        global $wpdb;
        require_once ABSPATH . 'wp-admin/includes/plugin.php';
        $plugin = 'praisonai-svc/praisonai-svc.php';
        $settings = get_option(Settings::OPTION);
        $this->assertIsArray($settings);

        deactivate_plugins($plugin, true);
        $this->assertSame($settings, get_option(Settings::OPTION));
        $this->assertSame(JobStore::table(), $wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', JobStore::table())));

        define('WP_UNINSTALL_PLUGIN', $plugin);
        include WP_PLUGIN_DIR . '/praisonai-svc/uninstall.php';
        $this->assertFalse(get_option(Settings::OPTION));
        $this->assertFalse(get_option(JobStore::DB_VERSION_OPTION));
        $this->assertNull($wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', JobStore::table())));

        // Leave the site as it was for anything that runs after.
        activate_plugin($plugin);
        update_option(Settings::OPTION, $settings, false);
        $this->assertSame(JobStore::table(), $wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', JobStore::table())));
    }
}

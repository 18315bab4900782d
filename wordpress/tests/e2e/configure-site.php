<?php

// Activates the plugin (already copied into wp-content/plugins) and saves its services, for tests that
// need a working plugin but not the admin screens: `php configure-site.php <site dir>` with the services
// as a JSON list of settings rows in PRAISONAI_TEST_SERVICES.

$site = $argv[1] ?? '';
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$activated = activate_plugin('praisonai-svc/praisonai-svc.php');
if (is_wp_error($activated)) {
    fwrite(STDERR, $activated->get_error_message());
    exit(1);
}
$rows = json_decode((string) getenv('PRAISONAI_TEST_SERVICES'), true);
update_option('praisonai_svc_settings', ['services' => is_array($rows) ? $rows : []], false);
echo "configured\n";

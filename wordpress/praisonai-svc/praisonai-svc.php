<?php

/**
 * Plugin Name:       PraisonAI Services
 * Plugin URI:        https://github.com/MervinPraison/praisonai-svc
 * Description:       A chat widget that sends YAML or JSON jobs to a praisonai-svc service (slides, documents, video) and hands back the file. The service's API key stays on the server.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.0
 * Author:            PraisonAI
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       praisonai-svc
 * Domain Path:       /languages
 */

// The plugin's entry point: constants, the class loader and the hooks; the work is done in includes/.

if (!defined('ABSPATH')) {
    exit;
}

define('PRAISONAI_SVC_VERSION', '0.1.0');
define('PRAISONAI_SVC_FILE', __FILE__);
define('PRAISONAI_SVC_DIR', plugin_dir_path(__FILE__));

spl_autoload_register(static function (string $class): void {
    $prefix = 'PraisonAI\\Svc\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = PRAISONAI_SVC_DIR . 'includes/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_readable($file)) {
        require $file;
    }
});

register_activation_hook(__FILE__, ['PraisonAI\\Svc\\Plugin', 'activate']);
add_action('plugins_loaded', ['PraisonAI\\Svc\\Plugin', 'boot']);

<?php

// Settings → PraisonAI (manage_options only): the services, their credentials and access, and a
// "Test connection" button per service. Secrets are never printed back: a field left empty keeps them.

namespace PraisonAI\Svc\Admin;

use PraisonAI\Svc\Service;
use PraisonAI\Svc\Settings;
use PraisonAI\Svc\SettingsForm;
use PraisonAI\Svc\TokenIssuer;

final class SettingsPage
{
    public const SLUG = 'praisonai-svc';
    private const GROUP = 'praisonai_svc';
    private const RESULT = 'praisonai_svc_test_result_';

    public function __construct(private Settings $settings)
    {
    }

    public function register(): void
    {
        add_action('admin_menu', function (): void {
            add_options_page(__('PraisonAI', 'praisonai-svc'), __('PraisonAI', 'praisonai-svc'), 'manage_options', self::SLUG, [$this, 'render']);
        });
        add_action('admin_init', function (): void {
            register_setting(self::GROUP, Settings::OPTION, ['type' => 'array', 'sanitize_callback' => [$this, 'sanitize']]);
        });
        add_action('admin_post_praisonai_test_connection', [$this, 'testConnection']);
        add_filter('plugin_action_links_' . plugin_basename(PRAISONAI_SVC_FILE), static function (array $links): array {
            $url = admin_url('options-general.php?page=' . self::SLUG);
            array_unshift($links, '<a href="' . esc_url($url) . '">' . esc_html__('Settings', 'praisonai-svc') . '</a>');
            return $links;
        });
    }

    /** The Settings API's sanitize callback: the whole option, rebuilt from the form. */
    public function sanitize(mixed $input): array
    {
        $current = $this->settings->services();
        if (!is_array($input) || !isset($input['services']) || !is_array($input['services'])) {
            return ['services' => array_values(array_map(static fn (Service $s) => $s->toArray(), $current))];
        }
        $form = new SettingsForm();
        $services = $form->sanitize($input['services'], $current);
        foreach ($form->errors as $i => $message) {
            add_settings_error(Settings::OPTION, 'praisonai_svc_' . $i, $message, 'error');
        }
        return ['services' => array_values(array_map(static fn (Service $s) => $s->toArray(), $services))];
    }

    public function testConnection(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('You may not change these settings.', 'praisonai-svc'), 403);
        }
        check_admin_referer(self::GROUP . '-options');
        $name = isset($_GET['praisonai_test']) ? sanitize_key(wp_unslash($_GET['praisonai_test'])) : '';
        $service = $this->settings->service($name);
        $checks = $service === null
            ? [['error', __('Save the service before testing it.', 'praisonai-svc')]]
            : (new ConnectionTest($service))->run();
        set_transient(self::RESULT . get_current_user_id(), ['service' => $name, 'checks' => $checks], 300);
        wp_safe_redirect(admin_url('options-general.php?page=' . self::SLUG));
        exit;
    }

    public function render(): void
    {
        if (!current_user_can('manage_options')) {
            return;
        }
        $services = $this->settings->services();
        echo '<div class="wrap"><h1>' . esc_html__('PraisonAI services', 'praisonai-svc') . '</h1>';
        echo '<p>' . esc_html__(
            'Each service is a praisonai-svc deployment. Put a chat on any page with the shortcode [praisonai_chatbot service="name"] or the "PraisonAI chat" block.',
            'praisonai-svc'
        ) . '</p>';
        $this->renderTestResult();
        settings_errors(Settings::OPTION);
        echo '<form method="post" action="' . esc_url(admin_url('options.php')) . '">';
        settings_fields(self::GROUP);
        $i = 0;
        foreach ($services as $service) {
            $this->renderService($i++, $service);
        }
        $this->renderService($i, null);
        submit_button(__('Save services', 'praisonai-svc'));
        echo '</form></div>';
    }

    private function renderTestResult(): void
    {
        $key = self::RESULT . get_current_user_id();
        $result = get_transient($key);
        if (!is_array($result)) {
            return;
        }
        delete_transient($key);
        $failed = in_array('error', array_column($result['checks'], 0), true);
        echo '<div class="notice ' . ($failed ? 'notice-error' : 'notice-success') . '" id="praisonai-test-result"><p><strong>';
        /* translators: %s: service name */
        echo esc_html(sprintf(__('Connection test of "%s":', 'praisonai-svc'), $result['service']));
        echo '</strong></p><ul>';
        foreach ($result['checks'] as [$level, $message]) {
            $mark = ['ok' => '✔', 'warning' => '⚠', 'error' => '✖'][$level] ?? '•';
            echo '<li>' . esc_html($mark . ' ' . $message) . '</li>';
        }
        echo '</ul></div>';
    }

    private function renderService(int $i, ?Service $s): void
    {
        $f = new ServiceFields($i);
        $title = $s === null ? __('Add a service', 'praisonai-svc') : $s->label . ' (' . $s->name . ')';
        echo '<h2>' . esc_html($title) . '</h2><table class="form-table" role="presentation"><tbody>';
        if ($s !== null) {
            printf('<input type="hidden" name="%s" value="%s">', esc_attr($f->name('original')), esc_attr($s->name));
        }
        $f->text('name', __('Name', 'praisonai-svc'), $s?->name ?? '', __('Used in the shortcode, e.g. ppt.', 'praisonai-svc'));
        $f->text('label', __('Label', 'praisonai-svc'), $s?->label ?? '', __('Shown to users, e.g. "Slides".', 'praisonai-svc'));
        $f->text(
            'base_url',
            __('API base URL', 'praisonai-svc'),
            $s?->baseUrl ?? '',
            __('For example https://ppt.example.azurecontainerapps.io', 'praisonai-svc'),
            'url'
        );
        $f->secret(
            'api_key',
            __('API key', 'praisonai-svc'),
            $s !== null && $s->apiKey !== '',
            __('One of the service\'s PRAISONAI_SVC_API_KEYS. Kept on this server; never sent to browsers.', 'praisonai-svc')
        );
        $f->select('mode', __('Access mode', 'praisonai-svc'), $s?->mode ?? Service::MODE_PROXY, [
            Service::MODE_PROXY => __('Proxy: browsers talk to this site, which calls the service with the API key (recommended)', 'praisonai-svc'),
            Service::MODE_DIRECT => __('Direct: browsers call the service with a short-lived token issued by this site (needs CORS)', 'praisonai-svc'),
        ]);
        $f->select('jwt_algorithm', __('Token signing', 'praisonai-svc'), $s?->jwtAlgorithm ?? 'HS256', [
            'HS256' => __('HS256 with a shared secret (the service\'s PRAISONAI_SVC_JWT_SECRET)', 'praisonai-svc'),
            'RS256' => __('RS256 with a private key (the service holds the public key in PRAISONAI_SVC_JWT_PUBLIC_KEY)', 'praisonai-svc'),
        ]);
        $f->secret(
            'jwt_secret',
            __('Token secret (HS256)', 'praisonai-svc'),
            $s !== null && $s->jwtSecret !== '',
            __('At least 32 bytes, e.g. from `openssl rand -hex 32`.', 'praisonai-svc')
        );
        $f->secret(
            'jwt_private_key',
            __('Private key (RS256, PEM)', 'praisonai-svc'),
            $s !== null && $s->jwtPrivateKey !== '',
            __('An RSA key of 2048 bits or more.', 'praisonai-svc'),
            true
        );
        if ($s !== null && $s->jwtPrivateKey !== '') {
            printf(
                '<tr><th scope="row">%s</th><td><textarea readonly rows="5" cols="64" class="code">%s</textarea></td></tr>',
                esc_html__('Public key for the service', 'praisonai-svc'),
                esc_textarea(TokenIssuer::publicKeyPem($s->jwtPrivateKey) ?? '')
            );
        }
        $f->text(
            'audience',
            __('Token audience (aud)', 'praisonai-svc'),
            $s?->audience ?? Service::DEFAULT_AUDIENCE,
            __('The service\'s PRAISONAI_SVC_JWT_AUDIENCE.', 'praisonai-svc')
        );
        $f->text('issuer', __('Token issuer (iss)', 'praisonai-svc'), $s?->issuer ?? '', sprintf(
            /* translators: %s: site URL */
            __('The service\'s PRAISONAI_SVC_JWT_ISSUER; empty means this site\'s URL, %s.', 'praisonai-svc'),
            home_url()
        ));
        $f->select('access', __('Who may use it', 'praisonai-svc'), $s?->access ?? Service::ACCESS_USERS, [
            Service::ACCESS_USERS => __('Logged-in users', 'praisonai-svc'),
            Service::ACCESS_VISITORS => __('Logged-in users and visitors', 'praisonai-svc'),
        ]);
        $f->text(
            'visitor_limit',
            __('Jobs per visitor per hour', 'praisonai-svc'),
            (string) ($s?->visitorLimit ?? Service::DEFAULT_VISITOR_LIMIT),
            __('Proxy mode; in direct mode the service\'s own rate limit applies.', 'praisonai-svc'),
            'number'
        );
        $f->text(
            'job_timeout',
            __('Job timeout (seconds)', 'praisonai-svc'),
            (string) ($s?->jobTimeout ?? Service::DEFAULT_JOB_TIMEOUT),
            __('The service\'s PRAISONAI_SVC_JOB_TIMEOUT; the chat stops waiting after it.', 'praisonai-svc'),
            'number'
        );
        if ($s !== null) {
            $this->renderManage($f, $s);
        }
        echo '</tbody></table>';
    }

    private function renderManage(ServiceFields $f, Service $s): void
    {
        echo '<tr><th scope="row">' . esc_html__('Manage', 'praisonai-svc') . '</th><td>';
        // The button posts the same form (and its nonce) to admin-post.php; its `action` comes after
        // the Settings API's hidden `action=update`, so PHP takes the button's.
        printf(
            '<button type="submit" class="button" name="action" value="praisonai_test_connection" formaction="%s">%s</button> ',
            esc_url(add_query_arg('praisonai_test', $s->name, admin_url('admin-post.php'))),
            esc_html__('Test connection', 'praisonai-svc')
        );
        printf(
            '<label><input type="checkbox" name="%s" value="1"> %s</label>',
            esc_attr($f->name('delete')),
            esc_html__('Remove this service', 'praisonai-svc')
        );
        echo '<p class="description">' . esc_html__('The test uses the saved settings: save changes first.', 'praisonai-svc') . '</p></td></tr>';
    }
}

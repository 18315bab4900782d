<?php

// The chat widget on the site: the [praisonai_chatbot] shortcode, a block that wraps it, and their assets,
// which load only on pages that show a widget. Everything the script needs is in data-* attributes:
// no inline script, so the widget works under a strict Content-Security-Policy.

namespace PraisonAI\Svc\Frontend;

use PraisonAI\Svc\Rest\JobsController;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\Settings;

final class Widget
{
    public const SHORTCODE = 'praisonai_chatbot';
    public const BLOCK = 'praisonai/chatbot';
    private const HANDLE = 'praisonai-svc-widget';

    public function __construct(private Settings $settings)
    {
    }

    public function register(): void
    {
        add_shortcode(self::SHORTCODE, [$this, 'render']);
        add_action('init', [$this, 'registerAssets']);
        add_action('wp_enqueue_scripts', [$this, 'enqueueEarlyStyle']);
    }

    public function registerAssets(): void
    {
        $url = plugins_url('assets/', PRAISONAI_SVC_FILE);
        wp_register_script(self::HANDLE, $url . 'widget.js', [], PRAISONAI_SVC_VERSION, true);
        wp_register_style(self::HANDLE, $url . 'widget.css', [], PRAISONAI_SVC_VERSION);
        wp_register_script(
            'praisonai-svc-block',
            $url . 'block.js',
            ['wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n', 'wp-server-side-render'],
            PRAISONAI_SVC_VERSION,
            true
        );
        wp_set_script_translations('praisonai-svc-block', 'praisonai-svc', PRAISONAI_SVC_DIR . 'languages');
        register_block_type(self::BLOCK, [
            'api_version' => 2,
            'title' => __('PraisonAI chat', 'praisonai-svc'),
            'category' => 'widgets',
            'editor_script' => 'praisonai-svc-block',
            'attributes' => ['service' => ['type' => 'string', 'default' => '']],
            'render_callback' => fn (array $attributes): string => $this->render($attributes),
        ]);
    }

    /** The style goes in <head> when the page's content has a widget, so it does not flash unstyled. */
    public function enqueueEarlyStyle(): void
    {
        $post = get_post();
        if (is_singular() && $post && (has_shortcode($post->post_content, self::SHORTCODE) || has_block(self::BLOCK, $post))) {
            wp_enqueue_style(self::HANDLE);
        }
    }

    /** @param array<string, string>|string $attributes */
    public function render($attributes): string
    {
        $attributes = shortcode_atts(['service' => ''], is_array($attributes) ? $attributes : [], self::SHORTCODE);
        $name = sanitize_key((string) $attributes['service']);
        $services = $this->settings->services();
        $service = $services[$name] ?? ($name === '' && count($services) === 1 ? reset($services) : null);
        if (!$service instanceof Service) {
            // Only editors learn why nothing shows; visitors see nothing.
            return current_user_can('edit_posts')
                /* translators: %s: service name */
                ? '<p class="praisonai-chat-missing">' . esc_html(sprintf(__('PraisonAI: no service named "%s" is configured (Settings → PraisonAI).', 'praisonai-svc'), $name)) . '</p>'
                : '';
        }
        wp_enqueue_script(self::HANDLE);
        wp_enqueue_style(self::HANDLE);

        $data = [
            'service' => $service->name,
            'label' => $service->label,
            'mode' => $service->mode,
            'rest-url' => esc_url_raw(rest_url(JobsController::NAMESPACE . '/')),
            'nonce' => wp_create_nonce('wp_rest'),
            'job-timeout' => (string) $service->jobTimeout,
            'allowed' => is_user_logged_in() || $service->allowsVisitors() ? '1' : '0',
            'signed-in' => is_user_logged_in() ? '1' : '0',
            'login-url' => wp_login_url((string) get_permalink()),
            'i18n' => wp_json_encode(Strings::widget()),
        ];
        if ($service->isDirect()) {
            $data['service-url'] = $service->baseUrl;
            $data['token-url'] = esc_url_raw(add_query_arg('service', $service->name, rest_url(JobsController::NAMESPACE . '/token')));
        }
        $attrs = '';
        foreach ($data as $key => $value) {
            $attrs .= ' data-' . $key . '="' . esc_attr((string) $value) . '"';
        }
        $allowed = is_user_logged_in() || $service->allowsVisitors();
        $fallback = $allowed
            ? esc_html__('The chat needs JavaScript.', 'praisonai-svc')
            : esc_html__('Please log in to use this service.', 'praisonai-svc');
        return '<div class="praisonai-chat" data-praisonai-chat' . $attrs . '><noscript>' . $fallback . '</noscript></div>';
    }
}

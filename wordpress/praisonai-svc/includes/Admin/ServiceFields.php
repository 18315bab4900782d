<?php

// The form fields of one service row on the settings page: labelled, described, and secrets never printed.

namespace PraisonAI\Svc\Admin;

use PraisonAI\Svc\Settings;

final class ServiceFields
{
    public function __construct(private int $row)
    {
    }

    /** The input's name: praisonai_svc_settings[services][<row>][<key>]. */
    public function name(string $key): string
    {
        return Settings::OPTION . '[services][' . $this->row . '][' . $key . ']';
    }

    public function id(string $key): string
    {
        return 'praisonai-' . $this->row . '-' . $key;
    }

    public function text(string $key, string $label, string $value, string $help, string $type = 'text'): void
    {
        $this->open($key, $label);
        printf(
            '<input type="%s" id="%s" name="%s" value="%s" class="regular-text" aria-describedby="%s-help">',
            esc_attr($type),
            esc_attr($this->id($key)),
            esc_attr($this->name($key)),
            esc_attr($value),
            esc_attr($this->id($key))
        );
        $this->close($key, $help);
    }

    /** Always empty; the placeholder says whether a value is saved, and a checkbox removes it. */
    public function secret(string $key, string $label, bool $saved, string $help, bool $multiline = false): void
    {
        $placeholder = $saved ? __('Saved (leave empty to keep it)', 'praisonai-svc') : '';
        $this->open($key, $label);
        $common = sprintf(
            'id="%s" name="%s" placeholder="%s" aria-describedby="%s-help"',
            esc_attr($this->id($key)),
            esc_attr($this->name($key)),
            esc_attr($placeholder),
            esc_attr($this->id($key))
        );
        echo $multiline // phpcs:ignore -- $common is escaped above
            ? '<textarea ' . $common . ' rows="4" cols="64" class="code" autocomplete="off"></textarea>'
            : '<input type="password" ' . $common . ' value="" class="regular-text" autocomplete="new-password">';
        if ($saved) {
            printf(
                '<p><label><input type="checkbox" name="%s" value="1"> %s</label></p>',
                esc_attr($this->name($key . '_clear')),
                esc_html__('Remove the saved value', 'praisonai-svc')
            );
        }
        $this->close($key, $help);
    }

    /** @param array<string, string> $options */
    public function select(string $key, string $label, string $value, array $options): void
    {
        $this->open($key, $label);
        printf('<select id="%s" name="%s">', esc_attr($this->id($key)), esc_attr($this->name($key)));
        foreach ($options as $option => $text) {
            printf('<option value="%s"%s>%s</option>', esc_attr($option), selected($value, $option, false), esc_html($text));
        }
        echo '</select>';
        $this->close($key, '');
    }

    private function open(string $key, string $label): void
    {
        printf('<tr><th scope="row"><label for="%s">%s</label></th><td>', esc_attr($this->id($key)), esc_html($label));
    }

    private function close(string $key, string $help): void
    {
        if ($help !== '') {
            printf('<p class="description" id="%s-help">%s</p>', esc_attr($this->id($key)), esc_html($help));
        }
        echo '</td></tr>';
    }
}

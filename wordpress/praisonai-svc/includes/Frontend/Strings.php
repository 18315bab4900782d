<?php

// The widget's words, translated on the server and handed to the script in a data attribute
// (wp_set_script_translations would add an inline script, which a strict CSP blocks).
// Keys match wordpress/widget/src/i18n.ts; {placeholders} are filled in by the widget.

namespace PraisonAI\Svc\Frontend;

final class Strings
{
    /** @return array<string, string> */
    public static function widget(): array
    {
        return [
            'heading' => __('Create with {label}', 'praisonai-svc'),
            'inputLabel' => __('Your request (YAML or JSON)', 'praisonai-svc'),
            'placeholder' => __('Paste or type YAML or JSON…', 'praisonai-svc'),
            'attach' => __('Attach a file', 'praisonai-svc'),
            'attached' => __('Attached {name}.', 'praisonai-svc'),
            'example' => __('Example', 'praisonai-svc'),
            'send' => __('Send', 'praisonai-svc'),
            'sending' => __('Sending…', 'praisonai-svc'),
            'thread' => __('Your requests', 'praisonai-svc'),
            'request' => __('Request {n}', 'praisonai-svc'),
            'queued' => __('Queued', 'praisonai-svc'),
            'processing' => __('Processing…', 'praisonai-svc'),
            'done' => __('Done', 'praisonai-svc'),
            'error' => __('Failed', 'praisonai-svc'),
            'cancelled' => __('Cancelled', 'praisonai-svc'),
            'announce' => __('Request {n}: {status}', 'praisonai-svc'),
            /* translators: {percent}: a whole number from 0 to 100, filled in by the widget */
            'progress' => __('{percent} %', 'praisonai-svc'),
            'progressLabel' => __('Progress of request {n}', 'praisonai-svc'),
            'stop' => __('Stop', 'praisonai-svc'),
            'stopRequest' => __('Stop request {n}', 'praisonai-svc'),
            'stopping' => __('Stopping…', 'praisonai-svc'),
            'finishedFirst' => __('It finished before it could be stopped.', 'praisonai-svc'),
            'notStopped' => __('Cannot reach the service, so the job was not stopped. Try again in a moment.', 'praisonai-svc'),
            'download' => __('Download {filename}', 'praisonai-svc'),
            'badLink' => __('The service sent a download link that is not a web address, so it was not opened.', 'praisonai-svc'),
            'fieldErrors' => __('The service could not accept this request:', 'praisonai-svc'),
            'tooMany' => __('Too many requests. Try again in {seconds} s.', 'praisonai-svc'),
            'networkRetry' => __('Cannot reach the service; retrying in {seconds} s…', 'praisonai-svc'),
            'notSent' => __('Cannot reach the service, so nothing was sent. Your text is kept: try again in a moment.', 'praisonai-svc'),
            'timeout' => __('No result after {minutes} min, the service\'s time limit. Look for it under "Your files" later.', 'praisonai-svc'),
            'failed' => __('The job failed: {message}', 'praisonai-svc'),
            'loginRequired' => __('Please log in to use this service.', 'praisonai-svc'),
            'login' => __('Log in', 'praisonai-svc'),
            'recent' => __('Your files', 'praisonai-svc'),
            'empty' => __('Type or paste a request first.', 'praisonai-svc'),
            'fileTooLarge' => __('This file is larger than 1 MB.', 'praisonai-svc'),
            'fileType' => __('Attach a .yaml, .yml or .json file.', 'praisonai-svc'),
            'unexpected' => __('Something went wrong (HTTP {status}).', 'praisonai-svc'),
        ];
    }
}

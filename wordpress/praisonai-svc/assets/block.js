/* PraisonAI chat block for the editor: plain JavaScript on WordPress's globals, no build step.
 * The block stores only the service name; the server renders it through the shortcode. */
((wp) => {
  var el = wp.element.createElement;
  var __ = wp.i18n.__;
  var useBlockProps = wp.blockEditor.useBlockProps;
  var InspectorControls = wp.blockEditor.InspectorControls;
  var PanelBody = wp.components.PanelBody;
  var TextControl = wp.components.TextControl;
  var Placeholder = wp.components.Placeholder;

  wp.blocks.registerBlockType("praisonai/chatbot", {
    apiVersion: 2,
    title: __("PraisonAI chat", "praisonai-svc"),
    description: __(
      "A chat that sends YAML or JSON to a PraisonAI service and hands back the file.",
      "praisonai-svc",
    ),
    icon: "format-chat",
    category: "widgets",
    attributes: { service: { type: "string", default: "" } },
    edit: (props) => {
      var service = props.attributes.service;
      return el(
        "div",
        useBlockProps(),
        el(
          InspectorControls,
          null,
          el(
            PanelBody,
            { title: __("Service", "praisonai-svc") },
            el(TextControl, {
              label: __("Service name (as in Settings → PraisonAI)", "praisonai-svc"),
              value: service,
              onChange: (value) => {
                props.setAttributes({ service: value });
              },
            }),
          ),
        ),
        el(Placeholder, {
          icon: "format-chat",
          label: __("PraisonAI chat", "praisonai-svc"),
          instructions: service
            ? `${__("Shows the chat for this service on the page:", "praisonai-svc")} ${service}`
            : __("Set the service name in the block settings.", "praisonai-svc"),
        }),
      );
    },
    save: () => null,
  });
})(window.wp);

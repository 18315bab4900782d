// Entry point of widget.js: mounts a chat panel on every element with `data-praisonai-chat`.
// Outside WordPress: <div data-praisonai-chat data-service-url="…" data-token-url="…"></div>.
import { readConfig } from "./config.js";
import { mountPanel } from "./panel.js";

function mountAll(): void {
  for (const el of document.querySelectorAll<HTMLElement>("[data-praisonai-chat]")) {
    if (el.dataset.mounted) continue;
    el.dataset.mounted = "1";
    mountPanel(el, readConfig(el));
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();

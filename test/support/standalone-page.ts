// A web page outside WordPress that embeds the widget in direct mode, served under a strict
// Content-Security-Policy, with its own token endpoint (HS256, the service's shared secret).
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SignJWT } from "jose";
import { ROOT } from "./cli.js";

const ASSETS = path.join(ROOT, "wordpress", "praisonai-svc", "assets");

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `csp: false` serves the page without its policy, as many sites do (the widget must be safe there too). */
export async function startStandalonePage(o: { jwtSecret: string; issuer: string; csp?: boolean }) {
  let lastCsp = "";
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/widget.js" || url.pathname === "/widget.css") {
      const type = url.pathname.endsWith(".js") ? "text/javascript" : "text/css";
      res.writeHead(200, { "content-type": type }).end(await readFile(path.join(ASSETS, url.pathname)));
      return;
    }
    if (url.pathname === "/token") {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject("standalone-visitor")
        .setAudience("praisonai-svc")
        .setIssuer(o.issuer)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(new TextEncoder().encode(o.jwtSecret));
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const service = new URL(url.searchParams.get("service") ?? "http://127.0.0.1:1").origin;
    lastCsp = `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${service}; base-uri 'none'; form-action 'none'`;
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      ...(o.csp === false ? {} : { "content-security-policy": lastCsp }),
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Slides</title><link rel="stylesheet" href="/widget.css"></head><body>
<div data-praisonai-chat data-label="Slides" data-service-url="${escapeHtml(service)}" data-token-url="/token"></div>
<script src="/widget.js" defer></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    csp: () => lastCsp,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

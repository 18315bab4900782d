// A job service that lies, for the widget's attack tests: it speaks enough of the service's API in direct
// mode (CORS, submit, status, download link) to get a job to "done", then answers the download with
// whatever link the test sets, such as a `javascript:` URL. A real service never does; a compromised or
// misconfigured one might, and the widget must not open it.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export async function startHostileService() {
  let link = "";
  const served: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    served.push(`${req.method} ${url.pathname}`);
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", "authorization, content-type");
    res.setHeader("access-control-allow-methods", "GET, POST, DELETE");
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (url.pathname === "/file") {
      return void res
        .writeHead(200, {
          "content-type": "text/plain",
          "content-disposition": 'attachment; filename="file.txt"',
        })
        .end("a file\n");
    }
    if (req.method === "POST" && url.pathname === "/jobs") {
      req.resume();
      return void json(202, { job_id: randomUUID(), status: "queued" });
    }
    const id = /^\/jobs\/([0-9a-f-]{36})(\/download)?$/.exec(url.pathname);
    if (id?.[2]) return void json(200, { download_url: link });
    if (id) return void json(200, { job_id: id[1], status: "done", filename: "deck.pptx", size: 7 });
    json(404, { type: "about:blank", title: "Not Found", status: 404, detail: "No such route." });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The link the next download answers with. */
    setLink(next: string) {
      link = next;
    },
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

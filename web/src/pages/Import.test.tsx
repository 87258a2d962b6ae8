import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { csrf, importFile } from "../api/bff";
import { serveBff } from "../test/bff";
import type { ImportResult } from "../api/types";
import { describeResult, formatBytes, refuseBeforeUpload, uploadFile } from "../api/upload";
import { renderScreen } from "../test/render";
import { envelope, startServer, type TestServer } from "../test/server";
import { ImportScreen, UploadList, toUploads } from "./Import";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  csrf.set(null);
});

const file = (name: string, size = 64) =>
  new File(["x".repeat(size)], name, { type: "application/octet-stream" });

describe("import results", () => {
  it("list each file with its status, and a refusal with its reason", () => {
    const uploads = toUploads([file("morning.gpx"), file("track.tcx"), file("notes.txt")]);
    const results: ImportResult[][] = [
      [{ filename: "morning.gpx", status: "created", run_id: "r1" }],
      [{ filename: "track.tcx", status: "already_imported", run_id: "r2" }],
      [{ filename: "notes.txt", status: "refused", reason: "Not a GPX, TCX or FIT file." }],
    ];
    const done = uploads.map((u, i) => ({ ...u, state: "done" as const, results: results[i] ?? [] }));
    renderScreen(<UploadList uploads={done} />);
    const items = within(screen.getByRole("list")).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual([
      "morning.gpx: created View run from morning.gpx",
      "track.tcx: already imported View run from track.tcx",
      "notes.txt: refused: Not a GPX, TCX or FIT file.",
    ]);
    expect(within(items[0]!).getByRole("link")).toHaveAttribute("href", "/runs/r1");
  });

  it("list each file inside a zip under the zip", () => {
    const [zip] = toUploads([file("week.zip")]);
    const upload = {
      ...zip!,
      state: "done" as const,
      results: [
        { filename: "mon.fit", status: "created" as const, run_id: "r1" },
        { filename: "tue.fit", status: "merged" as const, run_id: "r2" },
      ],
    };
    renderScreen(<UploadList uploads={[upload]} />);
    const outer = screen.getAllByRole("listitem")[0]!;
    expect(outer).toHaveTextContent(/^week\.zip/);
    const inner = within(outer).getAllByRole("listitem");
    expect(inner.map((li) => li.textContent)).toEqual([
      "mon.fit: created View run from mon.fit",
      "tue.fit: merged with a run already there View run from tue.fit",
    ]);
  });

  it("refuse a file over the limit before sending it, saying its size and the limit", () => {
    const big = { name: "huge.fit", size: 30 * 1024 * 1024 };
    expect(refuseBeforeUpload(big, 25 * 1024 * 1024)).toEqual({
      filename: "huge.fit",
      status: "refused",
      reason: "This file is 30.0 MB; the limit is 25.0 MB.",
    });
    expect(refuseBeforeUpload({ name: "ok.gpx", size: 1000 }, 25 * 1024 * 1024)).toBeNull();
    const [upload] = toUploads([file("huge.gpx", 26 * 1024 * 1024)]);
    expect(upload?.state).toBe("done");
    expect(upload?.results[0]?.reason).toBe("This file is 26.0 MB; the limit is 25.0 MB.");
  });

  it("words every status", () => {
    expect(describeResult({ filename: "a", status: "created" })).toBe("created");
    expect(describeResult({ filename: "a", status: "refused" })).toBe("refused: not an activity file");
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatBytes(2048)).toBe("2 kB");
  });
});

/** The import endpoint as a browser sees it from another origin: CORS, then the upload. */
async function importServer(answer: (body: string) => ReturnType<typeof envelope>): Promise<TestServer> {
  const cors = {
    "access-control-allow-origin": location.origin,
    "access-control-allow-headers": "x-csrf-token, accept",
    "access-control-allow-methods": "POST",
  };
  server = await startServer((request) => {
    if (request.method === "OPTIONS") return { status: 204, headers: cors };
    const reply = answer(request.body);
    return { ...reply, headers: { ...cors, ...reply.headers } };
  });
  return server;
}

describe("uploading a file", () => {
  it("sends it as the multipart field 'files' with the CSRF token, and answers its results", async () => {
    const { url, received } = await importServer(() => ({
      status: 200,
      body: { results: [{ filename: "morning.gpx", status: "created", run_id: "r9" }] },
    }));
    const progress: number[] = [];
    const results = await uploadFile(new File(["<gpx/>"], "morning.gpx"), {
      url: `${url}/bff/v1/imports`,
      csrfToken: "token-7",
      onProgress: (p) => progress.push(p),
    });
    expect(results).toEqual([{ filename: "morning.gpx", status: "created", run_id: "r9" }]);
    const post = received.find((r) => r.method === "POST");
    expect(post?.headers["x-csrf-token"]).toBe("token-7");
    expect(post?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(post?.body).toContain('name="files"; filename="morning.gpx"');
    expect(post?.body).toContain("<gpx/>");
    expect(progress.at(-1)).toBe(1);
  });

  it("turns the server's 413 into a refusal of that file, with the server's words", async () => {
    const { url } = await importServer(() =>
      envelope(413, "payload_too_large", "The upload is larger than 25 MiB."),
    );
    const results = await uploadFile(new File(["x"], "big.fit"), {
      url: `${url}/bff/v1/imports`,
      csrfToken: "t",
    });
    expect(results).toEqual([
      { filename: "big.fit", status: "refused", reason: "The upload is larger than 25 MiB." },
    ]);
  });

  it("fails with the server's message on another error", async () => {
    const { url } = await importServer(() =>
      envelope(403, "csrf_failed", "The request's CSRF token is missing or wrong."),
    );
    await expect(
      uploadFile(new File(["x"], "a.gpx"), { url: `${url}/bff/v1/imports`, csrfToken: "t" }),
    ).rejects.toThrow("The request's CSRF token is missing or wrong.");
  });
});

describe("the import screen", () => {
  it("lists the chosen files, and refuses one over the limit without sending it", async () => {
    const user = userEvent.setup();
    renderScreen(<ImportScreen />, { route: "/import" });
    const input = screen.getByLabelText("Activity files");
    await user.upload(input, [file("a.gpx"), file("huge.fit", 26 * 1024 * 1024)]);
    const items = await screen.findAllByRole("listitem");
    expect(items[0]).toHaveTextContent("a.gpx waiting");
    expect(items[1]).toHaveTextContent("huge.fit: refused: This file is 26.0 MB; the limit is 25.0 MB.");
    await waitFor(() => expect(screen.getByRole("button", { name: "Import" })).toBeEnabled());
  });
});

describe("importing a file through the session", () => {
  it("sends it again with a fresh CSRF token when the first was stale", async () => {
    const cors = {
      "access-control-allow-origin": location.origin,
      "access-control-allow-headers": "x-csrf-token, accept",
      "access-control-allow-methods": "POST",
    };
    const { url, received } = await serveBff(
      (request) => {
        if (request.method === "OPTIONS") return { status: 204, headers: cors };
        if (request.path !== "/bff/v1/imports") return null;
        const reply =
          request.headers["x-csrf-token"] === "stale"
            ? envelope(403, "csrf_failed", "The request's CSRF token is missing or wrong.")
            : { status: 200, body: { results: [{ filename: "a.gpx", status: "created", run_id: "r1" }] } };
        return { ...reply, headers: cors };
      },
      { loggedIn: true },
    );
    csrf.set("stale");
    const results = await importFile(new File(["<gpx/>"], "a.gpx"), () => {}, `${url}/bff/v1/imports`);
    expect(results).toEqual([{ filename: "a.gpx", status: "created", run_id: "r1" }]);
    const posts = received.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.headers["x-csrf-token"])).toEqual(["stale", "t"]);
  });
});

import { useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type DragEvent, type ReactNode } from "react";
import { Link } from "react-router";

import { importFile } from "../api/bff";
import { errorMessage } from "../api/errors";
import type { ImportResult } from "../api/types";
import { MAX_UPLOAD_BYTES, describeResult, formatBytes, refuseBeforeUpload } from "../api/upload";

export const ACCEPTED = ".gpx,.tcx,.fit,.zip";

export interface Upload {
  key: string;
  file: File;
  state: "waiting" | "uploading" | "done" | "failed";
  progress: number;
  results: ImportResult[];
  error?: string;
}

let counter = 0;

export function toUploads(files: Iterable<File>): Upload[] {
  return Array.from(files, (file) => {
    const refusal = refuseBeforeUpload(file);
    return {
      key: `${++counter}`,
      file,
      // A file over the limit is refused here: sending it would only be refused after the wait.
      state: refusal ? "done" : "waiting",
      progress: 0,
      results: refusal ? [refusal] : [],
    };
  });
}

export function ImportScreen(): ReactNode {
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();

  const update = (key: string, change: Partial<Upload>) =>
    setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const add = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setUploads((all) => [
      ...all.filter((u) => u.state !== "done" && u.state !== "failed"),
      ...toUploads(files),
    ]);
  };

  async function importAll(): Promise<void> {
    setBusy(true);
    // One file at a time: each shows its own progress, and the server is not flooded.
    for (const upload of uploads.filter((u) => u.state === "waiting")) {
      update(upload.key, { state: "uploading", progress: 0 });
      try {
        const results = await importFile(upload.file, (progress) => update(upload.key, { progress }));
        update(upload.key, { state: "done", progress: 1, results });
      } catch (error) {
        update(upload.key, { state: "failed", error: errorMessage(error) });
      }
    }
    setBusy(false);
    if (input.current) input.current.value = "";
    void queryClient.invalidateQueries({ queryKey: ["home"] });
    void queryClient.invalidateQueries({ queryKey: ["runs"] });
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };
  const waiting = uploads.filter((u) => u.state === "waiting").length;

  return (
    <>
      <h1>Import</h1>
      <p>
        Add activity files from your watch or app: GPX, TCX or FIT, or zip archives of them. Up to{" "}
        {formatBytes(MAX_UPLOAD_BYTES)} a file.
      </p>
      <div
        className={`drop-zone${dragging ? " dragging" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p id={hintId}>Drop files here, or choose them:</p>
        <label htmlFor={inputId}>Activity files</label>
        <input
          ref={input}
          id={inputId}
          type="file"
          name="files"
          multiple
          accept={ACCEPTED}
          aria-describedby={hintId}
          onChange={(event) => add(event.target.files)}
        />
      </div>
      <button type="button" onClick={() => void importAll()} disabled={busy || waiting === 0}>
        Import
      </button>
      {uploads.length > 0 ? <UploadList uploads={uploads} /> : null}
    </>
  );
}

/** A list item per file: its name, its progress while sending, then what became of it. */
export function UploadList({ uploads }: { uploads: Upload[] }): ReactNode {
  return (
    <section aria-labelledby="import-results-heading">
      <h2 id="import-results-heading">Files</h2>
      <ul className="uploads" aria-live="polite">
        {uploads.map((upload) => (
          <li key={upload.key} className={`upload ${upload.state}`}>
            <span className="filename">{upload.file.name}</span>
            {upload.state === "waiting" ? (
              <span className="muted"> waiting ({formatBytes(upload.file.size)})</span>
            ) : null}
            {upload.state === "uploading" ? (
              <progress max={1} value={upload.progress} aria-label={`Uploading ${upload.file.name}`} />
            ) : null}
            {upload.state === "failed" ? <span className="error">: failed: {upload.error}</span> : null}
            {upload.state === "done" ? <ResultList upload={upload} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ResultList({ upload }: { upload: Upload }): ReactNode {
  // A single file reports one result under its own name; a zip reports one per file inside.
  const [only] = upload.results;
  if (upload.results.length === 1 && only && only.filename === upload.file.name) {
    return <ResultText result={only} />;
  }
  return (
    <ul>
      {upload.results.map((result, i) => (
        <li key={`${result.filename}-${i}`}>
          <span className="filename">{result.filename}</span>
          <ResultText result={result} />
        </li>
      ))}
    </ul>
  );
}

function ResultText({ result }: { result: ImportResult }): ReactNode {
  return (
    <>
      <span className={result.status === "refused" ? "error" : "success"}>: {describeResult(result)}</span>
      {result.run_id ? (
        <>
          {" "}
          <Link to={`/runs/${encodeURIComponent(result.run_id)}`}>
            View run<span className="visually-hidden"> from {result.filename}</span>
          </Link>
        </>
      ) : null}
    </>
  );
}

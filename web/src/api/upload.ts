/**
 * Import uploads: one XMLHttpRequest per file, so each file has its own progress bar
 * (fetch cannot report upload progress) and its own results.
 */
import { CSRF_HEADER } from "./csrf";
import { toApiError } from "./errors";
import type { ImportResult } from "./types";

const MIB = 1024 * 1024;

/** The runs service's upload limit (its default); a deployment with another sets VITE_MAX_UPLOAD_BYTES. */
export const MAX_UPLOAD_BYTES = Number(import.meta.env.VITE_MAX_UPLOAD_BYTES ?? 25 * MIB);

export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} bytes`;
}

/** The refusal for a file too large to send, or null: the server would refuse it anyway. */
export function refuseBeforeUpload(
  file: { name: string; size: number },
  limit = MAX_UPLOAD_BYTES,
): ImportResult | null {
  if (file.size <= limit) return null;
  return {
    filename: file.name,
    status: "refused",
    reason: `This file is ${formatBytes(file.size)}; the limit is ${formatBytes(limit)}.`,
  };
}

export interface UploadOptions {
  url: string;
  csrfToken: string;
  onProgress?: (fraction: number) => void;
}

/**
 * Sends one file as the multipart field `files`. Answers the per-file results; a 413
 * becomes a refusal of this file with the server's message; any other failure throws.
 */
export function uploadFile(file: File, options: UploadOptions): Promise<ImportResult[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", options.url);
    xhr.setRequestHeader(CSRF_HEADER, options.csrfToken);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new TypeError("The upload failed: the server could not be reached."));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null; // not JSON (a proxy's error page): the status alone tells what happened
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const results = (body as { results?: ImportResult[] } | null)?.results;
        if (Array.isArray(results)) {
          options.onProgress?.(1);
          resolve(results);
        } else reject(new Error("The server's answer had no results."));
        return;
      }
      const error = toApiError(xhr.status, body);
      if (xhr.status === 413) {
        resolve([{ filename: file.name, status: "refused", reason: error.message }]);
      } else reject(error);
    };
    const form = new FormData();
    form.append("files", file, file.name);
    xhr.send(form);
  });
}

/** The words shown for one file's result. */
export function describeResult(result: ImportResult): string {
  switch (result.status) {
    case "created":
      return "created";
    case "merged":
      return "merged with a run already there";
    case "already_imported":
      return "already imported";
    case "refused":
      return `refused: ${result.reason ?? "not an activity file"}`;
  }
}

/**
 * Save bytes or text as a file from the renderer: a Blob, an object URL and
 * <a download>. The CSP (default-src 'none', no navigate-to) does not govern
 * downloads, and the object URL never leaves this window; under Electron the
 * download goes through the session's default download handling (a save dialog).
 */
export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.className = 'visually-hidden';
  document.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download has started reading the Blob by now; keep it briefly for slow disks.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

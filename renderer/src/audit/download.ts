/**
 * Save text as a file from the renderer: a Blob, an object URL and <a download>. The
 * CSP (default-src 'none', no navigate-to) does not govern downloads, and the object URL
 * never leaves this window; under Electron the download goes through the session's
 * default download handling (a save dialog), with no navigation.
 */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
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

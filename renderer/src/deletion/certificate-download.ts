/**
 * Save the certificate from the renderer: a Blob, an object URL and <a download>, as
 * audit/download.ts does for CSV (the CSP does not govern downloads; under Electron the
 * session's download handling asks where to save). Bytes, not text: the PDF is binary.
 */
import { base64ToBytes, certificateFileName } from './certificate-facts';
import type { DeletionCertificateView } from './deletion-types';

function saveBlob(fileName: string, blob: Blob): void {
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

export function downloadCertificatePdf(c: DeletionCertificateView): void {
  saveBlob(certificateFileName(c.certificateId, 'pdf'), new Blob([base64ToBytes(c.pdfBase64)], { type: 'application/pdf' }));
}

/** Exactly the bytes whose SHA-256 the certificate states (the canonical JSON, unchanged). */
export function downloadCertificateJson(c: DeletionCertificateView): void {
  saveBlob(certificateFileName(c.certificateId, 'json'), new Blob([c.json], { type: 'application/json' }));
}

/** SHA-256 of the JSON computed in this window, or null where WebCrypto is unavailable. */
export async function sha256OfText(text: string): Promise<string | null> {
  const subtle = typeof crypto !== 'undefined' ? crypto.subtle : undefined;
  if (!subtle) return null;
  try {
    const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

/**
 * Save the certificate (PDF bytes and its JSON twin) through ui/save-file.
 */
import { base64ToBytes, certificateFileName } from './certificate-facts';
import type { DeletionCertificateView } from './deletion-types';
import { saveBlob } from '../ui/save-file';

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

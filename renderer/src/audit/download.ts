import { saveBlob } from '../ui/save-file';

/** Save text (the audit CSV) as a file. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  saveBlob(fileName, new Blob([text], { type }));
}

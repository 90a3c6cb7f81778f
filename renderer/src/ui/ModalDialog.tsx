import { useEffect, useId, useRef, type ReactNode } from 'react';
import './modal-dialog.css';

/**
 * A modal built on the native <dialog> (showModal): the browser traps focus, makes the
 * rest of the page inert and closes on Escape, with no library and no inline script.
 * Mounted only while open, so its form state starts fresh each time.
 */
export function ModalDialog({
  title,
  onClose,
  testId,
  wide = false,
  children,
}: {
  title: string;
  onClose: () => void;
  testId?: string;
  wide?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    // StrictMode runs effects twice: showModal on an open dialog throws.
    if (!d.open) d.showModal();
    // The browser would focus the first focusable element (the × button): start where the work is.
    const first = d.querySelector<HTMLElement>('[data-autofocus]') ?? d.querySelector<HTMLElement>('.modal__body :is(input, textarea, select):not(:disabled)');
    first?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal--wide' : 'modal'}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        // Escape: let React unmount it, so the parent's state stays the truth.
        e.preventDefault();
        onCloseRef.current();
      }}
    >
      <header className="modal__header">
        <h2 className="modal__title" id={titleId}>
          {title}
        </h2>
        <button type="button" className="modal__close" aria-label="Close" onClick={() => onCloseRef.current()}>
          ×
        </button>
      </header>
      <div className="modal__body">{children}</div>
    </dialog>
  );
}

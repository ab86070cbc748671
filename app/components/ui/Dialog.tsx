import { useEffect, useRef, type ReactNode } from "react";

/**
 * A modal dialog over the page (the native <dialog> in its modal state: the page behind is inert,
 * so focus stays inside, and Escape closes it). Opened while `open` is true; `onClose` is called
 * however it closes (Escape, a Cancel button, the backdrop).
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  testId,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  testId?: string;
  /** Room for a form with several columns of choices (48rem instead of 28rem). */
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // the browser focuses the first focusable element; a dialog may name another
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onClick={(event) => {
        // a click on the backdrop lands on the dialog element itself
        if (event.target === ref.current) onClose();
      }}
      aria-labelledby={testId ? `${testId}-title` : undefined}
      data-testid={testId}
      className={`${wide ? "w-[min(48rem,calc(100vw-2rem))]" : "w-[min(28rem,calc(100vw-2rem))]"} rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40`}
    >
      {/* kept in the DOM while closed (the browser hides it), so a submit button inside can close
          the dialog on click and still submit its form */}
      <div className="space-y-4 p-5">
        <h2 id={testId ? `${testId}-title` : undefined} className="text-base font-semibold">
          {title}
        </h2>
        {children}
      </div>
    </dialog>
  );
}

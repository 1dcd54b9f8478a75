import { useEffect, useRef, type ReactNode } from "react";

/**
 * A details panel opened from a row: named for what it shows, its heading
 * focused when it opens (a keyboard user lands in it, a screen reader says
 * what opened), and a button that closes it and gives focus back.
 */
export function Drawer({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    heading.current?.focus();
  }, []);
  const close = () => {
    onClose();
    if (opener.current instanceof HTMLElement) opener.current.focus();
  };
  return (
    <section aria-label={title} className="panel details" onKeyDown={(e) => e.key === "Escape" && close()}>
      <h3 ref={heading} tabIndex={-1}>{title}</h3>
      {children}
      <button type="button" onClick={close}>Close details</button>
    </section>
  );
}

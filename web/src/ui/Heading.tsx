import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** The screen's main heading; it takes the focus when the screen is shown, so screen readers announce it. */
export function Heading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 id="main-heading" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

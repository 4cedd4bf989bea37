/**
 * Percent-decoding of URL parts that never throws: a malformed escape (`%zz`, a lone `%`) is left
 * as sent rather than failing the request.
 */
export function decodePercent(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

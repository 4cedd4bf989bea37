/**
 * A minimal VNode → HTML serializer for unit tests (no DOM in jest's node environment; preact-render-to-string is not
 * a dependency). Function components are called; hooks are not supported (render only stateless components).
 */
import type { VNode } from "preact";

const VOID = new Set(["input", "img", "br", "hr", "meta", "link"]);
const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderToString(node: unknown): string {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return escape(String(node));
  if (Array.isArray(node)) return node.map(renderToString).join("");
  const vnode = node as VNode<Record<string, unknown>>;
  if (typeof vnode.type === "function") return renderToString((vnode.type as (p: unknown) => unknown)(vnode.props));
  const { children, ...attrs } = vnode.props as Record<string, unknown> & { children?: unknown };
  if (vnode.type === undefined || vnode.type === null) return renderToString(children);
  const attributes = Object.entries(attrs)
    .filter(([k, v]) => !k.startsWith("on") && v !== undefined && v !== false && k !== "key" && k !== "ref")
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escape(String(v))}"`))
    .join("");
  const tag = String(vnode.type);
  return VOID.has(tag) ? `<${tag}${attributes}>` : `<${tag}${attributes}>${renderToString(children)}</${tag}>`;
}

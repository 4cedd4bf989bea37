/**
 * `.sql` files import as their text: esbuild's `text` loader in the bundles (BundlingOptions.loader
 * `{ ".sql": "text" }`), test/support/text-transform.js under jest, scripts/sql-require-hook.ts in scripts.
 */
declare module "*.sql" {
  const text: string;
  export default text;
}

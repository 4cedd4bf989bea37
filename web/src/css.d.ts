/** esbuild bundles imported CSS into main-[hash].css. */
declare module "*.css";

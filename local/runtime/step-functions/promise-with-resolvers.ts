/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node ≥ 22) in every Task state; the platform supports
 * Node 20 (package.json engines), where it is missing and a throwing task would crash the process. Importing this
 * module adds it where absent, with the standard semantics.
 */
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void } {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};

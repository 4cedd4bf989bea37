/**
 * The jose library. jose 6 is published as ES modules only: plain Node (≥ 20.19) loads it through `require`, and jest
 * compiles it to CommonJS (jest.config.js), so it lives in the same realm as the code under test (jose's key checks
 * compare against that realm's CryptoKey and Uint8Array).
 */
import * as joseModule from "jose";

export type Jose = typeof joseModule;

/** The loaded jose module. */
export const jose: Jose = joseModule;

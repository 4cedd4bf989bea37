/** Monthly cost estimate of a planned environment (see README, "Cost estimate"). */
export * from "./prices";
export * from "./estimate";

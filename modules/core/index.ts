export * from "./naming";
export * from "./validation";
export * from "./iam";
export * from "./interfaces";
export * from "./arn";
export * from "./permissions-boundary";

/**
 * The platform's module library: secure-by-default CDK for Terraform constructs for serverless AWS.
 *
 *   import { Table, LambdaFunction, HttpApi } from "@platform/serverless/modules";
 *
 * Every module takes a construct scope inside a stack whose naming context is set with `Naming.configure`
 * (AwsStack does it), validates its props at synth with errors that name the module, the prop and the fix,
 * and grants least privilege through its grant methods.
 */
export * from "./core";
export * from "./log-group";
export * from "./kms-key";
export * from "./lambda-function";
export * from "./table";
export * from "./bucket";
export * from "./queue";
export * from "./stream";
export * from "./topic";
export * from "./http-api";
export * from "./cdn";
export * from "./static-site";
export * from "./user-pool";
export * from "./aurora-serverless";
export * from "./iot-ingest";
export * from "./state-machine";
export * from "./data-lake";
export * from "./monitoring";
export * from "./policy";
export { AwsStack } from "./stack";
export type { AwsStackOptions } from "./stack";

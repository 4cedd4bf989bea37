// Run: node -r @swc-node/register scripts/terraform-cli.ts
// Prints the offline Terraform CLI configuration (lib/terraform-cli.ts): the provider mirror and TF_CLI_CONFIG_FILE.
import { terraformEnv } from "../lib/terraform-cli";

const env = terraformEnv();
console.log(env.TF_PROVIDER_MIRROR ? `provider mirror: ${env.TF_PROVIDER_MIRROR}` : "no provider mirror: terraform will use the registry");
console.log(`export TF_CLI_CONFIG_FILE=${env.TF_CLI_CONFIG_FILE}`);

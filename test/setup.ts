import { Testing } from "cdktf";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, toPlanSuccessfully
Testing.setupJest();

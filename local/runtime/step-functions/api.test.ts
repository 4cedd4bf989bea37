import { validateDefinitionResponse } from "../../../modules/state-machine/validate-definition";

describe("ValidateStateMachineDefinition on the local runtime (moto 5.2.1 lacks it; the AWS provider calls it before every create)", () => {
  it("answers OK for a valid definition", () => {
    const definition = JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } });
    expect(validateDefinitionResponse(definition)).toEqual({ result: "OK", diagnostics: [], truncated: false });
  });

  it("answers FAIL with an ERROR diagnostic per problem, never OK for a broken definition", () => {
    const out = validateDefinitionResponse(JSON.stringify({ StartAt: "Missing", States: { A: { Type: "Pass", End: true } } }));
    expect(out.result).toBe("FAIL");
    expect(out.diagnostics.length).toBeGreaterThan(0);
    for (const d of out.diagnostics) expect(d).toEqual({ severity: "ERROR", code: expect.any(String), message: expect.any(String) });
    expect(validateDefinitionResponse("{not json").diagnostics[0]).toMatchObject({ code: "INVALID_JSON_DESCRIPTION" });
    expect(validateDefinitionResponse(undefined).result).toBe("FAIL");
  });
});

import { DIMENSIONS, Dimension, FREE_RESOURCE_TYPES, PRICE_TABLE } from "./prices";
import { PRICED_RESOURCE_TYPES } from "./estimate";

const regions = Object.entries(PRICE_TABLE.regions);
const dimensions = Object.keys(DIMENSIONS) as Dimension[];

describe("PRICE_TABLE", () => {
  it("is dated and versioned, in USD, for eu-west-1 and us-east-1", () => {
    expect(PRICE_TABLE.version).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
    expect(PRICE_TABLE.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(PRICE_TABLE.effectiveDate))).toBe(false);
    expect(PRICE_TABLE.currency).toBe("USD");
    expect(PRICE_TABLE.hoursPerMonth).toBe(730);
    expect(Object.keys(PRICE_TABLE.regions).sort()).toEqual(["eu-west-1", "us-east-1"]);
  });

  it.each(regions)("%s: every dimension has a rate with a unit, a positive block size, a non-negative price, its evidence and a listed https source", (_region, prices) => {
    for (const dim of dimensions) {
      const rate = prices[dim];
      expect({ dim, ok: rate !== undefined }).toEqual({ dim, ok: true });
      expect(rate.unit.length).toBeGreaterThan(0);
      expect(rate.per).toBeGreaterThan(0);
      expect(rate.usd).toBeGreaterThanOrEqual(0);
      expect(["aws-price-list", "aws-page", "well-known"]).toContain(rate.evidence);
      expect(rate.source).toMatch(/^https:\/\//);
      expect(PRICE_TABLE.sources).toContain(rate.source);
      if (rate.freeTier) expect(rate.freeTier.quantity).toBeGreaterThan(0);
    }
    expect(Object.keys(prices).sort()).toEqual([...dimensions].sort());
  });

  it.each(regions)("%s: tiered rates start at the rate's own price, ascend in volume and end open", (_region, prices) => {
    for (const dim of dimensions) {
      const tiers = prices[dim].tiers;
      if (tiers === undefined) continue;
      expect({ dim, first: tiers[0].usd }).toEqual({ dim, first: prices[dim].usd });
      expect(tiers[tiers.length - 1].upTo).toBeNull();
      const bounds = tiers.slice(0, -1).map((t) => t.upTo as number);
      expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
    }
  });

  it("prices arm64 Lambda duration below x86_64 and the platform's eu-west-1 rates from the AWS price list", () => {
    for (const [, prices] of regions) expect(prices["lambda.gbSecondsArm64"].usd).toBeLessThan(prices["lambda.gbSecondsX86"].usd);
    const eu = PRICE_TABLE.regions["eu-west-1"];
    expect(eu["lambda.gbSecondsArm64"]).toMatchObject({ usd: 0.0000133334, evidence: "aws-price-list" });
    expect(eu["apigateway.httpRequests"]).toMatchObject({ usd: 1.11, per: 1_000_000, evidence: "aws-price-list" });
    expect(eu["dynamodb.writeRequestUnits"]).toMatchObject({ usd: 0.705, evidence: "aws-price-list" });
    expect(eu["cloudwatch.logIngestionGb"]).toMatchObject({ usd: 0.57, evidence: "aws-price-list" });
    expect(PRICE_TABLE.regions["us-east-1"]["apigateway.httpRequests"].usd).toBe(1.0);
  });

  it("states the Cognito free-tier assumption: 10,000 MAU shared by Lite and Essentials, none on Plus", () => {
    for (const [, prices] of regions) {
      expect(prices["cognito.essentialsMau"].freeTier).toEqual({ quantity: 10_000, pool: "cognito.mau" });
      expect(prices["cognito.liteMau"].freeTier).toEqual({ quantity: 10_000, pool: "cognito.mau" });
      expect(prices["cognito.plusMau"].freeTier).toBeUndefined();
    }
  });

  it("lists a type either as free or as priced, never both", () => {
    expect(PRICED_RESOURCE_TYPES.filter((t) => FREE_RESOURCE_TYPES[t] !== undefined)).toEqual([]);
    for (const reason of Object.values(FREE_RESOURCE_TYPES)) expect(reason.length).toBeGreaterThan(0);
  });
});

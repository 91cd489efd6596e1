import { strict as assert } from "node:assert";
import { parseOptions, Registry } from "../../src/config/registry";
import * as s from "../../src/config/schema";
import { ConfigError } from "../../src/util/errors";

interface Shape {
  schema: s.Schema<{ radius: number }>;
  area(o: { radius: number }): number;
}

function shapes(): Registry<Shape> {
  const r = new Registry<Shape>("shape");
  r.register("disk", { schema: s.object({ type: s.string(), radius: s.withDefault(s.number({ min: 0 }), 1) }), area: (o) => Math.PI * o.radius ** 2 }, ["circle"]);
  r.register("square", { schema: s.object({ type: s.string(), radius: s.number({ min: 0 }) }), area: (o) => 4 * o.radius ** 2 });
  return r;
}

describe("config/registry", () => {
  it("looks entries up by name or alias, in registration order", () => {
    const r = shapes();
    assert.deepEqual(r.names(), ["disk", "circle", "square"]);
    assert.equal(r.get("circle"), r.get("disk"));
    assert.ok(r.has("square") && !r.has("triangle"));
  });

  it("builds from a config in two steps: entry by name, then its validated options", () => {
    const cfg = { type: "square", radius: 3 };
    const where = { file: "s.yml", keyPath: "shape" };
    const entry = shapes().get(cfg.type, { ...where, keyPath: "shape.type" });
    assert.equal(entry.area(parseOptions(entry, cfg, where)), 36);
    const disk = shapes().get("disk");
    assert.equal(disk.area(parseOptions(disk, { type: "disk" }, where)), Math.PI); // the schema's default radius 1
  });

  it("rejects an unknown name with the file, key and the known names", () => {
    assert.throws(
      () => shapes().get("triangle", { file: "s.yml", keyPath: "shape.type" }),
      (e: unknown) => e instanceof ConfigError && e.message === `s.yml: key 'shape.type': expected one of circle, disk, square, found string "triangle" (unknown shape 'triangle')`,
    );
    assert.throws(() => shapes().get(7, { file: "s.yml", keyPath: "shape.type" }), /s\.yml: key 'shape\.type': expected one of circle, disk, square, found number 7 \(a shape is named by a string\)/);
    assert.throws(() => shapes().get("sqare", { file: "s.yml", keyPath: "shape.type" }), /found string "sqare" \(unknown shape 'sqare'; did you mean 'square'\?\)/);
    // `found` shows the value the name came from
    assert.throws(() => shapes().get("tri", { file: "s.yml", keyPath: "shapes" }, "disk+tri"), /key 'shapes': expected one of .*found string "disk\+tri" \(unknown shape 'tri'\)/);
  });

  it("rejects bad options through the entry's schema, naming the file and key", () => {
    const entry = shapes().get("square");
    assert.throws(() => parseOptions(entry, { type: "square", radius: -2 }, { file: "s.yml", keyPath: "shape" }), /s\.yml: key 'shape\.radius': expected a number >= 0, found number -2/);
    assert.throws(() => parseOptions(entry, { type: "square" }, { file: "s.yml", keyPath: "shape" }), /key 'shape\.radius': expected a number >= 0, found nothing \(key missing\) \(required\)/);
    assert.throws(() => parseOptions(entry, { type: "square", radius: 1, radiu: 2 }, { file: "s.yml", keyPath: "shape" }), /key 'shape\.radiu': expected no such key.*did you mean 'radius'/);
  });

  it("refuses to register a name twice (aliases included)", () => {
    const r = shapes();
    assert.throws(() => r.register("square", r.get("square")), /shape 'square' is already registered/);
    assert.throws(() => r.register("ring", r.get("disk"), ["circle"]), /shape 'circle' is already registered/);
  });
});

describe("config/schema: satisfies, withDefaultForNull", () => {
  const even = s.satisfies<number>("an even integer", (v) => Number.isInteger(v) && (v as number) % 2 === 0);
  it("checks a predicate and names what it expected", () => {
    assert.equal(s.validate(even, 4, "e.yml").value, 4);
    assert.throws(() => s.validate(s.object({ n: even }), { n: 3 }, "e.yml"), /e\.yml: key 'n': expected an even integer, found number 3/);
  });
  it("takes the default for a missing key and for an explicit null", () => {
    const schema = s.object({ n: s.withDefaultForNull(even, 2) });
    assert.deepEqual(s.validate(schema, {}, "e.yml").value, { n: 2 });
    assert.deepEqual(s.validate(schema, { n: null }, "e.yml").value, { n: 2 });
    assert.throws(() => s.validate(schema, { n: 5 }, "e.yml"), /expected an even integer/);
  });
});

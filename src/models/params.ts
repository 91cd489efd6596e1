/**
 * Named trainable parameters of a network, stored in tfjs layouts (NHWC convs: [kh,kw,Ci,Co]) and
 * named after the PyTorch state dict of the original architecture, so PyTorch checkpoints load by
 * name (with layout transposes) and ours save the same way.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { Rng } from "../util/rng";
import { InputFileError } from "../util/errors";
import type { NamedTensor } from "../io/safetensors";
import { describeMatch, matchNaming, namingConventions, type NamingConvention, type NamingMatch } from "./naming";

/**
 * How a parameter maps to PyTorch:
 * - conv: torch [Co,Ci,kh,kw] <-> ours [kh,kw,Ci,Co]
 * - dwconv: torch [C,1,kh,kw] <-> ours [kh,kw,C,1]
 * - linear: torch [out,in] <-> ours [in,out]
 * - vector: torch any shape with C elements (e.g. [1,C,1,1]) <-> ours [C]; `torchShape` keeps torch's
 * - same: identical layout
 */
export type TorchLayout = "conv" | "dwconv" | "linear" | "vector" | "same";

export interface ParamSpec {
  name: string;
  variable: tfTypes.Variable;
  layout: TorchLayout;
  torchShape: number[];
}

export type Init = { kind: "normal"; std: number } | { kind: "constant"; value: number } | { kind: "uniform"; bound: number };

export function torchShapeOf(shape: number[], layout: TorchLayout, vectorTorchShape?: number[]): number[] {
  switch (layout) {
    case "conv":
      return [shape[3]!, shape[2]!, shape[0]!, shape[1]!];
    case "dwconv":
      return [shape[2]! * shape[3]!, 1, shape[0]!, shape[1]!];
    case "linear":
      return [shape[1]!, shape[0]!];
    case "vector":
      return vectorTorchShape ?? shape;
    case "same":
      return shape;
  }
}

/** Converts our layout to torch's (data only; row-major). */
export function toTorchLayout(data: Float32Array, shape: number[], layout: TorchLayout): Float32Array {
  if (layout === "vector" || layout === "same") return data;
  if (layout === "linear") return transpose2(data, shape[0]!, shape[1]!);
  return permuteConv(data, shape, layout, "toTorch");
}

/** Converts torch's layout to ours; `shape` is ours. */
export function fromTorchLayout(data: Float32Array, shape: number[], layout: TorchLayout): Float32Array {
  if (layout === "vector" || layout === "same") return data;
  if (layout === "linear") return transpose2(data, shape[1]!, shape[0]!);
  return permuteConv(data, shape, layout, "fromTorch");
}

/**
 * The one index map between our conv filters [kh,kw,Ci,Co] and torch's, used both ways:
 * conv -> [Co,Ci,kh,kw]; dwconv (ours [kh,kw,C,M]) -> [C*M,1,kh,kw], torch channel c*M + m.
 */
function permuteConv(data: Float32Array, shape: number[], layout: "conv" | "dwconv", direction: "toTorch" | "fromTorch"): Float32Array {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) {
          const ours = ((i * kw + j) * ci + c) * co + o;
          const torch = (layout === "conv" ? (o * ci + c) * kh + i : (c * co + o) * kh + i) * kw + j;
          if (direction === "toTorch") out[torch] = data[ours]!;
          else out[ours] = data[torch]!;
        }
  return out;
}

function transpose2(d: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(d.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = d[i * c + j]!;
  return out;
}

let storeCounter = 0;

export class ParamStore {
  private readonly specs = new Map<string, ParamSpec>();
  /** tf variable names are global: each store prefixes its own. */
  private readonly id = ++storeCounter;
  /**
   * `allocate: false` records names and shapes only (no tensors, no random draws): for telling
   * which architecture a weights file fits; such a store cannot run or load.
   */
  constructor(
    private readonly tf: typeof tfTypes,
    private readonly rng: Rng,
    private readonly opts: { allocate?: boolean } = {},
  ) {}

  add(name: string, shape: number[], init: Init, layout: TorchLayout, vectorTorchShape?: number[]): tfTypes.Variable {
    if (this.specs.has(name)) throw new Error(`duplicate parameter name ${name}`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (this.opts.allocate === false) {
      const placeholder = { shape, size: n, dispose() {} } as unknown as tfTypes.Variable;
      this.specs.set(name, { name, variable: placeholder, layout, torchShape: torchShapeOf(shape, layout, vectorTorchShape) });
      return placeholder;
    }
    const data = new Float32Array(n);
    if (init.kind === "constant") data.fill(init.value);
    else if (init.kind === "normal") for (let i = 0; i < n; i++) data[i] = this.rng.normal(0, init.std);
    else for (let i = 0; i < n; i++) data[i] = this.rng.uniform(-init.bound, init.bound);
    const init0 = this.tf.tensor(data, shape);
    const variable = this.tf.variable(init0, true, `store${this.id}/${name}`);
    init0.dispose();
    this.specs.set(name, { name, variable, layout, torchShape: torchShapeOf(shape, layout, vectorTorchShape) });
    return variable;
  }

  /** The naming conventions checkpoints of this network may use (set by createNetwork from the architecture). */
  namingConventions: NamingConvention[] = namingConventions("");

  get size(): number {
    return this.specs.size;
  }
  names(): string[] {
    return [...this.specs.keys()];
  }
  variables(): tfTypes.Variable[] {
    return [...this.specs.values()].map((s) => s.variable);
  }
  entries(): ParamSpec[] {
    return [...this.specs.values()];
  }
  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const s of this.specs.values()) n += s.variable.size;
    return n;
  }

  /** State dict in PyTorch layout and names (optionally prefixed, e.g. "model."). */
  toTorchStateDict(prefix = ""): Array<[string, NamedTensor]> {
    return this.entries().map((s) => [prefix + s.name, { shape: s.torchShape, data: toTorchLayout(s.variable.dataSync() as Float32Array, s.variable.shape, s.layout) }]);
  }

  /**
   * Loads a PyTorch-layout state dict. The naming convention (one of `conventions`, default: the
   * store's `namingConventions`) and the wrapper prefix (`model.` of the HF wrapper, `module.` of DataParallel, ...) are
   * detected from the names unless `prefix` is given; the match found is returned. Missing or
   * unexpected names and wrong shapes are errors naming the file and parameter.
   */
  loadTorchStateDict(tensors: Map<string, NamedTensor>, file: string, opts: { prefix?: string; conventions?: NamingConvention[]; strict?: boolean } = {}): NamingMatch {
    const match = matchNaming([...tensors.keys()], this.names(), opts.conventions ?? this.namingConventions, opts.prefix);
    if (opts.strict !== false && (match.missing.length || match.unexpected.length)) {
      const show = (a: string[]) => (a.length > 8 ? [...a.slice(0, 8), `... (${a.length} in all)`] : a).join(", ");
      throw new InputFileError(
        file,
        [match.missing.length ? `missing parameters: ${show(match.missing)}` : "", match.unexpected.length ? `unexpected parameters: ${show(match.unexpected)}` : "", `closest naming: ${describeMatch(match)}`]
          .filter(Boolean)
          .join("; "),
      );
    }
    for (const [fileName, name] of match.mapping) {
      const t = tensors.get(fileName)!;
      const spec = this.specs.get(name)!;
      const want = spec.torchShape;
      const n = want.reduce((a, b) => a * b, 1);
      if (t.data.length !== n || (t.shape.length === want.length && t.shape.some((d, i) => d !== want[i])))
        throw new InputFileError(file, `parameter '${fileName}': expected shape [${want}], found [${t.shape}]`);
    }
    for (const [fileName, name] of match.mapping) {
      const spec = this.specs.get(name)!;
      const value = this.tf.tensor(fromTorchLayout(tensors.get(fileName)!.data, spec.variable.shape, spec.layout), spec.variable.shape);
      spec.variable.assign(value);
      value.dispose();
    }
    return match;
  }

  dispose(): void {
    for (const s of this.specs.values()) s.variable.dispose();
    this.specs.clear();
  }
}

/** A dense C-order array on a typed buffer with an explicit shape: the CPU-side exchange type. */
export type Shape = readonly number[];

export interface NdArray<T extends Float32Array | Float64Array = Float32Array> {
  data: T;
  shape: Shape;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i] as number;
  }
  return s;
}

export function zeros(shape: Shape): NdArray<Float32Array> {
  return { data: new Float32Array(sizeOf(shape)), shape: [...shape] };
}

export function shapeString(shape: Shape): string {
  return `(${shape.join(", ")})`;
}

/**
 * A bundle of rays as structure-of-arrays Float64Arrays, so the tracer runs one tight loop per
 * surface over all rays (no per-ray objects).
 */
export class RayBundle {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  /** Unit direction cosines. */
  readonly dx: Float64Array;
  readonly dy: Float64Array;
  readonly dz: Float64Array;
  /** Optical path length accumulated since the ray's start, mm. */
  readonly opl: Float64Array;
  /** 1 while the ray is alive; 0 once vignetted, missed a surface, or totally internally reflected. */
  readonly valid: Uint8Array;
  /** Pupil coordinates the ray was launched from (normalised to the entrance pupil radius). */
  readonly px: Float64Array;
  readonly py: Float64Array;

  constructor(readonly count: number) {
    this.x = new Float64Array(count);
    this.y = new Float64Array(count);
    this.z = new Float64Array(count);
    this.dx = new Float64Array(count);
    this.dy = new Float64Array(count);
    this.dz = new Float64Array(count);
    this.opl = new Float64Array(count);
    this.valid = new Uint8Array(count).fill(1);
    this.px = new Float64Array(count);
    this.py = new Float64Array(count);
  }

  /** Number of rays still alive. */
  validCount(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) n += this.valid[i]!;
    return n;
  }

  clone(): RayBundle {
    const r = new RayBundle(this.count);
    r.x.set(this.x);
    r.y.set(this.y);
    r.z.set(this.z);
    r.dx.set(this.dx);
    r.dy.set(this.dy);
    r.dz.set(this.dz);
    r.opl.set(this.opl);
    r.valid.set(this.valid);
    r.px.set(this.px);
    r.py.set(this.py);
    return r;
  }
}

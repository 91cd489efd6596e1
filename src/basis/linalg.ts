/** Small dense linear algebra in float64 for the PCA: column orthonormalisation and a symmetric eigensolver. */

/**
 * Orthonormalises the `cols` columns of a row-major (rows, cols) matrix in place with modified
 * Gram-Schmidt applied twice ("twice is enough" keeps it orthogonal to machine precision).
 * A column that becomes numerically zero (rank deficiency) is replaced by zeros.
 */
export function orthonormalizeColumns(a: Float64Array, rows: number, cols: number): void {
  const col = new Float64Array(rows);
  const done: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) col[i] = a[i * cols + j] as number;
    const norm0 = Math.sqrt(dot(col, col));
    for (let pass = 0; pass < 2; pass++)
      for (const q of done) {
        const p = dot(q, col);
        for (let i = 0; i < rows; i++) col[i] = (col[i] as number) - p * (q[i] as number);
      }
    const norm = Math.sqrt(dot(col, col));
    const keep = norm > 1e-12 * Math.max(norm0, 1e-300);
    const q = new Float64Array(rows);
    if (keep) for (let i = 0; i < rows; i++) q[i] = (col[i] as number) / norm;
    done.push(q);
    for (let i = 0; i < rows; i++) a[i * cols + j] = q[i] as number;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Eigen-decomposition of a symmetric (n, n) row-major matrix by cyclic Jacobi rotations.
 * Returns eigenvalues in decreasing order and the matching eigenvectors as columns of `vectors`.
 */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += (a[i * n + i] as number) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i * n + j] as number) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (a[j * n + j] as number) - (a[i * n + i] as number));
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src] as number;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src] as number;
  });
  return { values, vectors };
}

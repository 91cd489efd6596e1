"""NumPy reference for bench/raytrace.ts: the same sequential trace (exact conic intersection,
vector Snell refraction, clear-aperture vignetting, TIR, propagation to the sensor) on the same rays.

usage: /usr/bin/python3 bench/raytrace_ref.py <dir>   (dir holds rays.f64 and lens.json from the TS side)
prints one JSON line: {"seconds": ..., "valid": ..., "x": [...first hits...], "y": [...]}"""
import json, sys, time
import numpy as np

d = sys.argv[1]
lens = json.load(open(f"{d}/lens.json"))
raw = np.fromfile(f"{d}/rays.f64", dtype=np.float64).reshape(6, -1)
reps = int(lens.get("reps", 1))


def trace(raw):
    x, y, z, dx, dy, dz = (a.copy() for a in raw)
    valid = np.ones(x.shape, dtype=bool)
    for s in lens["surfaces"]:
        c, k1, zv = s["c"], 1.0 + s["k"], s["z"]
        x0, y0, z0 = x, y, z - zv
        if c == 0.0:
            t = -z0 / dz
        else:
            A = c * (dx * dx + dy * dy + k1 * dz * dz)
            B = 2.0 * (c * (x0 * dx + y0 * dy + k1 * z0 * dz) - dz)
            C = c * (x0 * x0 + y0 * y0 + k1 * z0 * z0) - 2.0 * z0
            disc = B * B - 4.0 * A * C
            valid &= disc >= 0
            t = 2.0 * C / (np.sqrt(np.maximum(disc, 0.0)) - B)
        x = x0 + t * dx
        y = y0 + t * dy
        z = z0 + t * dz + zv
        r2 = x * x + y * y
        valid &= r2 <= s["semi"] ** 2
        if s["aperture"]:
            continue
        mu = s["n1"] / s["n2"]
        if c == 0.0:
            nx = np.zeros_like(x); ny = np.zeros_like(x); nz = np.ones_like(x)
        else:
            q = 1.0 - k1 * c * c * r2
            valid &= q > 0
            dsag = c / (2.0 * np.sqrt(np.maximum(q, 1e-300)))
            nx = -2.0 * x * dsag; ny = -2.0 * y * dsag
            inv = 1.0 / np.sqrt(nx * nx + ny * ny + 1.0)
            nx *= inv; ny *= inv; nz = inv
        cosi = dx * nx + dy * ny + dz * nz
        sin2t = mu * mu * (1.0 - cosi * cosi)
        valid &= sin2t <= 1.0
        g = np.sqrt(np.maximum(1.0 - sin2t, 0.0)) - mu * cosi
        dx = mu * dx + g * nx; dy = mu * dy + g * ny; dz = mu * dz + g * nz
    t = (lens["sensor_z"] - z) / dz
    return x + t * dx, y + t * dy, valid


trace(raw[:, :1000])  # warm-up
t0 = time.perf_counter()
for _ in range(reps):
    hx, hy, valid = trace(raw)
sec = (time.perf_counter() - t0) / reps
idx = np.nonzero(valid)[0][:1000]
print(json.dumps({"seconds": sec, "valid": int(valid.sum()), "idx": idx.tolist(), "x": hx[idx].tolist(), "y": hy[idx].tolist()}))

"""NumPy reference for bench/psf-grid.ts: the same PSF grid computation, timed in the same run.

Usage: /usr/bin/python3 bench/psf-grid-ref.py <family> '<json settings>'
Prints one JSON line {"family", "seconds", "checksum"}; a family without a reference here prints
{"family", "skipped": reason}. Add a function `grid_<family>(s)` to support another family.
"""
import json
import sys
import time

import numpy as np


def grid_gaussian(s):
    """Spec §3.2 + §4: elliptical Gaussian per position and channel, per-position normalisation."""
    H, W = s["sensor"]
    nh, nw = s["grid"]
    k = s["k"]
    p = s["psf"]
    chrom = np.array(p["chromatic"], dtype=np.float64)
    trans = np.array(p["chromatic_trans"], dtype=np.float64)
    inc = len(chrom)
    R = 0.5 * np.hypot(H, W)
    half = k / 2
    j = np.arange(k, dtype=np.float64)
    out = np.empty((inc, 1, nh, nw, k, k), dtype=np.float32)
    for iy in range(nh):
        # Cell-centre positions of one grid row (the bench uses centre sampling).
        x_img = (np.arange(nw) + 0.5) * W / nw - 0.5
        y_img = np.full(nw, (iy + 0.5) * H / nh - 0.5)
        xc0 = x_img - W // 2
        yc0 = y_img - H // 2
        row = np.empty((inc, nw, k, k), dtype=np.float64)
        for c in range(inc):
            offx = (xc0 / R) * half * chrom[c]
            offy = (yc0 / R) * half * chrom[c]
            xc = xc0 + np.trunc(offx)
            yc = yc0 + np.trunc(offy)
            rel = np.hypot(xc, yc) / R
            s1 = np.maximum(p["sigma1"] * 1.0, p["sigma_min"])
            s2 = np.maximum(p["sigma2"] * rel * (1 + chrom[c]), p["sigma_min"])
            th = np.arctan2(xc, yc) + np.pi / 2
            a = np.cos(th) ** 2 / (2 * s2 ** 2) + np.sin(th) ** 2 / (2 * s1 ** 2)
            b = -np.sin(2 * th) / (4 * s2 ** 2) + np.sin(2 * th) / (4 * s1 ** 2)
            d = np.sin(th) ** 2 / (2 * s2 ** 2) + np.cos(th) ** 2 / (2 * s1 ** 2)
            u = (j[None, None, :] - half + offx[:, None, None]) / half  # (nw, 1, k)
            v = (j[None, :, None] - half + offy[:, None, None]) / half  # (nw, k, 1)
            e = a[:, None, None] * u * u + 2 * b[:, None, None] * u * v + d[:, None, None] * v * v
            row[c] = np.exp(-e) * trans[c]
        tot = row.sum(axis=(0, 2, 3))
        tot[tot == 0] = 1
        row /= (tot / inc)[None, :, None, None]
        out[:, 0, iy] = row
    return out


def main():
    family = sys.argv[1]
    s = json.loads(sys.argv[2])
    fn = globals().get(f"grid_{family}")
    if fn is None:
        print(json.dumps({"family": family, "skipped": "no NumPy reference for this family in bench/psf-grid-ref.py"}))
        return
    fn(s)  # warm-up on the same input (imports, allocator)
    t0 = time.perf_counter()
    out = fn(s)
    dt = time.perf_counter() - t0
    print(json.dumps({"family": family, "seconds": dt, "checksum": float(out.astype(np.float64).sum())}))


main()
